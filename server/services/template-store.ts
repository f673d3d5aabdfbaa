// The manager-side template store (by kind), drafts for the designer, and
// pulling/pushing templates between the store and agents.
import { z } from "zod";
import type { Db } from "../db/database.ts";
import { AppError, notFound } from "../errors.ts";
import type { Prisma } from "../db/generated/client.ts";
import { TemplateKinds } from "./queries.ts";
import { validatePlan } from "../domain/plans.ts";
import type { AgentOpsService } from "./agent-ops.ts";

const Name = z.string().trim().min(1, "must not be empty").max(200).regex(/^[\w.@ -]+$/, "letters, digits, space and _ . @ - only");

export const SaveTemplateInputSchema = z.object({
  id: z.string().uuid().optional(),
  kind: z.enum(TemplateKinds),
  name: Name,
  description: z.string().max(2000).default(""),
  content: z.string().max(1_000_000, "at most 1 MB"),
  /** optimistic concurrency: the version the editor loaded */
  version: z.number().int().min(1).optional(),
});

export const SaveDraftInputSchema = z.object({
  id: z.string().uuid().optional(),
  kind: z.enum(["tx_workflow", "orchestrate"]),
  name: z.string().trim().min(1).max(200),
  document: z.unknown(),
});

const PLAN_KIND: Partial<Record<(typeof TemplateKinds)[number], "tx_block" | "tx_workflow" | "orchestrate">> = {
  tx_block: "tx_block",
  tx_workflow: "tx_workflow",
  orchestration: "orchestrate",
};

/** JSON kinds must parse and validate like the agent would; command templates are free text. */
function checkContent(kind: (typeof TemplateKinds)[number], content: string) {
  const planKind = PLAN_KIND[kind];
  if (!planKind) return;
  let value: unknown;
  try {
    value = JSON.parse(content);
  } catch (err) {
    throw new AppError("INVALID_ARGUMENT", `The ${kind} template is not valid JSON: ${(err as Error).message}`, { fields: [{ path: "content", message: "not valid JSON" }] });
  }
  const res = validatePlan(planKind, value);
  if (!res.ok) {
    throw new AppError("INVALID_ARGUMENT", `The ${kind} template is not a valid plan: ${res.errors.map((e) => `${e.path} ${e.message}`).join("; ")}`, {
      fields: res.errors.map((e) => ({ path: `content.${e.path}`, message: e.message })),
    });
  }
}

export function createTemplateStore({ db, agentOps }: { db: Db; agentOps: AgentOpsService }) {
  return {
    async save(raw: z.input<typeof SaveTemplateInputSchema>, userId: string | null) {
      const input = SaveTemplateInputSchema.parse(raw);
      checkContent(input.kind, input.content);
      const contentType = PLAN_KIND[input.kind] ? "application/json" : "text/plain";
      if (!input.id) {
        return db.template.create({ data: { kind: input.kind, name: input.name, description: input.description, content: input.content, contentType, createdById: userId } });
      }
      const n = await db.template.updateMany({
        where: { id: input.id, ...(input.version ? { version: input.version } : {}) },
        data: { name: input.name, description: input.description, content: input.content, contentType, version: { increment: 1 } },
      });
      if (!n.count) {
        const exists = await db.template.findUnique({ where: { id: input.id }, select: { version: true } });
        if (!exists) throw notFound(`Template ${input.id}`);
        throw new AppError("CONFLICT", `Someone saved this template meanwhile (now version ${exists.version}); reload it and apply your change again.`);
      }
      return db.template.findUniqueOrThrow({ where: { id: input.id } });
    },

    async delete(id: string) {
      const n = await db.template.deleteMany({ where: { id } });
      if (!n.count) throw notFound(`Template ${id}`);
      return { id };
    },

    /** Copies an agent's template into the store (new version when it exists). */
    async pull(agentId: string, kind: (typeof TemplateKinds)[number], name: string, userId: string | null) {
      const t = await agentOps.template(agentId, kind, name);
      const agent = await db.agent.findUniqueOrThrow({ where: { id: agentId }, select: { name: true } });
      const existing = await db.template.findUnique({ where: { kind_name: { kind, name } } });
      const contentType = PLAN_KIND[kind] ? "application/json" : "text/plain";
      if (existing) {
        return db.template.update({ where: { id: existing.id }, data: { content: t.content, sourceAgent: agent.name, version: { increment: 1 } } });
      }
      return db.template.create({ data: { kind, name, content: t.content, contentType, sourceAgent: agent.name, createdById: userId } });
    },

    /** Writes a stored template to agents: update when they have it, create otherwise. */
    async push(templateId: string, agentIds: string[]) {
      const t = await db.template.findUnique({ where: { id: templateId } });
      if (!t) throw notFound(`Template ${templateId}`);
      const results = [];
      for (const agentId of agentIds) {
        try {
          const have = (await agentOps.templates(agentId, t.kind)).some((m) => m.name === t.name);
          await agentOps.saveTemplate(agentId, t.kind, t.name, t.content, have ? "update" : "create");
          results.push({ agentId, ok: true as const, action: have ? "updated" : "created" });
        } catch (err) {
          results.push({ agentId, ok: false as const, error: (err as Error).message });
        }
      }
      return { results };
    },

    drafts: {
      list: (userId: string) =>
        db.draft.findMany({ where: { userId }, select: { id: true, kind: true, name: true, updatedAt: true }, orderBy: { updatedAt: "desc" }, take: 100 }),
      async get(userId: string, id: string) {
        const d = await db.draft.findFirst({ where: { id, userId } });
        if (!d) throw notFound(`Draft ${id}`);
        return d;
      },
      async save(userId: string, raw: z.input<typeof SaveDraftInputSchema>) {
        const input = SaveDraftInputSchema.parse(raw);
        const size = JSON.stringify(input.document ?? null).length;
        if (size > 5_000_000) throw new AppError("INVALID_ARGUMENT", "The draft is larger than 5 MB.", { fields: [{ path: "document", message: "too large" }] });
        const data = { kind: input.kind, name: input.name, document: (input.document ?? null) as Prisma.InputJsonValue };
        if (input.id) {
          const n = await db.draft.updateMany({ where: { id: input.id, userId }, data });
          if (!n.count) throw notFound(`Draft ${input.id}`);
          return { id: input.id };
        }
        return db.draft.create({ data: { ...data, userId }, select: { id: true } });
      },
      async delete(userId: string, id: string) {
        await db.draft.deleteMany({ where: { id, userId } });
        return { id };
      },
    },
  };
}
export type TemplateStore = ReturnType<typeof createTemplateStore>;

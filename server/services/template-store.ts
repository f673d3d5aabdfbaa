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

type TemplateKind = (typeof TemplateKinds)[number];

const PLAN_KIND: Partial<Record<TemplateKind, "tx_block" | "tx_workflow" | "orchestrate">> = {
  tx_block: "tx_block",
  tx_workflow: "tx_workflow",
  orchestration: "orchestrate",
};

/** JSON kinds must parse and validate like the agent would; command templates are free text. */
function checkContent(kind: TemplateKind, content: string) {
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

const contentTypeOf = (kind: TemplateKind) => (PLAN_KIND[kind] ? "application/json" : "text/plain");

/**
 * The store's rules for a template that did not come through
 * SaveTemplateInputSchema (a pull from an agent): the name rule, the size
 * limit and the content check, as AppErrors that say what to do.
 */
function checkPulled(kind: TemplateKind, name: string, content: string, agentName: string) {
  const n = Name.safeParse(name);
  if (!n.success) {
    const rule = n.error.issues.map((i) => i.message).join("; ");
    throw new AppError(
      "INVALID_ARGUMENT",
      `Agent ${agentName}'s ${kind} template "${name}" cannot be stored: its name breaks the store's name rule (${rule}; names are 1-200 characters of letters, digits, space and _ . @ -). Rename it on the agent to a name that fits, then pull it again.`,
      { fields: [{ path: "name", message: rule }] },
    );
  }
  const c = SaveTemplateInputSchema.shape.content.safeParse(content);
  if (!c.success) {
    throw new AppError("INVALID_ARGUMENT", `Agent ${agentName}'s ${kind} template "${name}" is too large to store (at most 1 MB).`, { fields: [{ path: "content", message: "at most 1 MB" }] });
  }
  checkContent(kind, content);
  return n.data;
}

export function createTemplateStore({ db, agentOps }: { db: Db; agentOps: AgentOpsService }) {
  return {
    async save(raw: z.input<typeof SaveTemplateInputSchema>, userId: string | null) {
      const input = SaveTemplateInputSchema.parse(raw);
      if (!input.id) {
        checkContent(input.kind, input.content);
        return db.template.create({ data: { kind: input.kind, name: input.name, description: input.description, content: input.content, contentType: contentTypeOf(input.kind), createdById: userId } });
      }
      // an update keeps the stored kind: the kind decides validation and content type
      const stored = await db.template.findUnique({ where: { id: input.id }, select: { kind: true } });
      if (!stored) throw notFound(`Template ${input.id}`);
      if (stored.kind !== input.kind) {
        throw new AppError(
          "INVALID_ARGUMENT",
          `Template ${input.id} is a ${stored.kind} template; an update cannot change its kind to ${input.kind}. Save it with kind ${stored.kind}, or create a new ${input.kind} template instead.`,
          { fields: [{ path: "kind", message: `must stay ${stored.kind} (the stored template's kind)` }] },
        );
      }
      checkContent(stored.kind, input.content);
      const n = await db.template.updateMany({
        where: { id: input.id, kind: stored.kind, ...(input.version ? { version: input.version } : {}) },
        data: { name: input.name, description: input.description, content: input.content, contentType: contentTypeOf(stored.kind), version: { increment: 1 } },
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

    /**
     * Copies an agent's template into the store, under the same rules as save.
     * When the store already has a template of that kind and name, it is
     * replaced only if `opts.version` is the stored version (the one the
     * operator looked at), or — without a version — if its content is
     * identical to the agent's; anything else is a conflict.
     */
    async pull(agentId: string, kind: TemplateKind, name: string, userId: string | null, opts: { version?: number } = {}) {
      const t = await agentOps.template(agentId, kind, name);
      const agent = await db.agent.findUniqueOrThrow({ where: { id: agentId }, select: { name: true } });
      const storeName = checkPulled(kind, name, t.content, agent.name);
      const contentType = contentTypeOf(kind);
      const existing = await db.template.findUnique({ where: { kind_name: { kind, name: storeName } } });
      if (!existing) {
        return db.template.create({ data: { kind, name: storeName, content: t.content, contentType, sourceAgent: agent.name, createdById: userId } });
      }
      const reload = `compare it with agent ${agent.name}'s copy, then choose "Replace the stored copy" (API: pull again with version ${existing.version}), or edit the stored one instead`;
      if (opts.version === undefined && existing.content !== t.content) {
        throw new AppError(
          "CONFLICT",
          `The store already has a different ${kind} template "${storeName}" (version ${existing.version}); pulling from ${agent.name} would overwrite it. To replace it, ${reload}.`,
          { fields: [{ path: "version", message: `required: the store's copy differs (now version ${existing.version})` }], version: existing.version },
        );
      }
      const expected = opts.version ?? existing.version;
      const n = await db.template.updateMany({
        where: { id: existing.id, version: expected },
        data: { content: t.content, contentType, sourceAgent: agent.name, version: { increment: 1 } },
      });
      if (!n.count) {
        const now = await db.template.findUnique({ where: { id: existing.id }, select: { version: true } });
        if (!now) throw notFound(`Template ${existing.id}`);
        throw new AppError("CONFLICT", `Someone saved the ${kind} template "${storeName}" meanwhile (now version ${now.version}, you expected ${expected}); ${reload}.`);
      }
      return db.template.findUniqueOrThrow({ where: { id: existing.id } });
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
        const n = await db.draft.deleteMany({ where: { id, userId } });
        if (!n.count) throw notFound(`Draft ${id}`);
        return { id };
      },
    },
  };
}
export type TemplateStore = ReturnType<typeof createTemplateStore>;

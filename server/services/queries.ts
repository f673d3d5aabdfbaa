// Read-side lists for tasks, history, templates and the global search box.
// Writes to these tables belong to the task engine and template store.
import { z } from "zod";
import type { Db } from "../db/database.ts";
import { notFound } from "../errors.ts";
import type { Prisma } from "../db/generated/client.ts";
import { PageInputSchema, decodeCursor, toPage } from "./paging.ts";

export const TaskTypes = ["exec", "template", "tx_block", "tx_workflow", "orchestrate"] as const;
export const TaskStatuses = ["pending", "running", "success", "partial", "failed", "cancelled", "timed_out"] as const;
export const TemplateKinds = ["command", "tx_block", "tx_workflow", "orchestration"] as const;

const DateRange = {
  from: z.coerce.date().optional(),
  to: z.coerce.date().optional(),
};

export const ListTasksInputSchema = PageInputSchema.extend({
  status: z.enum(TaskStatuses).optional(),
  type: z.enum(TaskTypes).optional(),
  agentId: z.string().uuid().optional(),
  deviceId: z.string().uuid().optional(),
  text: z.string().trim().max(200).optional(),
  ...DateRange,
});
export const ListHistoryInputSchema = PageInputSchema.extend({
  agentId: z.string().uuid().optional(),
  deviceId: z.string().uuid().optional(),
  status: z.string().max(32).optional(),
  text: z.string().trim().max(200).optional(),
  ...DateRange,
});
export const ListTemplatesInputSchema = PageInputSchema.extend({
  kind: z.enum(TemplateKinds).optional(),
  search: z.string().trim().max(200).optional(),
});
export const SearchInputSchema = z.object({ q: z.string().trim().min(1).max(200), limit: z.number().int().min(1).max(20).default(5) });

function createdBefore(cur: [string | number, string] | undefined, field: "createdAt" | "executedAt") {
  if (!cur) return {};
  const at = new Date(cur[0]);
  return { OR: [{ [field]: { lt: at } }, { [field]: at, id: { lt: field === "executedAt" ? BigInt(cur[1]) : cur[1] } }] };
}

export function createQueryServices({ db }: { db: Db }) {
  const tasks = {
    async list(raw: z.input<typeof ListTasksInputSchema>) {
      const input = ListTasksInputSchema.parse(raw);
      const cur = decodeCursor(input.cursor);
      const and: Prisma.TaskWhereInput[] = [createdBefore(cur, "createdAt") as Prisma.TaskWhereInput];
      if (input.status) and.push({ status: input.status });
      if (input.type) and.push({ type: input.type });
      if (input.agentId) and.push({ runs: { some: { agentId: input.agentId } } });
      if (input.deviceId) and.push({ runs: { some: { deviceId: input.deviceId } } });
      if (input.text) and.push({ name: { contains: input.text, mode: "insensitive" } });
      if (input.from) and.push({ createdAt: { gte: input.from } });
      if (input.to) and.push({ createdAt: { lte: input.to } });
      const rows = await db.task.findMany({
        where: { AND: and },
        select: {
          id: true, name: true, type: true, status: true, dryRun: true, runsTotal: true,
          createdAt: true, startedAt: true, finishedAt: true, cancelRequestedAt: true,
          createdBy: { select: { username: true } },
        },
        orderBy: [{ createdAt: "desc" }, { id: "desc" }],
        take: input.limit + 1,
      });
      return toPage(rows, input.limit, (r) => [r.createdAt.toISOString(), r.id]);
    },
  };

  const history = {
    async list(raw: z.input<typeof ListHistoryInputSchema>) {
      const input = ListHistoryInputSchema.parse(raw);
      const cur = decodeCursor(input.cursor);
      const and: Prisma.ExecutionHistoryWhereInput[] = [createdBefore(cur, "executedAt") as Prisma.ExecutionHistoryWhereInput];
      if (input.agentId) and.push({ agentId: input.agentId });
      if (input.deviceId) and.push({ deviceId: input.deviceId });
      if (input.status) and.push({ status: input.status });
      if (input.text) {
        and.push({ OR: [{ command: { contains: input.text, mode: "insensitive" } }, { connection: { contains: input.text, mode: "insensitive" } }, { agentName: { contains: input.text, mode: "insensitive" } }] });
      }
      if (input.from) and.push({ executedAt: { gte: input.from } });
      if (input.to) and.push({ executedAt: { lte: input.to } });
      const rows = await db.executionHistory.findMany({
        where: { AND: and },
        orderBy: [{ executedAt: "desc" }, { id: "desc" }],
        take: input.limit + 1,
      });
      const page = toPage(rows, input.limit, (r) => [r.executedAt.toISOString(), String(r.id)]);
      return { ...page, items: page.items.map((r) => ({ ...r, id: String(r.id) })) };
    },
  };

  const templates = {
    async list(raw: z.input<typeof ListTemplatesInputSchema>) {
      const input = ListTemplatesInputSchema.parse(raw);
      const cur = decodeCursor(input.cursor);
      const and: Prisma.TemplateWhereInput[] = [];
      if (input.kind) and.push({ kind: input.kind });
      if (input.search) and.push({ name: { contains: input.search, mode: "insensitive" } });
      if (cur) and.push({ OR: [{ name: { gt: String(cur[0]) } }, { name: String(cur[0]), id: { gt: cur[1] } }] });
      const rows = await db.template.findMany({
        where: { AND: and },
        select: { id: true, kind: true, name: true, description: true, contentType: true, version: true, sourceAgent: true, updatedAt: true },
        orderBy: [{ name: "asc" }, { id: "asc" }],
        take: input.limit + 1,
      });
      return toPage(rows, input.limit, (r) => [r.name, r.id]);
    },
    async get(id: string) {
      const t = await db.template.findUnique({ where: { id } });
      if (!t) throw notFound(`Template ${id}`);
      return t;
    },
  };

  const search = {
    async query(raw: z.input<typeof SearchInputSchema>) {
      const { q, limit } = SearchInputSchema.parse(raw);
      const like = { contains: q, mode: "insensitive" as const };
      const [agents, devices, taskRows, templateRows] = await Promise.all([
        db.agent.findMany({ where: { OR: [{ name: like }, { host: like }] }, select: { id: true, name: true, status: true }, take: limit, orderBy: { name: "asc" } }),
        db.device.findMany({ where: { removedAt: null, OR: [{ name: like }, { host: like }] }, select: { id: true, name: true, host: true, agentId: true }, take: limit, orderBy: { name: "asc" } }),
        db.task.findMany({ where: { name: like }, select: { id: true, name: true, type: true, status: true }, take: limit, orderBy: { createdAt: "desc" } }),
        db.template.findMany({ where: { name: like }, select: { id: true, name: true, kind: true }, take: limit, orderBy: { name: "asc" } }),
      ]);
      return { agents, devices, tasks: taskRows, templates: templateRows };
    },
  };

  return { tasks, history, templates, search };
}

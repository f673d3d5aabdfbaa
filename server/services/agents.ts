// Operator-side queries and actions on agents. What agents report about
// themselves lives in agent-reports.ts.
import { z } from "zod";
import type { Db } from "../db/database.ts";
import type { Bus } from "../events/bus.ts";
import { notFound } from "../errors.ts";
import type { NotificationService } from "./notifications.ts";
import type { Prisma } from "../db/generated/client.ts";
import { PageInputSchema, decodeCursor, toPage } from "./paging.ts";

export const AgentStatuses = ["online", "offline", "error"] as const;

export const ListAgentsInputSchema = PageInputSchema.extend({
  status: z.enum(AgentStatuses).optional(),
  search: z.string().trim().max(200).optional(),
  label: z.string().trim().max(200).optional(),
});
export type ListAgentsInput = z.input<typeof ListAgentsInputSchema>;

export const agentSelect = {
  id: true,
  name: true,
  host: true,
  port: true,
  reportMode: true,
  status: true,
  statusReason: true,
  statusChangedAt: true,
  lastHeartbeatAt: true,
  registeredAt: true,
  version: true,
  capabilities: true,
  labels: true,
  runningTasks: true,
  connectionsCount: true,
  templatesCount: true,
  uptimeSeconds: true,
  inventorySyncedAt: true,
  createdAt: true,
} satisfies Prisma.AgentSelect;

type AgentRow = Prisma.AgentGetPayload<{ select: typeof agentSelect }>;

/** BigInt does not cross JSON; uptime fits a double for 285 million years. */
export function presentAgent(a: AgentRow) {
  return { ...a, uptimeSeconds: Number(a.uptimeSeconds) };
}
export type AgentView = ReturnType<typeof presentAgent>;

export function createAgentService({ db, bus, notifications }: { db: Db; bus: Bus; notifications: NotificationService }) {
  return {
    async list(raw: ListAgentsInput) {
      const input = ListAgentsInputSchema.parse(raw);
      const cur = decodeCursor(input.cursor);
      const and: Prisma.AgentWhereInput[] = [];
      if (input.status) and.push({ status: input.status });
      if (input.label) and.push({ labels: { has: input.label } });
      if (input.search) {
        and.push({
          OR: [
            { name: { contains: input.search, mode: "insensitive" } },
            { host: { contains: input.search, mode: "insensitive" } },
            { version: { contains: input.search, mode: "insensitive" } },
          ],
        });
      }
      if (cur) and.push({ OR: [{ name: { gt: String(cur[0]) } }, { name: String(cur[0]), id: { gt: cur[1] } }] });
      const rows = await db.agent.findMany({
        where: { AND: and },
        select: agentSelect,
        orderBy: [{ name: "asc" }, { id: "asc" }],
        take: input.limit + 1,
      });
      const page = toPage(rows, input.limit, (r) => [r.name, r.id]);
      return { ...page, items: page.items.map(presentAgent) };
    },

    async get(id: string) {
      const a = await db.agent.findUnique({ where: { id }, select: agentSelect });
      if (!a) throw notFound(`Agent ${id}`);
      return presentAgent(a);
    },

    async setLabels(id: string, labels: string[]) {
      const n = await db.agent.updateMany({ where: { id }, data: { labels: [...new Set(labels)].sort() } });
      if (!n.count) throw notFound(`Agent ${id}`);
      return this.get(id);
    },

    async counts() {
      const rows = await db.agent.groupBy({ by: ["status"], _count: { _all: true } });
      const out = { online: 0, offline: 0, error: 0, total: 0 };
      for (const r of rows) {
        out[r.status] = r._count._all;
        out.total += r._count._all;
      }
      return out;
    },

    /**
     * One statement flips every silent online agent to offline, so two
     * sweepers racing cannot both report the same transition.
     */
    async sweepTimedOut(timeoutMs: number) {
      const rows = await db.$queryRaw<{ id: string; name: string; lastHeartbeatAt: Date | null }[]>`
        UPDATE agents SET status = 'offline', status_reason = 'timeout', status_changed_at = now(), updated_at = now()
         WHERE status = 'online'
           AND coalesce(last_heartbeat_at, registered_at) < now() - make_interval(secs => ${timeoutMs / 1000})
        RETURNING id, name, last_heartbeat_at AS "lastHeartbeatAt"`;
      for (const a of rows) {
        await notifications.create({
          type: "agent_timeout",
          level: "warning",
          title: `Agent ${a.name} timed out`,
          message: `No heartbeat from ${a.name} for more than ${Math.round(timeoutMs / 1000)} s; marked offline. Check that the agent is running and can reach this manager.`,
          link: `/agents/${a.id}`,
          entityType: "agent",
          entityId: a.id,
        });
        await bus.publish({ type: "agent", agentId: a.id, name: a.name, status: "offline" });
      }
      return rows;
    },

    /** Removes the agent and its device inventory; tasks and history keep the agent's name. */
    async delete(id: string) {
      const a = await db.agent.findUnique({ where: { id }, select: { id: true, name: true, _count: { select: { devices: true } } } });
      if (!a) throw notFound(`Agent ${id}`);
      await db.agent.delete({ where: { id } });
      await bus.publish({ type: "agent", agentId: id, name: a.name, status: "deleted" });
      return { id, name: a.name, devicesRemoved: a._count.devices };
    },
  };
}
export type AgentService = ReturnType<typeof createAgentService>;

import { z } from "zod";
import type { Db } from "../db/database.ts";
import { notFound } from "../errors.ts";
import type { Prisma } from "../db/generated/client.ts";
import { PageInputSchema, decodeCursor, toPage } from "./paging.ts";

export const DeviceStatuses = ["unknown", "reachable", "unreachable"] as const;

export const ListDevicesInputSchema = PageInputSchema.extend({
  agentId: z.string().uuid().optional(),
  status: z.enum(DeviceStatuses).optional(),
  label: z.string().trim().max(200).optional(),
  search: z.string().trim().max(200).optional(),
  includeRemoved: z.boolean().optional(),
});
export type ListDevicesInput = z.input<typeof ListDevicesInputSchema>;

export const deviceSelect = {
  id: true,
  agentId: true,
  name: true,
  host: true,
  port: true,
  deviceProfile: true,
  status: true,
  lastCheckedAt: true,
  latencyMs: true,
  lastError: true,
  labels: true,
  groups: true,
  removedAt: true,
  createdAt: true,
  updatedAt: true,
  agent: { select: { name: true, status: true } },
} satisfies Prisma.DeviceSelect;

export function createDeviceService({ db }: { db: Db }) {
  return {
    async list(raw: ListDevicesInput) {
      const input = ListDevicesInputSchema.parse(raw);
      const cur = decodeCursor(input.cursor);
      const and: Prisma.DeviceWhereInput[] = [];
      if (!input.includeRemoved) and.push({ removedAt: null });
      if (input.agentId) and.push({ agentId: input.agentId });
      if (input.status) and.push({ status: input.status });
      if (input.label) and.push({ labels: { has: input.label } });
      if (input.search) {
        and.push({
          OR: [
            { name: { contains: input.search, mode: "insensitive" } },
            { host: { contains: input.search, mode: "insensitive" } },
            { deviceProfile: { contains: input.search, mode: "insensitive" } },
          ],
        });
      }
      // the redundant `name >= cursor` lets PostgreSQL start the (name, id) index scan at the cursor
      if (cur) and.push({ name: { gte: String(cur[0]) } }, { OR: [{ name: { gt: String(cur[0]) } }, { name: String(cur[0]), id: { gt: cur[1] } }] });
      const rows = await db.device.findMany({
        where: { AND: and },
        select: deviceSelect,
        orderBy: [{ name: "asc" }, { id: "asc" }],
        take: input.limit + 1,
      });
      return toPage(rows, input.limit, (r) => [r.name, r.id]);
    },

    async get(id: string) {
      const d = await db.device.findUnique({ where: { id }, select: deviceSelect });
      if (!d) throw notFound(`Device ${id}`);
      return d;
    },

    /** Operator-managed labels, for targeting by selector. */
    async setLabels(id: string, labels: string[]) {
      const n = await db.device.updateMany({ where: { id }, data: { labels: [...new Set(labels)].sort() } });
      if (!n.count) throw notFound(`Device ${id}`);
      return this.get(id);
    },

    /** Reachability changes, newest first (keyset on the event id). */
    async statusHistory(id: string, cursor?: string | null, limit = 50) {
      const before = cursor ? BigInt(cursor) : undefined;
      const rows = await db.deviceStatusEvent.findMany({
        where: { deviceId: id, ...(before !== undefined ? { id: { lt: before } } : {}) },
        orderBy: { id: "desc" },
        take: limit + 1,
      });
      const more = rows.length > limit;
      const items = rows.slice(0, limit).map((r) => ({ id: String(r.id), status: r.status, latencyMs: r.latencyMs, error: r.error, at: r.at }));
      return { items, nextCursor: more ? (items.at(-1)?.id ?? null) : null };
    },

    /** Task runs that targeted this device, newest first. */
    async runs(id: string, cursor?: string | null, limit = 50) {
      const cur = decodeCursor(cursor);
      const rows = await db.taskRun.findMany({
        where: {
          deviceId: id,
          ...(cur ? { OR: [{ createdAt: { lt: new Date(cur[0]) } }, { createdAt: new Date(cur[0]), id: { lt: cur[1] } }] } : {}),
        },
        select: { id: true, taskId: true, agentName: true, connection: true, operation: true, status: true, error: true, createdAt: true, completedAt: true, executionTimeMs: true, task: { select: { name: true, type: true } } },
        orderBy: [{ createdAt: "desc" }, { id: "desc" }],
        take: limit + 1,
      });
      const page = toPage(rows, limit, (r) => [r.createdAt.toISOString(), r.id]);
      return { ...page, items: page.items.map((r) => ({ ...r, executionTimeMs: r.executionTimeMs === null ? null : Number(r.executionTimeMs) })) };
    },

    async counts() {
      const rows = await db.device.groupBy({ by: ["status"], where: { removedAt: null }, _count: { _all: true } });
      const out = { unknown: 0, reachable: 0, unreachable: 0, total: 0 };
      for (const r of rows) {
        out[r.status] = r._count._all;
        out.total += r._count._all;
      }
      return out;
    },
  };
}
export type DeviceService = ReturnType<typeof createDeviceService>;

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
      if (cur) and.push({ OR: [{ name: { gt: String(cur[0]) } }, { name: String(cur[0]), id: { gt: cur[1] } }] });
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

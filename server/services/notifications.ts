import { z } from "zod";
import type { Db } from "../db/database.ts";
import type { Bus } from "../events/bus.ts";
import { PageInputSchema, decodeCursor, toPage } from "./paging.ts";
import type { Prisma } from "../db/generated/client.ts";

export const NotificationLevels = ["info", "success", "warning", "error"] as const;

export const ListNotificationsInputSchema = PageInputSchema.extend({
  unreadOnly: z.boolean().optional(),
  type: z.string().max(64).optional(),
  level: z.enum(NotificationLevels).optional(),
});
export type ListNotificationsInput = z.input<typeof ListNotificationsInputSchema>;

export interface NewNotification {
  type: string;
  level: (typeof NotificationLevels)[number];
  title: string;
  message: string;
  link?: string;
  entityType?: string;
  entityId?: string;
}

const select = {
  id: true,
  type: true,
  level: true,
  title: true,
  message: true,
  link: true,
  entityType: true,
  entityId: true,
  readAt: true,
  createdAt: true,
} satisfies Prisma.NotificationSelect;

export function createNotificationService({ db, bus }: { db: Db; bus: Bus }) {
  return {
    async create(n: NewNotification, tx: Pick<Db, "notification"> = db) {
      const row = await tx.notification.create({ data: n, select: { id: true } });
      // publish after the caller's transaction commits is ideal; NOTIFY inside
      // a transaction is delivered at commit by PostgreSQL itself.
      await bus.publish({ type: "notification", id: row.id, level: n.level });
      return row;
    },
    async list(raw: ListNotificationsInput) {
      const input = ListNotificationsInputSchema.parse(raw);
      const cur = decodeCursor(input.cursor);
      const where: Prisma.NotificationWhereInput = {
        ...(input.unreadOnly ? { readAt: null } : {}),
        ...(input.type ? { type: input.type } : {}),
        ...(input.level ? { level: input.level } : {}),
        ...(cur
          ? { OR: [{ createdAt: { lt: new Date(cur[0]) } }, { createdAt: new Date(cur[0]), id: { lt: cur[1] } }] }
          : {}),
      };
      const rows = await db.notification.findMany({
        where,
        select,
        orderBy: [{ createdAt: "desc" }, { id: "desc" }],
        take: input.limit + 1,
      });
      return toPage(rows, input.limit, (r) => [r.createdAt.toISOString(), r.id]);
    },
    unreadCount: () => db.notification.count({ where: { readAt: null } }),
    async markRead(ids: string[]) {
      const { count } = await db.notification.updateMany({ where: { id: { in: ids }, readAt: null }, data: { readAt: new Date() } });
      return { updated: count };
    },
    async markAllRead() {
      const { count } = await db.notification.updateMany({ where: { readAt: null }, data: { readAt: new Date() } });
      return { updated: count };
    },
  };
}
export type NotificationService = ReturnType<typeof createNotificationService>;

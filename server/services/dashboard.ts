// Aggregations for the operator dashboard. Each is one set-based statement
// over indexed timestamps, so the page costs the same at 100,000 devices.
import type { Db } from "../db/database.ts";

export const OUTCOMES = ["success", "partial", "failed", "cancelled", "timed_out", "running", "pending"] as const;
export type Outcome = (typeof OUTCOMES)[number];
export type OutcomeCounts = Record<Outcome, number>;

const emptyOutcomes = (): OutcomeCounts => ({ success: 0, partial: 0, failed: 0, cancelled: 0, timed_out: 0, running: 0, pending: 0 });

export function createDashboardService({ db }: { db: Db }) {
  return {
    /** Task outcomes per UTC day for the last `days` days (today included), oldest first; UTC whatever the database's time zone. */
    async outcomesByDay(days = 7) {
      const rows = await db.$queryRaw<{ day: Date; status: Outcome; n: bigint }[]>`
        SELECT date_trunc('day', created_at, 'UTC') AS day, status::text AS status, count(*) AS n
          FROM tasks
         WHERE created_at >= date_trunc('day', now(), 'UTC') - make_interval(days => ${days - 1})
         GROUP BY 1, 2`;
      const start = new Date();
      start.setUTCHours(0, 0, 0, 0);
      const out: Array<{ day: string; counts: OutcomeCounts }> = [];
      for (let i = days - 1; i >= 0; i--) {
        const d = new Date(start.getTime() - i * 86_400_000);
        out.push({ day: d.toISOString().slice(0, 10), counts: emptyOutcomes() });
      }
      for (const r of rows) {
        const slot = out.find((o) => o.day === new Date(r.day).toISOString().slice(0, 10));
        if (slot && r.status in slot.counts) slot.counts[r.status] += Number(r.n);
      }
      return out;
    },

    /** Agent activity per minute for the last hour: heartbeats, task events, device status changes, agent error reports. */
    async activityPerMinute(minutes = 60) {
      const rows = await db.$queryRaw<{ minute: Date; kind: "heartbeats" | "events" | "status" | "errors"; n: bigint }[]>`
        WITH since AS (SELECT date_trunc('minute', now()) - make_interval(mins => ${minutes - 1}) AS t)
        SELECT minute, 'heartbeats' AS kind, heartbeats::bigint AS n FROM heartbeat_minutes, since WHERE minute >= since.t
        UNION ALL
        SELECT date_trunc('minute', received_at), 'events', count(*) FROM task_events, since WHERE received_at >= since.t GROUP BY 1
        UNION ALL
        SELECT date_trunc('minute', at), 'status', count(*) FROM device_status_events, since WHERE at >= since.t GROUP BY 1
        UNION ALL
        SELECT date_trunc('minute', received_at), 'errors', count(*) FROM agent_error_reports, since WHERE received_at >= since.t GROUP BY 1`;
      const end = Math.floor(Date.now() / 60_000) * 60_000;
      const out = Array.from({ length: minutes }, (_, i) => ({ minute: new Date(end - (minutes - 1 - i) * 60_000), heartbeats: 0, events: 0, statusChanges: 0, errors: 0 }));
      for (const r of rows) {
        const slot = out[minutes - 1 - Math.round((end - new Date(r.minute).getTime()) / 60_000)];
        if (!slot) continue;
        if (r.kind === "heartbeats") slot.heartbeats += Number(r.n);
        else if (r.kind === "events") slot.events += Number(r.n);
        else if (r.kind === "status") slot.statusChanges += Number(r.n);
        else slot.errors += Number(r.n);
      }
      return out;
    },

    /** Agents heard from (heartbeat or registration) in the last minute and the last five. */
    async heartbeatFreshness() {
      const [r] = await db.$queryRaw<{ m1: bigint; m5: bigint }[]>`
        SELECT count(*) FILTER (WHERE last_heartbeat_at >= now() - interval '1 minute') AS m1,
               count(*) FILTER (WHERE last_heartbeat_at >= now() - interval '5 minutes') AS m5
          FROM agents`;
      return { lastMinute: Number(r?.m1 ?? 0), lastFiveMinutes: Number(r?.m5 ?? 0) };
    },

    async recentFailedRuns(limit = 8) {
      return db.taskRun.findMany({
        where: { status: { in: ["failed", "timed_out"] } },
        select: { id: true, taskId: true, agentName: true, connection: true, status: true, error: true, completedAt: true, updatedAt: true, task: { select: { name: true, type: true } } },
        orderBy: [{ updatedAt: "desc" }, { id: "desc" }],
        take: limit,
      });
    },

    async recentNotifications(limit = 6) {
      return db.notification.findMany({
        select: { id: true, type: true, level: true, title: true, message: true, link: true, readAt: true, createdAt: true },
        orderBy: [{ createdAt: "desc" }, { id: "desc" }],
        take: limit,
      });
    },
  };
}
export type DashboardService = ReturnType<typeof createDashboardService>;

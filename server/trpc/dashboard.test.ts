import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callerFor, createTestApp } from "../../test/helpers/app.ts";
import { createPool, createPrisma } from "../db/database.ts";
import { createDashboardService } from "../services/dashboard.ts";

let t: Awaited<ReturnType<typeof createTestApp>>;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t?.close());

describe("dashboard.activity", () => {
  it("counts task outcomes per day for 7 days and activity per minute for the last hour", async () => {
    const caller = await callerFor(t.app, { username: "admin" });
    const pool = t.database.pool;
    await pool.query(
      `INSERT INTO tasks (type, status, payload, target_spec, deadline_seconds, created_at)
       VALUES ('exec', 'success', '{}', '{}', 60, now()), ('exec', 'success', '{}', '{}', 60, now()), ('exec', 'failed', '{}', '{}', 60, now()),
              ('exec', 'failed', '{}', '{}', 60, date_trunc('day', now()) - interval '2 days' + interval '1 hour'),
              ('exec', 'success', '{}', '{}', 60, now() - interval '30 days')`,
    );
    const { days, perMinute, heartbeats, failedRuns, notifications } = await caller.dashboard.activity();
    expect(days).toHaveLength(7);
    expect(days.at(-1)!.counts).toMatchObject({ success: 2, failed: 1 });
    expect(days.at(-3)!.counts).toMatchObject({ success: 0, failed: 1 });
    expect(days.reduce((n, d) => n + d.counts.success, 0)).toBe(2); // the 30-day-old one is outside the window
    expect(perMinute).toHaveLength(60);
    expect(perMinute.every((p) => p.events === 0)).toBe(true);
    expect(heartbeats).toEqual({ lastMinute: 0, lastFiveMinutes: 0 });
    expect(failedRuns).toEqual([]);
    expect(notifications).toEqual([]);
  });

  it("reads times and counts days right when the database's default time zone is not UTC", async () => {
    const pool = t.database.pool;
    await pool.query(`ALTER DATABASE ${t.database.name} SET timezone TO 'Pacific/Honolulu'`);
    // new connections would take the database's setting
    const p2 = createPool(t.database.url, 2);
    const db2 = createPrisma(p2);
    try {
      const [{ now }] = await db2.$queryRawUnsafe<{ now: Date }[]>("SELECT now() AS now");
      expect(Math.abs(now.getTime() - Date.now())).toBeLessThan(5000);
      const dash = createDashboardService({ db: db2 });
      const before = await dash.outcomesByDay(7);
      // two hours into today (UTC): still "yesterday" in Honolulu (UTC-10)
      await pool.query(
        `INSERT INTO tasks (type, status, payload, target_spec, deadline_seconds, created_at)
         VALUES ('exec', 'partial', '{}', '{}', 60, date_trunc('day', now(), 'UTC') + interval '2 hours')`,
      );
      const after = await dash.outcomesByDay(7);
      expect(after.at(-1)!.day).toBe(new Date().toISOString().slice(0, 10));
      expect(after.at(-1)!.counts.partial - before.at(-1)!.counts.partial).toBe(1);
    } finally {
      await pool.query(`ALTER DATABASE ${t.database.name} RESET timezone`);
      await db2.$disconnect();
      await p2.end();
    }
  });

  it("charts heartbeats per minute from what agents actually sent", async () => {
    const caller = await callerFor(t.app, { username: "admin" });
    const reports = t.app.services.agentReports;
    for (const name of ["hb-1", "hb-2"]) {
      await reports.register({ name, host: "10.0.0.1", port: 8123, version: "0.4.2", capabilities: [], connections_count: 0, templates_count: 0 }, "http");
    }
    // concurrent heartbeats share a batch; each one counts
    await Promise.all([1, 2, 3].flatMap(() => ["hb-1", "hb-2"].map((name) => reports.heartbeat({ name, status: "online", running_tasks: 0, connections_count: 0, templates_count: 0, uptime_seconds: 5 }))));
    await expect(reports.heartbeat({ name: "nobody", status: "online", running_tasks: 0, connections_count: 0, templates_count: 0, uptime_seconds: 5 })).rejects.toThrow(/not registered/);
    const { perMinute, heartbeats } = await caller.dashboard.activity();
    const total = perMinute.reduce((n, p) => n + p.heartbeats, 0);
    // 2 agents × 3 rounds; the unknown agent's is refused and not counted
    expect(total).toBe(6);
    expect(perMinute.at(-1)!.heartbeats + (perMinute.at(-2)?.heartbeats ?? 0)).toBe(total);
    expect(heartbeats.lastMinute).toBe(2);
  });
});

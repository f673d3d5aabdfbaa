import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callerFor, createTestApp } from "../../test/helpers/app.ts";

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

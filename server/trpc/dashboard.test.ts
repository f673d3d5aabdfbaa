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
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp } from "../../test/helpers/app.ts";
import { deriveTaskStatus, refreshTaskStatus, type RunStatusName } from "./task-state.ts";

describe("deriveTaskStatus", () => {
  it.each([
    [[], "pending"],
    [["pending", "waiting_lock"], "pending"],
    [["pending", "accepted"], "running"],
    [["success", "delivering"], "running"],
    [["success"], "success"],
    [["success", "success"], "success"],
    [["success", "failed"], "partial"],
    [["success", "timed_out"], "partial"],
    [["failed", "timed_out"], "failed"],
    [["cancelled"], "cancelled"],
    [["cancelled", "failed"], "failed"],
    [["timed_out"], "timed_out"],
  ] as const)("%j → %s", (runs, expected) => {
    expect(deriveTaskStatus([...runs])).toBe(expected);
  });
});

describe("refreshTaskStatus (the same rules in SQL)", () => {
  let t: Awaited<ReturnType<typeof createTestApp>>;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => t?.close());

  const statuses: RunStatusName[] = ["pending", "waiting_lock", "delivering", "accepted", "running", "success", "failed", "cancelled", "timed_out"];
  // every multiset of up to three run statuses, and no runs at all
  const combos: RunStatusName[][] = [[]];
  for (let i = 0; i < statuses.length; i++) {
    combos.push([statuses[i]!]);
    for (let j = i; j < statuses.length; j++) {
      combos.push([statuses[i]!, statuses[j]!]);
      for (let k = j; k < statuses.length; k++) combos.push([statuses[i]!, statuses[j]!, statuses[k]!]);
    }
  }

  it(`stores what deriveTaskStatus says for all ${combos.length} combinations, with start and finish times`, async () => {
    const pool = t.database.pool;
    const wrong: string[] = [];
    for (const runs of combos) {
      const { rows } = await pool.query<{ id: string }>(`INSERT INTO tasks (type, payload, target_spec, deadline_seconds, updated_at) VALUES ('exec', '{}', '{}', 60, now()) RETURNING id`);
      const taskId = rows[0]!.id;
      for (const s of runs) {
        await pool.query(`INSERT INTO task_runs (task_id, agent_name, operation, status, updated_at) VALUES ($1, 'a', 'exec', $2::"RunStatus", now())`, [taskId, s]);
      }
      const changed = await t.database.db.$transaction((tx) => refreshTaskStatus(tx, taskId));
      const expected = deriveTaskStatus(runs);
      const task = await t.database.db.task.findUniqueOrThrow({ where: { id: taskId } });
      if (task.status !== expected) wrong.push(`${JSON.stringify(runs)} → ${task.status}, expected ${expected}`);
      // a new task is pending: "changed" is reported exactly when the status moved
      if (changed !== (expected === "pending" ? null : expected)) wrong.push(`${JSON.stringify(runs)} reported ${changed}`);
      if ((task.startedAt !== null) !== (expected !== "pending")) wrong.push(`${JSON.stringify(runs)} startedAt ${task.startedAt}`);
      if ((task.finishedAt !== null) !== !["pending", "running"].includes(expected)) wrong.push(`${JSON.stringify(runs)} finishedAt ${task.finishedAt}`);
    }
    expect(wrong).toEqual([]);
    // unchanged: nothing written, nothing reported
    const { rows } = await pool.query<{ id: string }>(`SELECT id FROM tasks WHERE status = 'success' LIMIT 1`);
    expect(await t.database.db.$transaction((tx) => refreshTaskStatus(tx, rows[0]!.id))).toBeNull();
  });
});

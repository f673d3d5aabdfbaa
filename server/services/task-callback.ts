// The common case of a run's final result, in one short transaction of two
// statements: the current attempt of a run still in flight reports success,
// or a failure the task does not retry. Everything else (duplicates, results
// of earlier attempts, late results for finished runs, execution retries)
// goes through the general path in agent-reports.ts, which this must agree
// with: the same columns, the same timeline event, the same history rows.
import type pg from "pg";
import { prepared } from "../db/prepared.ts";
import { eventText } from "../domain/event-text.ts";
import type { TaskCallbackReport } from "./agent-report-schemas.ts";
import { historyRowsFor } from "./history-rows.ts";
import { DISPATCH_TASK, dispatchJobSql } from "./queue.ts";
import { REFRESH_TASK_STATUS_SQL, isFinalRun, type TaskStatusName } from "./task-state.ts";

export interface CallbackRun {
  id: string;
  taskId: string;
  agentId: string | null;
  agentName: string;
  connection: string | null;
  deviceId: string | null;
  operation: string;
  status: string;
  callbackAt: Date | null;
  executionAttempts: number;
  cancelRequestedAt: Date | null;
  task: { type: string; payload: unknown; retries: number };
}

const RUN = prepared(
  "callback-run",
  `SELECT r.id, r.task_id, r.agent_id, r.agent_name, r.connection, r.device_id, r.operation, r.status::text AS status,
          r.callback_at, r.execution_attempts, r.cancel_requested_at, t.type::text AS type, t.payload, t.retries
     FROM task_runs r JOIN tasks t ON t.id = r.task_id WHERE r.id = $1::uuid`,
);

/**
 * Re-checks under the run's lock what the caller saw, then: the run's final
 * state and result, the "callback" event (taking the task's lock, as every
 * event does), the device locks given back and the runs waiting for them
 * woken, the history rows. No row: the run changed meanwhile.
 */
const APPLY = prepared(
  "callback-apply",
  `WITH run AS (
     SELECT r.id FROM task_runs r JOIN tasks t ON t.id = r.task_id
      WHERE r.id = $1::uuid AND GREATEST(1, r.execution_attempts) = $2::int AND r.callback_at IS NULL
        AND r.status IN ('pending', 'waiting_lock', 'delivering', 'accepted', 'running')
        AND NOT ($3::text = 'failed' AND r.execution_attempts <= t.retries AND r.cancel_requested_at IS NULL)
        FOR UPDATE OF r
   ), upd AS (
     UPDATE task_runs r SET callback_at = now(), result_summary = COALESCE($4::jsonb, r.result_summary), result = COALESCE($5::jsonb, r.result),
            execution_time_ms = $6::bigint, status = $3::"RunStatus", started_at = $7::timestamptz, completed_at = $8::timestamptz,
            error = $9, progress = CASE WHEN $3::text = 'success' THEN 100 ELSE r.progress END, updated_at = now()
       FROM run WHERE r.id = run.id
     RETURNING r.id, r.task_id, r.agent_id, r.agent_name, r.device_id, r.connection, r.operation
   ), t AS (
     UPDATE tasks SET event_seq = event_seq + 1, updated_at = now() FROM upd WHERE tasks.id = upd.task_id
     RETURNING tasks.id, tasks.event_seq
   ), ev AS (
     INSERT INTO task_events (task_id, run_id, seq, source, event_type, level, message, details, occurred_at)
     SELECT t.id, $1::uuid, t.event_seq, 'agent', 'callback', $10, $11, $19::jsonb, $8::timestamptz FROM t
     RETURNING seq
   ), freed AS (
     DELETE FROM device_locks l USING upd WHERE l.run_id = upd.id RETURNING l.agent_id
   ), wake AS (
     SELECT count(${dispatchJobSql("w.id", "$12")}) AS n
       FROM (SELECT id FROM task_runs WHERE status = 'waiting_lock' AND agent_id IN (SELECT agent_id FROM freed)
              ORDER BY created_at LIMIT 100) w
   ), hist AS (
     INSERT INTO execution_history (task_id, run_id, agent_id, agent_name, device_id, connection, operation,
                                    command, output, status, duration_ms, details, executed_at)
     SELECT upd.task_id, upd.id, upd.agent_id, upd.agent_name, upd.device_id, upd.connection, upd.operation,
            h.command, h.output, h.status, h.duration_ms, h.details::jsonb, $13::timestamptz
       FROM upd, unnest($14::text[], $15::text[], $16::text[], $17::int[], $18::text[]) AS h(command, output, status, duration_ms, details)
     RETURNING 1
   )
   SELECT upd.task_id, (SELECT seq FROM ev) AS seq, (SELECT n FROM wake) AS woken, (SELECT count(*) FROM hist) AS history FROM upd`,
);

const REFRESH = prepared("callback-refresh-task", REFRESH_TASK_STATUS_SQL);

export async function loadCallbackRun(pool: pg.Pool, runId: string): Promise<CallbackRun | null> {
  const r = (await pool.query(RUN([runId]))).rows[0] as Record<string, unknown> | undefined;
  if (!r) return null;
  return {
    id: r.id as string,
    taskId: r.task_id as string,
    agentId: r.agent_id as string | null,
    agentName: r.agent_name as string,
    connection: r.connection as string | null,
    deviceId: r.device_id as string | null,
    operation: r.operation as string,
    status: r.status as string,
    callbackAt: r.callback_at as Date | null,
    executionAttempts: r.execution_attempts as number,
    cancelRequestedAt: r.cancel_requested_at as Date | null,
    task: { type: r.type as string, payload: r.payload, retries: r.retries as number },
  };
}

/** Whether the one-transaction path applies, judged from a read without locks (re-checked under them). */
export function isPlainOutcome(run: CallbackRun, attempt: number, cb: TaskCallbackReport) {
  if (attempt !== Math.max(1, run.executionAttempts) || run.callbackAt || isFinalRun(run.status)) return false;
  const retried = cb.status === "failed" && run.executionAttempts <= run.task.retries && !run.cancelRequestedAt;
  return !retried;
}

/**
 * What an applied result records, on both paths: the run's error, and the
 * "callback" event's English sentence with its message key (the agent's own
 * words, a summary or an error, stay as they are).
 */
export function callbackOutcome(cb: TaskCallbackReport) {
  const summaryText = typeof cb.result_summary?.summary === "string" ? cb.result_summary.summary : "";
  const ok = cb.status === "success";
  return {
    error: ok ? null : (cb.error ?? "The agent reported failure without a reason."),
    message: `Run ${ok ? "succeeded" : "failed"}${summaryText ? `: ${summaryText}` : cb.error ? `: ${cb.error}` : ""}`,
    details: eventText(ok ? "runSucceeded" : "runFailed", { detail: summaryText || cb.error || "" }),
  };
}

/** Applies the result; null when the run changed since it was read (the caller then takes the general path). */
export async function applyPlainOutcome(pool: pg.Pool, run: CallbackRun, attempt: number, cb: TaskCallbackReport): Promise<{ taskStatus: TaskStatusName | null } | null> {
  const history = historyRowsFor({ run, task: run.task, callback: cb });
  const outcome = callbackOutcome(cb);
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    const applied = await client.query(
      APPLY([
        run.id, attempt, cb.status,
        cb.result_summary == null ? null : JSON.stringify(cb.result_summary),
        cb.result === undefined || cb.result === null ? null : JSON.stringify(cb.result),
        cb.execution_time_ms, new Date(cb.started_at), new Date(cb.completed_at),
        outcome.error,
        cb.status === "success" ? "success" : "error", outcome.message, DISPATCH_TASK,
        new Date(cb.completed_at),
        history.map((h) => h.command ?? null), history.map((h) => h.output ?? null), history.map((h) => h.status),
        history.map((h) => h.durationMs ?? null), history.map((h) => (h.details === undefined || h.details === null ? null : JSON.stringify(h.details))),
        JSON.stringify(outcome.details),
      ]),
    );
    if (applied.rowCount === 0) {
      await client.query("ROLLBACK");
      return null;
    }
    const refreshed = await client.query<{ status: TaskStatusName }>(REFRESH([run.taskId]));
    await client.query("COMMIT");
    return { taskStatus: refreshed.rows[0]?.status ?? null };
  } catch (err) {
    await client.query("ROLLBACK").catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}

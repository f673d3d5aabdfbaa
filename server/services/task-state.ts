// Run and task state rules shared by the dispatch engine and agent reports.
import type { Prisma } from "../db/generated/client.ts";

export const FINAL_RUN_STATUSES = ["success", "failed", "cancelled", "timed_out"] as const;
export type RunStatusName = "pending" | "waiting_lock" | "delivering" | "accepted" | "running" | (typeof FINAL_RUN_STATUSES)[number];
export type TaskStatusName = "pending" | "running" | "success" | "partial" | "failed" | "cancelled" | "timed_out";

export const isFinalRun = (s: string) => (FINAL_RUN_STATUSES as readonly string[]).includes(s);

/** A task's status is derived from its runs, never set by hand. */
export function deriveTaskStatus(runs: RunStatusName[]): TaskStatusName {
  if (runs.length === 0) return "pending";
  if (runs.some((s) => !isFinalRun(s))) {
    return runs.some((s) => s !== "pending" && s !== "waiting_lock") ? "running" : "pending";
  }
  const all = (s: RunStatusName) => runs.every((r) => r === s);
  if (all("success")) return "success";
  if (all("cancelled")) return "cancelled";
  if (all("timed_out")) return "timed_out";
  if (runs.some((s) => s === "success")) return "partial";
  return "failed";
}

type Tx = Prisma.TransactionClient;

/**
 * deriveTaskStatus in SQL, stored in the same statement: counts, not rows (a
 * task may have thousands of runs). $1 is the task id; returns the new status
 * only when it changed. Run it after taking the task row's lock (any
 * statement that bumps event_seq does), so concurrent outcomes of two runs of
 * one task cannot both miss each other.
 */
export const REFRESH_TASK_STATUS_SQL = `
  WITH c AS (
    SELECT count(*) AS n,
           count(*) FILTER (WHERE status IN ('success', 'failed', 'cancelled', 'timed_out')) AS final,
           count(*) FILTER (WHERE status NOT IN ('pending', 'waiting_lock')) AS moved,
           count(*) FILTER (WHERE status = 'success') AS ok,
           count(*) FILTER (WHERE status = 'cancelled') AS cancelled,
           count(*) FILTER (WHERE status = 'timed_out') AS timed_out
      FROM task_runs WHERE task_id = $1::uuid
  ), d AS (
    SELECT CASE WHEN n = 0 THEN 'pending'
                WHEN final < n THEN CASE WHEN moved > 0 THEN 'running' ELSE 'pending' END
                WHEN ok = n THEN 'success'
                WHEN cancelled = n THEN 'cancelled'
                WHEN timed_out = n THEN 'timed_out'
                WHEN ok > 0 THEN 'partial'
                ELSE 'failed' END AS s
      FROM c
  )
  UPDATE tasks SET status = d.s::"TaskStatus",
         started_at = COALESCE(tasks.started_at, CASE WHEN d.s <> 'pending' THEN now() END),
         finished_at = CASE WHEN d.s IN ('pending', 'running') THEN NULL ELSE COALESCE(tasks.finished_at, now()) END,
         updated_at = now()
    FROM d WHERE tasks.id = $1::uuid AND tasks.status::text <> d.s
  RETURNING d.s AS status`;

/** Re-derives and stores a task's status; returns it when it changed. */
export async function refreshTaskStatus(tx: Tx, taskId: string): Promise<TaskStatusName | null> {
  const rows = await tx.$queryRawUnsafe<{ status: TaskStatusName }[]>(REFRESH_TASK_STATUS_SQL, taskId);
  return rows[0]?.status ?? null;
}

/** Appends a manager-side event to a task's ordered timeline. */
export async function appendTaskEvent(
  tx: Tx,
  e: { taskId: string; runId?: string | null; source: "agent" | "manager"; eventType: string; level: string; message: string; stage?: string | null; progress?: number | null; details?: unknown; occurredAt?: Date },
) {
  const { eventSeq } = await tx.task.update({ where: { id: e.taskId }, data: { eventSeq: { increment: 1 } }, select: { eventSeq: true } });
  await tx.taskEvent.create({
    data: {
      taskId: e.taskId,
      runId: e.runId ?? null,
      seq: eventSeq,
      source: e.source,
      eventType: e.eventType,
      level: e.level,
      message: e.message,
      stage: e.stage ?? null,
      progress: e.progress ?? null,
      details: e.details === undefined ? undefined : (e.details as Prisma.InputJsonValue),
      occurredAt: e.occurredAt ?? new Date(),
    },
  });
  return eventSeq;
}

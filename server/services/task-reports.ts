// What agents report about the runs Switchyard gave them: timeline events and
// final results. The HTTP and gRPC adapters reach these through the agent
// report service, with validated input, so a report has the same effect
// whichever transport carried it.
import type pg from "pg";
import type { Db } from "../db/database.ts";
import type { Prisma } from "../db/generated/client.ts";
import { prepared } from "../db/prepared.ts";
import { eventText } from "../domain/event-text.ts";
import { AppError } from "../errors.ts";
import type { Bus } from "../events/bus.ts";
import type { Logger } from "../log.ts";
import type { TaskCallbackReport, TaskEventReport } from "./agent-report-schemas.ts";
import { releaseLocks } from "./device-locks.ts";
import { historyRowsFor } from "./history-rows.ts";
import type { NotificationService } from "./notifications.ts";
import { enqueueDispatch } from "./queue.ts";
import { parseAgentTaskId } from "./run-ids.ts";
import { applyPlainOutcome, callbackOutcome, isPlainOutcome, loadCallbackRun } from "./task-callback.ts";
import { appendTaskEvent, isFinalRun, refreshTaskStatus } from "./task-state.ts";

/**
 * A task event in one statement: lock the run (the same order as a callback:
 * run, then task), take the task's next sequence number, append the event,
 * keep the run's progress and stage. The agent's "started" on a delivered run
 * of the current attempt moves the run to running (final states stay final)
 * and the task with it: a task whose runs are all pending or waiting becomes
 * running, as deriveTaskStatus says. No row: the run does not exist or is
 * another agent's.
 */
const TASK_EVENT = prepared(
  "agent-reports-task-event",
  `WITH run AS (
     SELECT r.id, r.task_id, r.status::text AS status, GREATEST(1, r.execution_attempts) = $3::int AS current
       FROM task_runs r WHERE r.id = $1::uuid AND r.agent_name = $2 FOR UPDATE
   ), go AS (
     SELECT run.*, (current AND $4::text = 'started' AND status IN ('pending', 'delivering', 'accepted', 'waiting_lock')) AS starts FROM run
   ), t AS (
     UPDATE tasks SET event_seq = event_seq + 1, updated_at = now(),
            status = CASE WHEN go.starts AND tasks.status = 'pending' THEN 'running'::"TaskStatus" ELSE tasks.status END,
            started_at = CASE WHEN go.starts THEN COALESCE(tasks.started_at, now()) ELSE tasks.started_at END
       FROM go WHERE tasks.id = go.task_id
     RETURNING tasks.id, tasks.event_seq
   ), ev AS (
     INSERT INTO task_events (task_id, run_id, seq, source, event_type, level, message, stage, progress, details, occurred_at)
     SELECT t.id, go.id, t.event_seq, 'agent', $4, $5, $6, $7, $8, $9::jsonb, $10 FROM t, go
     RETURNING seq
   ), upd AS (
     UPDATE task_runs r SET progress = COALESCE($8::int, r.progress), stage = COALESCE($7::text, r.stage), updated_at = now(),
            status = CASE WHEN go.starts THEN 'running'::"RunStatus" ELSE r.status END,
            started_at = CASE WHEN go.starts THEN COALESCE(r.started_at, $10) ELSE r.started_at END
       FROM go WHERE r.id = go.id AND go.current AND ($8::int IS NOT NULL OR $7::text IS NOT NULL OR go.starts)
     RETURNING 1
   )
   SELECT run.task_id, (SELECT seq FROM ev) AS seq FROM run`,
);

const unknownTask = (taskId: string, agent: string) =>
  new AppError("NOT_FOUND", `Task ${taskId} is not known to this manager for agent "${agent}"; the report was not stored.`);

export function createTaskReportService({ db, pool, bus, notifications, log }: { db: Db; pool: pg.Pool; bus: Bus; notifications: NotificationService; log: Logger }) {
  /**
   * The run an agent reports about: `task_id` is the run id Switchyard sent it
   * (with ".<n>" for execution retries). `current` is false for a report about
   * an earlier attempt, which is recorded but changes nothing.
   */
  async function runFor(taskId: string, agentName: string) {
    const parsed = parseAgentTaskId(taskId);
    if (!parsed) throw unknownTask(taskId, agentName);
    const run = await db.taskRun.findUnique({
      where: { id: parsed.runId },
      select: { id: true, taskId: true, agentName: true, agentId: true, status: true, callbackAt: true, connection: true, deviceId: true, operation: true, startedAt: true, deliveredAt: true, executionAttempts: true },
    });
    if (!run || run.agentName !== agentName) throw unknownTask(taskId, agentName);
    return { ...run, attempt: parsed.attempt, current: parsed.attempt === Math.max(1, run.executionAttempts) };
  }

  return {
    async reportTaskEvent(ev: TaskEventReport) {
      const ref = parseAgentTaskId(ev.task_id);
      if (!ref) throw unknownTask(ev.task_id, ev.agent_name);
      const occurredAt = new Date(ev.occurred_at);
      const res = await pool.query<{ task_id: string; seq: number | null }>(
        TASK_EVENT([
          ref.runId, ev.agent_name, ref.attempt, ev.event_type, ev.level, ev.message, ev.stage ?? null, ev.progress ?? null,
          ev.details == null ? null : JSON.stringify(ev.details), occurredAt,
        ]),
      );
      const done = res.rows[0];
      if (!done || done.seq === null) throw unknownTask(ev.task_id, ev.agent_name);
      await bus.publish({ type: "task_event", taskId: done.task_id, seq: done.seq });
      return { seq: done.seq };
    },

    /** The final outcome of a run. Repeating it changes nothing; it never revives a cancelled run. */
    async reportTaskCallback(cb: TaskCallbackReport) {
      const ref = parseAgentTaskId(cb.task_id);
      const plain = ref ? await loadCallbackRun(pool, ref.runId) : null;
      if (!ref || !plain || plain.agentName !== cb.agent_name) throw unknownTask(cb.task_id, cb.agent_name);
      // the common case in one short transaction; anything unusual, or a run that changed meanwhile, takes the general path
      const fast = isPlainOutcome(plain, ref.attempt, cb) ? await applyPlainOutcome(pool, plain, ref.attempt, cb) : null;
      const run = fast ? { ...plain, attempt: ref.attempt, current: true } : await runFor(cb.task_id, cb.agent_name);
      if (!fast && run.current && run.callbackAt) return { duplicate: true as const };
      const startedAt = new Date(cb.started_at);
      const completedAt = new Date(cb.completed_at);
      const outcome = fast ? { duplicate: false as const, applied: true, status: cb.status, taskStatus: fast.taskStatus } : await db.$transaction(async (tx) => {
        const said = callbackOutcome(cb);
        // lock the run: two deliveries of the same callback must not both apply
        const locked = await tx.$queryRaw<{ status: string; callback_at: Date | null; execution_attempts: number }[]>`
          SELECT status::text, callback_at, execution_attempts FROM task_runs WHERE id = ${run.id}::uuid FOR UPDATE`;
        const current = locked[0]!;
        const stale = run.attempt !== Math.max(1, current.execution_attempts);
        if (stale) {
          await appendTaskEvent(tx, {
            taskId: run.taskId, runId: run.id, source: "agent", eventType: "callback", level: "info",
            message: `Result of earlier attempt ${run.attempt} arrived (${cb.status}); the current attempt is unaffected.`, occurredAt: completedAt,
            details: eventText("staleResult", { attempt: run.attempt, status: cb.status }),
          });
          return { duplicate: false as const, applied: false, status: current.status };
        }
        if (current.callback_at) return { duplicate: true as const };
        const resurrect = !isFinalRun(current.status);
        const task0 = await tx.task.findUniqueOrThrow({ where: { id: run.taskId }, select: { retries: true } });
        // execution failures are retried only when the task asked for it
        if (resurrect && cb.status === "failed" && current.execution_attempts <= task0.retries && !(await tx.taskRun.findUniqueOrThrow({ where: { id: run.id }, select: { cancelRequestedAt: true } })).cancelRequestedAt) {
          const next = Math.max(1, current.execution_attempts) + 1;
          await tx.taskRun.update({
            where: { id: run.id },
            data: { status: "pending", executionAttempts: next, deliveryAttempts: 0, callbackAt: null, progress: null, stage: null, statusDetail: `attempt ${next - 1} failed: ${cb.error ?? "no reason given"}; retrying (attempt ${next} of ${task0.retries + 1})` },
          });
          await appendTaskEvent(tx, {
            taskId: run.taskId, runId: run.id, source: "agent", eventType: "callback", level: "warning",
            message: `Attempt ${next - 1} failed${cb.error ? `: ${cb.error}` : ""}. Retrying (attempt ${next} of ${task0.retries + 1}).`, occurredAt: completedAt,
            details: eventText("executionRetry", { attempt: next - 1, error: cb.error ?? "", next, total: task0.retries + 1 }),
          });
          await releaseLocks(tx, run.id);
          await enqueueDispatch(tx, [run.id]);
          return { duplicate: false as const, applied: false, status: "pending" };
        }
        await tx.taskRun.update({
          where: { id: run.id },
          data: {
            callbackAt: new Date(),
            resultSummary: cb.result_summary == null ? undefined : (cb.result_summary as Prisma.InputJsonValue),
            result: cb.result === undefined ? undefined : (cb.result as Prisma.InputJsonValue),
            executionTimeMs: BigInt(cb.execution_time_ms),
            ...(resurrect
              ? { status: cb.status, startedAt, completedAt, error: said.error, progress: cb.status === "success" ? 100 : undefined }
              : {}),
          },
        });
        await appendTaskEvent(tx, {
          taskId: run.taskId,
          runId: run.id,
          source: "agent",
          eventType: "callback",
          level: cb.status === "success" ? "success" : "error",
          message: resurrect ? said.message : `Result arrived after the run was already ${current.status}; recorded, status unchanged.`,
          details: resurrect ? said.details : eventText("lateResult", { status: current.status }),
          occurredAt: completedAt,
        });
        if (!resurrect) return { duplicate: false as const, applied: false, status: current.status };
        await releaseLocks(tx, run.id);
        const task = await tx.task.findUnique({ where: { id: run.taskId }, select: { payload: true, type: true } });
        const rows = historyRowsFor({ run, task, callback: cb });
        if (rows.length) await tx.executionHistory.createMany({ data: rows });
        const taskStatus = await refreshTaskStatus(tx, run.taskId);
        return { duplicate: false as const, applied: true, status: cb.status, taskStatus };
      });
      if (outcome.duplicate) return outcome;
      log.info({ runId: run.id, agent: cb.agent_name, status: cb.status, applied: outcome.applied }, "task callback");
      await bus.publish({ type: "run", taskId: run.taskId, runId: run.id, status: outcome.status });
      if (outcome.applied && "taskStatus" in outcome && outcome.taskStatus) {
        await bus.publish({ type: "task", taskId: run.taskId, status: outcome.taskStatus });
        if (["failed", "partial", "timed_out"].includes(outcome.taskStatus)) {
          await notifications.create({
            type: "task_failed",
            level: outcome.taskStatus === "partial" ? "warning" : "error",
            title: `Task ${outcome.taskStatus === "partial" ? "partly failed" : "failed"}`,
            message: `A run on ${cb.agent_name}${run.connection ? ` / ${run.connection}` : ""} failed: ${(cb.error ?? "see the task for details").slice(0, 300)}`,
            link: `/tasks/${run.taskId}`,
            entityType: "task",
            entityId: run.taskId,
          });
        }
      }
      return outcome;
    },
  };
}

// Delivers one run to its agent. The run row is the source of truth: a job
// that finds its run no longer pending does nothing, so a duplicate or stale
// job is harmless, and a delivery that may have reached the agent is never
// sent again (see the sweep for runs left "delivering" by a crash).
import type { AppContext } from "../app-context.ts";
import { AgentCallError, type DispatchType } from "../agents/transport.ts";
import { acquireLocks, lockKeysFor, releaseLocks } from "../services/device-locks.ts";
import { enqueueDispatch } from "../services/queue.ts";
import { appendTaskEvent, refreshTaskStatus } from "../services/task-state.ts";
import { agentTaskId } from "../services/run-ids.ts";
import { prepared } from "../db/prepared.ts";
import { eventText } from "../domain/event-text.ts";

export const MAX_DELIVERY_ATTEMPTS = 5;
export const backoffMs = (attempt: number) => Math.min(60_000, 1000 * 2 ** (attempt - 1));
const OFFLINE_RECHECK_MS = 5000;

type Claim =
  | { kind: "skip"; reason?: string; runId?: string }
  | { kind: "deliver"; run: ClaimedRun }
  | { kind: "changed"; taskId: string; runId: string; status: string; reason: string };

interface ClaimedRun {
  id: string;
  taskId: string;
  connection: string | null;
  executionAttempts: number;
  deliveryAttempts: number;
  agent: { id: string; name: string; host: string; port: number; reportMode: "http" | "grpc" };
  task: { type: DispatchType; payload: Record<string, unknown>; dryRun: boolean; recordLevel: string };
}

/**
 * The common case in one statement: a pending (or woken) run of an online
 * agent, before its deadline, whose devices are free: take its device locks,
 * mark it delivering, and move its task to running. Returns no row when any
 * of that does not hold (the general claim below then says why), and a row
 * with claimed = false when a concurrent run took one of its devices between
 * the check and the insert (the locks it did take are given back).
 */
const CLAIM = prepared(
  "dispatch-claim",
  `WITH run AS (
     SELECT r.id, r.task_id, r.connection, r.execution_attempts, r.delivery_attempts, r.lock_keys, r.agent_id,
            a.name AS agent_name, a.host, a.port, a.report_mode::text AS report_mode,
            t.type::text AS type, t.payload, t.dry_run, t.record_level
       FROM task_runs r JOIN tasks t ON t.id = r.task_id JOIN agents a ON a.id = r.agent_id
      WHERE r.id = $1::uuid AND r.status IN ('pending', 'waiting_lock') AND r.lock_keys IS NOT NULL
        AND a.status = 'online' AND (r.deadline_at IS NULL OR r.deadline_at > now())
        AND NOT EXISTS (SELECT 1 FROM device_locks l
                         WHERE l.agent_id = r.agent_id AND l.connection IN (SELECT jsonb_array_elements_text(r.lock_keys)))
        FOR UPDATE OF r SKIP LOCKED
   ), lk AS (
     INSERT INTO device_locks (agent_id, connection, run_id)
     SELECT run.agent_id, k, run.id FROM run, jsonb_array_elements_text(run.lock_keys) AS k
     ON CONFLICT DO NOTHING
     RETURNING 1
   ), upd AS (
     UPDATE task_runs r SET status = 'delivering', delivery_attempts = r.delivery_attempts + 1, updated_at = now(),
            status_detail = 'delivering to ' || run.agent_name || ' (attempt ' || (r.delivery_attempts + 1) || '/' || $2::int || ')'
       FROM run WHERE r.id = run.id AND (SELECT count(*) FROM lk) = jsonb_array_length(run.lock_keys)
     RETURNING r.id
   ), tsk AS (
     UPDATE tasks SET status = 'running', started_at = COALESCE(tasks.started_at, now()), updated_at = now()
       FROM run WHERE tasks.id = run.task_id AND tasks.status = 'pending' AND EXISTS (SELECT 1 FROM upd)
   )
   SELECT run.*, EXISTS (SELECT 1 FROM upd) AS claimed FROM run`,
);

interface ClaimRow {
  id: string;
  task_id: string;
  connection: string | null;
  execution_attempts: number;
  delivery_attempts: number;
  agent_id: string;
  agent_name: string;
  host: string;
  port: number;
  report_mode: "http" | "grpc";
  type: DispatchType;
  payload: Record<string, unknown>;
  dry_run: boolean;
  record_level: string;
  claimed: boolean;
}

/**
 * Accepted by the agent: the run waits for its events and callback (a fast
 * agent may already have reported, so a run never moves backwards) and the
 * timeline says so. The task is already running since the claim.
 */
const ACCEPTED = prepared(
  "dispatch-accepted",
  `WITH upd AS (
     UPDATE task_runs SET
            status = CASE WHEN status = 'delivering' THEN 'accepted'::"RunStatus" ELSE status END,
            status_detail = CASE WHEN status = 'delivering' THEN 'accepted by the agent; waiting for its events and result' ELSE status_detail END,
            delivered_at = $2::timestamptz, execution_attempts = GREATEST(execution_attempts, 1), updated_at = now()
      WHERE id = $1::uuid
     RETURNING task_id
   ), t AS (
     UPDATE tasks SET event_seq = event_seq + 1, updated_at = now() FROM upd WHERE tasks.id = upd.task_id
     RETURNING tasks.id, tasks.event_seq
   )
   INSERT INTO task_events (task_id, run_id, seq, source, event_type, level, message, details, occurred_at)
   SELECT t.id, $1::uuid, t.event_seq, 'manager', 'delivered', 'info', $3, $4::jsonb, $2::timestamptz FROM t
   RETURNING seq`,
);

export async function dispatchRun(app: AppContext, runId: string) {
  const { pool } = app;
  const fast = (await pool.query<ClaimRow>(CLAIM([runId, MAX_DELIVERY_ATTEMPTS]))).rows[0];
  const claim: Claim = fast?.claimed
    ? {
        kind: "deliver",
        run: {
          id: fast.id,
          taskId: fast.task_id,
          connection: fast.connection,
          executionAttempts: fast.execution_attempts,
          deliveryAttempts: fast.delivery_attempts + 1,
          agent: { id: fast.agent_id, name: fast.agent_name, host: fast.host, port: fast.port, reportMode: fast.report_mode },
          task: { type: fast.type, payload: fast.payload, dryRun: fast.dry_run, recordLevel: fast.record_level },
        },
      }
    : await claimInTransaction(app, runId, Boolean(fast));
  await deliver(app, claim);
}

/** Every other case, one step at a time: offline agent, deadline, busy device, deleted agent, runs from before lock keys were stored. */
async function claimInTransaction({ db }: AppContext, runId: string, lostLockRace: boolean): Promise<Claim> {
  return db.$transaction(async (tx): Promise<Claim> => {
    if (lostLockRace) {
      // give back the devices the one-statement claim took before it lost the
      // race, unless another worker has claimed the run since (waits for it)
      const r = await tx.$queryRaw<{ status: string }[]>`SELECT status::text FROM task_runs WHERE id = ${runId}::uuid FOR UPDATE`;
      if (r[0] && ["pending", "waiting_lock"].includes(r[0].status)) await releaseLocks(tx, runId);
    }
    const locked = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM task_runs WHERE id = ${runId}::uuid AND status IN ('pending', 'waiting_lock') FOR UPDATE SKIP LOCKED`;
    if (!locked[0]) return { kind: "skip" };
    const run = await tx.taskRun.findUniqueOrThrow({
      where: { id: runId },
      select: {
        id: true, taskId: true, agentId: true, connection: true, executionAttempts: true, deliveryAttempts: true, deadlineAt: true,
        agent: { select: { id: true, name: true, host: true, port: true, reportMode: true, status: true } },
        task: { select: { type: true, payload: true, dryRun: true, recordLevel: true, lockPolicy: true, cancelRequestedAt: true } },
      },
    });
    if (!run.agent) {
      await tx.taskRun.update({ where: { id: runId }, data: { status: "failed", error: "The agent was deleted before the run could be delivered.", completedAt: new Date() } });
      await refreshTaskStatus(tx, run.taskId);
      return { kind: "changed", taskId: run.taskId, runId, status: "failed", reason: "agent deleted" };
    }
    if (run.deadlineAt && run.deadlineAt.getTime() <= Date.now()) return { kind: "skip" }; // the sweep times it out
    if (run.agent.status !== "online") {
      await tx.taskRun.update({ where: { id: runId }, data: { statusDetail: `waiting for agent ${run.agent.name} to come online` } });
      await enqueueDispatch(tx, [runId], new Date(Date.now() + OFFLINE_RECHECK_MS));
      return { kind: "skip", runId, reason: `agent ${run.agent.name} is not online; re-checking in ${OFFLINE_RECHECK_MS / 1000} s` };
    }
    const keys = lockKeysFor({ agentId: run.agentId, connection: run.connection }, run.task.type, run.task.payload, run.task.dryRun);
    const lock = await acquireLocks(tx, runId, keys);
    if (!lock.ok) {
      const holder = await tx.taskRun.findUnique({ where: { id: lock.heldBy }, select: { taskId: true } });
      const msg = `device ${lock.connection} on ${run.agent.name} is locked by run ${lock.heldBy.slice(0, 8)}${holder ? ` of task ${holder.taskId.slice(0, 8)}` : ""}`;
      const lockParams = { device: lock.connection, agent: run.agent.name, run: lock.heldBy.slice(0, 8), task: holder ? holder.taskId.slice(0, 8) : "?" };
      if (run.task.lockPolicy === "fail") {
        await tx.taskRun.update({ where: { id: runId }, data: { status: "failed", error: `Not started: ${msg} (the task asked to fail fast).`, completedAt: new Date() } });
        await appendTaskEvent(tx, { taskId: run.taskId, runId, source: "manager", eventType: "lock_conflict", level: "error", message: `Not started: ${msg}.`, details: eventText("lockConflict", lockParams) });
        await refreshTaskStatus(tx, run.taskId);
        return { kind: "changed", taskId: run.taskId, runId, status: "failed", reason: `lock conflict, fail fast: ${msg}` };
      }
      const wasWaiting = (await tx.taskRun.findUniqueOrThrow({ where: { id: runId }, select: { status: true } })).status === "waiting_lock";
      await tx.taskRun.update({ where: { id: runId }, data: { status: "waiting_lock", statusDetail: `waiting for device lock: ${msg}` } });
      if (!wasWaiting) {
        await appendTaskEvent(tx, { taskId: run.taskId, runId, source: "manager", eventType: "waiting_lock", level: "info", message: `Waiting for device lock: ${msg}.`, details: eventText("waitingLock", lockParams) });
        await refreshTaskStatus(tx, run.taskId);
      }
      return wasWaiting ? { kind: "skip", runId, reason: `still waiting for device lock: ${msg}` } : { kind: "changed", taskId: run.taskId, runId, status: "waiting_lock", reason: msg };
    }
    const attempt = run.deliveryAttempts + 1;
    await tx.taskRun.update({
      where: { id: runId },
      data: { status: "delivering", deliveryAttempts: attempt, statusDetail: `delivering to ${run.agent.name} (attempt ${attempt}/${MAX_DELIVERY_ATTEMPTS})` },
    });
    await refreshTaskStatus(tx, run.taskId);
    return {
      kind: "deliver",
      run: {
        id: run.id,
        taskId: run.taskId,
        connection: run.connection,
        executionAttempts: run.executionAttempts,
        deliveryAttempts: attempt,
        agent: run.agent,
        task: { type: run.task.type, payload: run.task.payload as Record<string, unknown>, dryRun: run.task.dryRun, recordLevel: run.task.recordLevel },
      },
    };
  });
}

async function deliver(app: AppContext, claim: Claim) {
  const { db, bus, log, pool } = app;
  if (claim.kind === "skip") {
    // re-checked every few seconds while it lasts: debug, not info
    if (claim.reason) log.debug({ runId: claim.runId, outcome: "deferred", reason: claim.reason }, "dispatch outcome");
    return;
  }
  if (claim.kind === "changed") {
    log.info({ runId: claim.runId, taskId: claim.taskId, outcome: claim.status, reason: claim.reason }, "dispatch outcome");
    await bus.publish({ type: "run", taskId: claim.taskId, runId: claim.runId, status: claim.status });
    return;
  }
  const { run } = claim;
  const transport = app.transports(run.agent);
  let outcome: { ok: true } | { ok: false; error: AgentCallError };
  try {
    await transport.dispatch({
      agentTaskId: agentTaskId(run.id, Math.max(1, run.executionAttempts)),
      type: run.task.type,
      payload: run.task.payload,
      connection: run.connection,
      dryRun: run.task.dryRun,
      recordLevel: run.task.recordLevel === "full" ? "full" : "key-events-only",
    });
    outcome = { ok: true };
  } catch (err) {
    outcome = { ok: false, error: err instanceof AgentCallError ? err : new AgentCallError(`Delivery to ${run.agent.name} failed: ${(err as Error).message}`, true) };
  } finally {
    transport.close();
  }

  if (outcome.ok) {
    const message = `Delivered to ${run.agent.name}${run.connection ? ` for ${run.connection}` : ""}; the agent accepted it.`;
    const text = run.connection ? eventText("delivered", { agent: run.agent.name, connection: run.connection }) : eventText("deliveredAgent", { agent: run.agent.name });
    await pool.query(ACCEPTED([run.id, new Date(), message, JSON.stringify(text)]));
    log.info({ runId: run.id, agent: run.agent.name, outcome: "accepted" }, "dispatch outcome");
    await bus.publish({ type: "run", taskId: run.taskId, runId: run.id, status: "accepted" });
    await bus.publish({ type: "task", taskId: run.taskId, status: "accepted" });
    return;
  }
  const status = await db.$transaction(async (tx) => {
    const now = new Date();
    const e = outcome.error;
    const current = await tx.taskRun.findUniqueOrThrow({ where: { id: run.id }, select: { status: true, cancelRequestedAt: true } });
    if (current.status !== "delivering") return current.status;
    const retry = e.retryable && run.deliveryAttempts < MAX_DELIVERY_ATTEMPTS && !current.cancelRequestedAt;
    await releaseLocks(tx, run.id);
    if (retry) {
      const wait = backoffMs(run.deliveryAttempts);
      await tx.taskRun.update({
        where: { id: run.id },
        data: { status: "pending", statusDetail: `delivery attempt ${run.deliveryAttempts}/${MAX_DELIVERY_ATTEMPTS} failed: ${e.message} Retrying in ${Math.round(wait / 1000)} s.` },
      });
      await appendTaskEvent(tx, { taskId: run.taskId, runId: run.id, source: "manager", eventType: "delivery_failed", level: "warning", message: `Delivery attempt ${run.deliveryAttempts} failed: ${e.message} Retrying in ${Math.round(wait / 1000)} s.`, details: eventText("deliveryRetry", { attempt: run.deliveryAttempts, error: e.message, seconds: Math.round(wait / 1000) }) });
      await enqueueDispatch(tx, [run.id], new Date(Date.now() + wait));
      await refreshTaskStatus(tx, run.taskId);
      return "pending";
    }
    const reason = e.retryable ? `Could not deliver to ${run.agent.name} after ${run.deliveryAttempts} attempts: ${e.message}` : e.message;
    await tx.taskRun.update({ where: { id: run.id }, data: { status: current.cancelRequestedAt ? "cancelled" : "failed", error: reason, completedAt: now, statusDetail: null } });
    await appendTaskEvent(tx, { taskId: run.taskId, runId: run.id, source: "manager", eventType: "delivery_failed", level: "error", message: reason });
    await refreshTaskStatus(tx, run.taskId);
    return "failed";
  });
  log.info({ runId: run.id, agent: run.agent.name, outcome: status, error: outcome.error.message }, "dispatch outcome");
  await bus.publish({ type: "run", taskId: run.taskId, runId: run.id, status });
  await bus.publish({ type: "task", taskId: run.taskId, status });
}

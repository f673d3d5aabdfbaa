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

export const MAX_DELIVERY_ATTEMPTS = 5;
export const backoffMs = (attempt: number) => Math.min(60_000, 1000 * 2 ** (attempt - 1));
const OFFLINE_RECHECK_MS = 5000;

type Claim =
  | { kind: "skip" }
  | { kind: "deliver"; run: ClaimedRun }
  | { kind: "changed"; taskId: string; runId: string; status: string };

interface ClaimedRun {
  id: string;
  taskId: string;
  connection: string | null;
  executionAttempts: number;
  deliveryAttempts: number;
  agent: { id: string; name: string; host: string; port: number; reportMode: "http" | "grpc" };
  task: { type: DispatchType; payload: Record<string, unknown>; dryRun: boolean; recordLevel: string };
}

export async function dispatchRun(app: AppContext, runId: string) {
  const { db, bus, log } = app;
  const claim = await db.$transaction(async (tx): Promise<Claim> => {
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
      return { kind: "changed", taskId: run.taskId, runId, status: "failed" };
    }
    if (run.deadlineAt && run.deadlineAt.getTime() <= Date.now()) return { kind: "skip" }; // the sweep times it out
    if (run.agent.status !== "online") {
      await tx.taskRun.update({ where: { id: runId }, data: { statusDetail: `waiting for agent ${run.agent.name} to come online` } });
      await enqueueDispatch(tx, [runId], new Date(Date.now() + OFFLINE_RECHECK_MS));
      return { kind: "skip" };
    }
    const keys = lockKeysFor({ agentId: run.agentId, connection: run.connection }, run.task.type, run.task.payload, run.task.dryRun);
    const lock = await acquireLocks(tx, runId, keys);
    if (!lock.ok) {
      const holder = await tx.taskRun.findUnique({ where: { id: lock.heldBy }, select: { taskId: true } });
      const msg = `device ${lock.connection} on ${run.agent.name} is locked by run ${lock.heldBy.slice(0, 8)}${holder ? ` of task ${holder.taskId.slice(0, 8)}` : ""}`;
      if (run.task.lockPolicy === "fail") {
        await tx.taskRun.update({ where: { id: runId }, data: { status: "failed", error: `Not started: ${msg} (the task asked to fail fast).`, completedAt: new Date() } });
        await appendTaskEvent(tx, { taskId: run.taskId, runId, source: "manager", eventType: "lock_conflict", level: "error", message: `Not started: ${msg}.` });
        await refreshTaskStatus(tx, run.taskId);
        return { kind: "changed", taskId: run.taskId, runId, status: "failed" };
      }
      const wasWaiting = (await tx.taskRun.findUniqueOrThrow({ where: { id: runId }, select: { status: true } })).status === "waiting_lock";
      await tx.taskRun.update({ where: { id: runId }, data: { status: "waiting_lock", statusDetail: `waiting for device lock: ${msg}` } });
      if (!wasWaiting) {
        await appendTaskEvent(tx, { taskId: run.taskId, runId, source: "manager", eventType: "waiting_lock", level: "info", message: `Waiting for device lock: ${msg}.` });
        await refreshTaskStatus(tx, run.taskId);
      }
      return wasWaiting ? { kind: "skip" } : { kind: "changed", taskId: run.taskId, runId, status: "waiting_lock" };
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

  if (claim.kind === "skip") return;
  if (claim.kind === "changed") {
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

  const status = await db.$transaction(async (tx) => {
    const now = new Date();
    if (outcome.ok) {
      // a fast agent may already have reported; never move a run backwards
      const n = await tx.$executeRaw`
        UPDATE task_runs SET status = 'accepted', delivered_at = ${now}, execution_attempts = GREATEST(execution_attempts, 1), status_detail = 'accepted by the agent; waiting for its events and result', updated_at = now()
         WHERE id = ${run.id}::uuid AND status = 'delivering'`;
      if (n === 0) await tx.$executeRaw`UPDATE task_runs SET delivered_at = ${now}, execution_attempts = GREATEST(execution_attempts, 1) WHERE id = ${run.id}::uuid`;
      await appendTaskEvent(tx, { taskId: run.taskId, runId: run.id, source: "manager", eventType: "delivered", level: "info", message: `Delivered to ${run.agent.name}${run.connection ? ` for ${run.connection}` : ""}; the agent accepted it.` });
      await refreshTaskStatus(tx, run.taskId);
      return "accepted";
    }
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
      await appendTaskEvent(tx, { taskId: run.taskId, runId: run.id, source: "manager", eventType: "delivery_failed", level: "warning", message: `Delivery attempt ${run.deliveryAttempts} failed: ${e.message} Retrying in ${Math.round(wait / 1000)} s.` });
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
  log.info({ runId: run.id, agent: run.agent.name, outcome: status, error: outcome.ok ? undefined : outcome.error.message }, "dispatch outcome");
  await bus.publish({ type: "run", taskId: run.taskId, runId: run.id, status });
  await bus.publish({ type: "task", taskId: run.taskId, status });
}

// Keeps runs moving whatever happened to the process that owned them:
// deadlines (after asking the agent), deliveries left in doubt by a crash, and
// pending runs whose job was lost.
import { eventText } from "../domain/event-text.ts";
import type { AppContext } from "../app-context.ts";
import { releaseLocks } from "../services/device-locks.ts";
import { enqueueDispatch } from "../services/queue.ts";
import { appendTaskEvent, refreshTaskStatus } from "../services/task-state.ts";
import { seconds } from "../agents/transport.ts";

const GRACE_MARK = "deadline grace";

export async function runTaskSweep(app: AppContext) {
  const { db, bus, log, env } = app;
  const touched = new Map<string, string>();

  // 1. A crash while "delivering" leaves it unknown whether the agent got the
  //    run. Re-sending could run it twice, so it waits for the agent instead.
  // a live delivery lasts at most AGENT_CALL_TIMEOUT; older ones belong to a process that died
  const inDoubtBefore = new Date(Date.now() - env.AGENT_CALL_TIMEOUT - 5_000);
  const inDoubt = await db.taskRun.findMany({ where: { status: "delivering", updatedAt: { lt: inDoubtBefore } }, select: { id: true, taskId: true }, take: 500 });
  for (const r of inDoubt) {
    await db.$transaction(async (tx) => {
      const n = await tx.taskRun.updateMany({
        where: { id: r.id, status: "delivering" },
        data: { status: "accepted", statusDetail: "delivery outcome unknown after a manager restart; not re-sent, waiting for the agent's result or the deadline" },
      });
      if (n.count) {
        await appendTaskEvent(tx, { taskId: r.taskId, runId: r.id, source: "manager", eventType: "delivery_in_doubt", level: "warning", message: "The manager stopped while delivering this run. It is not re-sent (that could run it twice); waiting for the agent's result or the deadline.", details: eventText("deliveryInDoubt") });
        touched.set(r.taskId, "running");
      }
    });
  }

  // 2. Pending or lock-waiting runs whose job may be gone: queue again (a
  //    second job for the same run is a no-op).
  const stale = await db.taskRun.findMany({
    where: { OR: [{ status: "waiting_lock" }, { status: "pending", updatedAt: { lt: new Date(Date.now() - 30_000) } }] },
    select: { id: true },
    take: 1000,
  });
  if (stale.length) await db.$transaction((tx) => enqueueDispatch(tx, stale.map((s) => s.id)));

  // 3. Deadlines.
  const due = await db.taskRun.findMany({
    where: { status: { in: ["pending", "waiting_lock", "delivering", "accepted", "running"] }, deadlineAt: { lte: new Date() } },
    select: { id: true, taskId: true, status: true, statusDetail: true, cancelRequestedAt: true, agentName: true, deadlineAt: true, deliveredAt: true, createdAt: true, agent: { select: { id: true, name: true, host: true, port: true, reportMode: true } } },
    take: 200,
  });
  for (const r of due) {
    const total = r.deadlineAt!.getTime() - r.createdAt.getTime();
    let reason: string;
    let text: ReturnType<typeof eventText>;
    let running: number | null = null;
    let extendMs = 0;
    if (["pending", "waiting_lock"].includes(r.status)) {
      reason = `Not delivered within ${seconds(total)}${r.statusDetail ? ` (${r.statusDetail})` : ""}.`;
      text = eventText("notDelivered", { after: seconds(total) });
    } else {
      // reconcile before reaping: is the agent still working on something?
      let agentSays = "";
      text = eventText("noCallback", { agent: r.agentName, after: seconds(total) });
      if (r.agent && !r.cancelRequestedAt) {
        const t = app.transports(r.agent);
        try {
          const st = await t.status();
          running = Number(st.running_tasks ?? 0);
          if (running > 0 && !(r.statusDetail ?? "").includes(GRACE_MARK)) extendMs = Math.min(600_000, Math.max(30_000, total * 0.1));
          agentSays = ` The agent reports ${running} running task(s).`;
          text = eventText("noCallbackRunning", { agent: r.agentName, after: seconds(total), running });
        } catch (err) {
          agentSays = ` The agent did not answer a status check: ${(err as Error).message}`;
          text = eventText("noCallbackNoAnswer", { agent: r.agentName, after: seconds(total), error: (err as Error).message });
        } finally {
          t.close();
        }
      }
      reason = `No callback from ${r.agentName} within ${seconds(total)}.${agentSays}`;
    }
    await db.$transaction(async (tx) => {
      if (extendMs > 0) {
        const n = await tx.taskRun.updateMany({
          where: { id: r.id, status: r.status },
          data: { deadlineAt: new Date(Date.now() + extendMs), statusDetail: `${GRACE_MARK}: ${reason} Waiting ${seconds(extendMs)} more.` },
        });
        if (n.count) await appendTaskEvent(tx, { taskId: r.taskId, runId: r.id, source: "manager", eventType: "deadline_extended", level: "warning", message: `Deadline reached, but the agent is still busy.${reason.slice(reason.indexOf(".") + 1)} Waiting ${seconds(extendMs)} more for its result.`, details: eventText("deadlineExtended", { running: running ?? 0, wait: seconds(extendMs) }) });
        return;
      }
      const status = r.cancelRequestedAt ? "cancelled" : "timed_out";
      const n = await tx.taskRun.updateMany({ where: { id: r.id, status: r.status }, data: { status, error: reason, completedAt: new Date(), statusDetail: null } });
      if (!n.count) return;
      await releaseLocks(tx, r.id);
      await appendTaskEvent(tx, { taskId: r.taskId, runId: r.id, source: "manager", eventType: status, level: "error", message: reason, details: text });
      const ts = await refreshTaskStatus(tx, r.taskId);
      touched.set(r.taskId, ts ?? status);
      log.warn({ runId: r.id, agent: r.agentName, status }, "run reaped at its deadline");
    });
  }
  for (const [taskId, status] of touched) await bus.publish({ type: "task", taskId, status });
  if (touched.size) {
    const failed = await db.task.findMany({ where: { id: { in: [...touched.keys()] }, status: { in: ["timed_out", "failed", "partial"] } }, select: { id: true, name: true, status: true } });
    for (const t of failed) {
      await app.services.notifications.create({
        type: "task_failed",
        level: "error",
        title: `Task ${t.name ?? t.id.slice(0, 8)} ${t.status === "timed_out" ? "timed out" : t.status === "partial" ? "partly failed" : "failed"}`,
        message: "A run reached its deadline without a result; open the task for the reason.",
        link: `/tasks/${t.id}`,
        entityType: "task",
        entityId: t.id,
      });
    }
  }
  return { inDoubt: inDoubt.length, requeued: stale.length, reaped: due.length };
}

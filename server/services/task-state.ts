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

/** Re-derives and stores a task's status; returns it when it changed. */
export async function refreshTaskStatus(tx: Tx, taskId: string): Promise<TaskStatusName | null> {
  const task = await tx.task.findUnique({ where: { id: taskId }, select: { status: true, startedAt: true, finishedAt: true } });
  if (!task) return null;
  // counts, not rows: a task may have thousands of runs
  const groups = await tx.taskRun.groupBy({ by: ["status"], where: { taskId }, _count: { _all: true } });
  const next = deriveTaskStatus(groups.map((g) => g.status));
  if (next === task.status) return null;
  const final = !["pending", "running"].includes(next);
  await tx.task.update({
    where: { id: taskId },
    data: {
      status: next,
      startedAt: task.startedAt ?? (next !== "pending" ? new Date() : null),
      finishedAt: final ? (task.finishedAt ?? new Date()) : null,
    },
  });
  return next;
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

// The task engine's write side: submit, cancel, re-run; and the task view.
import { randomUUID } from "node:crypto";
import type pg from "pg";
import { z } from "zod";
import type { Db } from "../db/database.ts";
import type { Bus } from "../events/bus.ts";
import type { Logger } from "../log.ts";
import { AppError, notFound } from "../errors.ts";
import type { Prisma } from "../db/generated/client.ts";
import { DISPATCH_PAYLOAD_SCHEMAS, OPERATION_BY_TYPE } from "../domain/plans.ts";
import type { SettingsService } from "./settings.ts";
import { TaskTypes } from "./queries.ts";
import { SelectorSchema, TargetSchema, checkCapabilities, checkOnline, resolveTargets, type ResolvedTarget } from "./task-targets.ts";
import { appendTaskEvent, isFinalRun, refreshTaskStatus } from "./task-state.ts";
import { DISPATCH_TASK, dispatchJobSql } from "./queue.ts";
import { lockKeysFor, releaseLocks } from "./device-locks.ts";
import { prepared } from "../db/prepared.ts";
import { eventText } from "../domain/event-text.ts";
import { assertNotDraining } from "./system.ts";

export const RecordLevels = ["key-events-only", "full"] as const;

export const CreateTaskInputSchema = z
  .object({
    name: z.string().trim().min(1).max(200).optional(),
    type: z.enum(TaskTypes, { error: `must be one of ${TaskTypes.join(", ")}` }),
    targets: z.array(TargetSchema).min(1, "give at least one target").max(5000).optional(),
    selector: SelectorSchema.optional(),
    payload: z.record(z.string(), z.unknown(), { error: "must be an object in the agent's field names" }),
    dryRun: z.boolean().default(false),
    recordLevel: z.enum(RecordLevels).default("key-events-only"),
    deadlineSeconds: z.number().int().min(1).max(7 * 86_400).optional(),
    retries: z.number().int().min(0).max(10).default(0),
    lockPolicy: z.enum(["wait", "fail"]).default("wait"),
    queueIfOffline: z.boolean().default(false),
  })
  .superRefine((v, ctx) => {
    if (!v.targets === !v.selector) ctx.addIssue({ code: "custom", path: ["targets"], message: "give either targets or a selector" });
    if (v.type === "exec" && v.dryRun) ctx.addIssue({ code: "custom", path: ["dryRun"], message: "exec has no dry run; use a template with dry run to preview" });
    const schema = DISPATCH_PAYLOAD_SCHEMAS[v.type];
    const res = schema.safeParse(v.payload);
    if (!res.success) for (const i of res.error.issues) ctx.addIssue({ code: "custom", path: ["payload", ...i.path.map((p) => (typeof p === "symbol" ? String(p) : p))], message: i.message });
  });
export type CreateTaskInput = z.input<typeof CreateTaskInputSchema>;

const runSelect = {
  id: true,
  agentId: true,
  agentName: true,
  connection: true,
  deviceId: true,
  operation: true,
  status: true,
  statusDetail: true,
  deliveryAttempts: true,
  executionAttempts: true,
  stage: true,
  progress: true,
  deadlineAt: true,
  deliveredAt: true,
  startedAt: true,
  completedAt: true,
  executionTimeMs: true,
  resultSummary: true,
  result: true,
  error: true,
  cancelRequestedAt: true,
  createdAt: true,
} satisfies Prisma.TaskRunSelect;

const eventSelect = { seq: true, runId: true, source: true, eventType: true, level: true, message: true, stage: true, progress: true, details: true, occurredAt: true, receivedAt: true } satisfies Prisma.TaskEventSelect;

/**
 * A task, its runs (one per target, with the devices each run will lock), the
 * "submitted" event (seq 1) and a dispatch job per run, in one statement.
 */
const SUBMIT = prepared(
  "tasks-submit",
  `WITH t AS (
     INSERT INTO tasks (id, name, type, payload, target_spec, dry_run, record_level, deadline_seconds, retries, lock_policy,
                        queue_if_offline, runs_total, created_by_id, rerun_of_id, event_seq, updated_at)
     VALUES ($1::uuid, $2, $3::"TaskType", $4::jsonb, $5::jsonb, $6, $7, $8, $9, $10, $11, $12, $13::uuid, $14::uuid, 1, now())
     RETURNING id
   ), r AS (
     INSERT INTO task_runs (id, task_id, agent_id, agent_name, connection, device_id, operation, deadline_at, status_detail, lock_keys, updated_at)
     SELECT u.id, t.id, u.agent_id, u.agent_name, u.connection, u.device_id, $15, $16::timestamptz, u.detail, u.lock_keys::jsonb, now()
       FROM t, unnest($17::uuid[], $18::uuid[], $19::text[], $20::text[], $21::uuid[], $22::text[], $23::text[])
            AS u(id, agent_id, agent_name, connection, device_id, detail, lock_keys)
     RETURNING id
   ), ev AS (
     INSERT INTO task_events (task_id, seq, source, event_type, level, message, details, occurred_at)
     SELECT id, 1, 'manager', 'submitted', 'info', $24, $26::jsonb, now() FROM t
   )
   SELECT count(${dispatchJobSql("r.id", "$25")})::int AS jobs FROM r`,
);

export function createTaskService({ db, pool, bus, log, settings }: { db: Db; pool: pg.Pool; bus: Bus; log: Logger; settings: SettingsService }) {
  async function insertTask(
    input: z.output<typeof CreateTaskInputSchema>,
    targets: ResolvedTarget[],
    createdById: string | null,
    rerunOfId: string | null,
  ) {
    // a draining process takes no new work (create and re-run both land here)
    assertNotDraining(db);
    const deadlineSeconds = input.deadlineSeconds ?? (await settings.get()).taskDefaultDeadlineSeconds;
    const taskId = randomUUID();
    const now = Date.now();
    const deadlineAt = new Date(now + deadlineSeconds * 1000);
    const runs = targets.map((t) => {
      const id = randomUUID();
      const keys = lockKeysFor({ agentId: t.agent.id, connection: t.connection }, input.type, input.payload, input.dryRun);
      return {
        id,
        agentId: t.agent.id,
        agentName: t.agent.name,
        connection: t.connection,
        deviceId: t.deviceId,
        statusDetail: t.agent.status === "online" ? "queued for delivery" : `waiting for agent ${t.agent.name} to come online`,
        lockKeys: JSON.stringify(keys.map((k) => k.connection)),
      };
    });
    const message = `Submitted ${input.type}${input.dryRun ? " (dry run)" : ""} to ${runs.length} target${runs.length === 1 ? "" : "s"}.`;
    // one statement, so one round trip and one commit: the task, its runs, the
    // first timeline event and one dispatch job per run, all or nothing
    await pool.query(
      SUBMIT([
        taskId, input.name ?? null, input.type, JSON.stringify(input.payload),
        JSON.stringify(input.targets ? { targets: input.targets } : { selector: input.selector }),
        input.dryRun, input.recordLevel, deadlineSeconds, input.retries, input.lockPolicy, input.queueIfOffline, runs.length,
        createdById, rerunOfId, OPERATION_BY_TYPE[input.type], deadlineAt,
        runs.map((r) => r.id), runs.map((r) => r.agentId), runs.map((r) => r.agentName), runs.map((r) => r.connection),
        runs.map((r) => r.deviceId), runs.map((r) => r.statusDetail), runs.map((r) => r.lockKeys), message, DISPATCH_TASK,
        JSON.stringify(eventText(input.dryRun ? "submittedDryRun" : "submitted", { type: input.type, n: runs.length })),
      ]),
    );
    log.info({ taskId, type: input.type, runs: runs.length }, "task submitted");
    await bus.publish({ type: "task", taskId, status: "pending" });
    return { id: taskId, runs: runs.length };
  }

  return {
    async create(raw: CreateTaskInput, createdById: string | null) {
      const parsed = CreateTaskInputSchema.safeParse(raw);
      if (!parsed.success) {
        const fields = parsed.error.issues.map((i) => ({ path: i.path.map(String).join(".") || "(input)", message: i.message }));
        throw new AppError("INVALID_ARGUMENT", `Invalid task: ${fields.map((f) => `${f.path}: ${f.message}`).join("; ")}`, { fields });
      }
      const input = parsed.data;
      const targets = await resolveTargets(db, input.type, input);
      checkCapabilities(targets);
      checkOnline(targets, input.queueIfOffline);
      return insertTask(input, targets, createdById, null);
    },

    /** A new task with the same resolved payload and the same agent × connection pairs. */
    async rerun(taskId: string, createdById: string | null) {
      const t = await db.task.findUnique({ where: { id: taskId }, include: { runs: { select: { agentId: true, connection: true } } } });
      if (!t) throw notFound(`Task ${taskId}`);
      const targets = t.runs.filter((r) => r.agentId).map((r) => ({ agentId: r.agentId!, connection: r.connection ?? undefined }));
      if (targets.length === 0) throw new AppError("FAILED_PRECONDITION", "None of this task's agents exist any more; submit a new task instead.");
      const again = CreateTaskInputSchema.safeParse({
        name: t.name ?? undefined,
        type: t.type,
        targets,
        payload: t.payload,
        dryRun: t.dryRun,
        recordLevel: t.recordLevel,
        deadlineSeconds: t.deadlineSeconds,
        retries: t.retries,
        lockPolicy: t.lockPolicy,
        queueIfOffline: t.queueIfOffline,
      });
      if (!again.success) {
        // stored before a rule tightened (e.g. a plan field the agent now requires)
        const why = again.error.issues.map((i) => `${i.path.map(String).join(".") || "(input)"}: ${i.message}`).join("; ");
        throw new AppError("FAILED_PRECONDITION", `This task can no longer be submitted as it was: ${why}. Copy it as JSON, fix it and submit a new task.`);
      }
      const input = again.data;
      const resolved = await resolveTargets(db, input.type, input);
      checkCapabilities(resolved);
      checkOnline(resolved, input.queueIfOffline);
      return insertTask(input, resolved, createdById, t.id);
    },

    /**
     * Runs not yet delivered stop at once. rauto has no cancel API, so delivered
     * runs show "cancel requested" until their callback arrives or the deadline passes.
     */
    async cancel(taskId: string) {
      const result = await db.$transaction(async (tx) => {
        const task = await tx.task.findUnique({ where: { id: taskId }, select: { id: true } });
        if (!task) throw notFound(`Task ${taskId}`);
        const runs = await tx.$queryRaw<{ id: string; status: string }[]>`
          SELECT id, status::text FROM task_runs WHERE task_id = ${taskId}::uuid ORDER BY id FOR UPDATE`;
        let cancelled = 0;
        let requested = 0;
        const now = new Date();
        for (const r of runs) {
          if (isFinalRun(r.status)) continue;
          if (["pending", "waiting_lock"].includes(r.status)) {
            await tx.taskRun.update({ where: { id: r.id }, data: { status: "cancelled", cancelRequestedAt: now, completedAt: now, statusDetail: "cancelled before delivery" } });
            await releaseLocks(tx, r.id);
            cancelled++;
          } else {
            await tx.taskRun.update({
              where: { id: r.id },
              data: { cancelRequestedAt: now, statusDetail: "cancel requested: the agent cannot stop a running task; waiting for its result or the deadline" },
            });
            requested++;
          }
        }
        await tx.task.update({ where: { id: taskId }, data: { cancelRequestedAt: now } });
        await appendTaskEvent(tx, {
          taskId,
          source: "manager",
          eventType: "cancel_requested",
          level: "warning",
          message: `Cancel requested: ${cancelled} run(s) stopped before delivery${requested ? `, ${requested} already with the agent (cancel requested)` : ""}.`,
          details: eventText("cancelRequested", { cancelled, requested }),
        });
        const status = await refreshTaskStatus(tx, taskId);
        return { cancelled, requested, status };
      });
      await bus.publish({ type: "task", taskId, status: result.status ?? "cancel_requested" });
      return { cancelled: result.cancelled, cancelRequested: result.requested };
    },

    async get(taskId: string) {
      const t = await db.task.findUnique({
        where: { id: taskId },
        include: {
          runs: { select: runSelect, orderBy: [{ agentName: "asc" }, { connection: "asc" }] },
          events: { select: eventSelect, orderBy: { seq: "asc" }, take: 2000 },
          createdBy: { select: { username: true } },
        },
      });
      if (!t) throw notFound(`Task ${taskId}`);
      const history = await db.executionHistory.findMany({ where: { taskId }, orderBy: { executedAt: "asc" }, take: 2000 });
      return {
        ...t,
        runs: t.runs.map((r) => ({ ...r, executionTimeMs: r.executionTimeMs === null ? null : Number(r.executionTimeMs) })),
        history: history.map((h) => ({ ...h, id: String(h.id) })),
      };
    },

    async assertExists(taskId: string) {
      const t = await db.task.findUnique({ where: { id: taskId }, select: { id: true } });
      if (!t) throw notFound(`Task ${taskId}`);
    },

    async eventsAfter(taskId: string, afterSeq: number, limit = 500) {
      return db.taskEvent.findMany({ where: { taskId, seq: { gt: afterSeq } }, select: eventSelect, orderBy: { seq: "asc" }, take: limit });
    },
  };
}
export type TaskService = ReturnType<typeof createTaskService>;

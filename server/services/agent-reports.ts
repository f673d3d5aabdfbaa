// What agents report about themselves, their inventory and their tasks. The
// HTTP and gRPC adapters both call these functions with validated input, so a
// report has the same effect whichever transport carried it.
import { prepared } from "../db/prepared.ts";
import type pg from "pg";
import type { Db } from "../db/database.ts";
import type { Bus } from "../events/bus.ts";
import type { Logger } from "../log.ts";
import { AppError } from "../errors.ts";
import type { Prisma } from "../db/generated/client.ts";
import type { NotificationService } from "./notifications.ts";
import type {
  ErrorReport,
  HeartbeatReport,
  RegisterAgentReport,
  ReportDevicesReport,
  TaskCallbackReport,
  TaskEventReport,
  UpdateDeviceStatusReport,
} from "./agent-report-schemas.ts";
import { appendTaskEvent, isFinalRun, refreshTaskStatus } from "./task-state.ts";
import { historyRowsFor } from "./history-rows.ts";
import { parseAgentTaskId } from "./run-ids.ts";
import { applyPlainOutcome, callbackMessage, isPlainOutcome, loadCallbackRun } from "./task-callback.ts";
import { releaseLocks } from "./device-locks.ts";
import { enqueueDispatch } from "./queue.ts";

export type ReportMode = "http" | "grpc";


/**
 * Heartbeats and task events arrive thousands of times a second: their SQL runs
 * as named prepared statements, parsed and planned once per connection instead
 * of on every call (planning was half of PostgreSQL's work per heartbeat).
 */

const AGENT_ID_BY_NAME = prepared("agent-reports-agent-id", "SELECT id FROM agents WHERE name = $1");

/**
 * Heartbeats of several agents in one statement. Rows are locked in id order,
 * so concurrent batches cannot deadlock, and with NO KEY UPDATE, which does not
 * wait for transactions that merely reference the agent (a run being created).
 */
const HEARTBEATS = prepared(
  "agent-reports-heartbeats",
  `WITH input AS (
     SELECT * FROM unnest($1::text[], $2::int[], $3::int[], $4::int[], $5::bigint[], $6::int[])
       AS t(name, running_tasks, connections_count, templates_count, uptime_seconds, received)
   ), old AS (
     SELECT a.id, a.name, a.status::text AS prev FROM agents a WHERE a.name = ANY($1::text[]) ORDER BY a.id FOR NO KEY UPDATE
   ), upd AS (
     UPDATE agents a SET last_heartbeat_at = now(), running_tasks = i.running_tasks, connections_count = i.connections_count,
            templates_count = i.templates_count, uptime_seconds = i.uptime_seconds, updated_at = now(), status = 'online',
            status_reason = CASE WHEN old.prev <> 'online' THEN 'heartbeat' ELSE a.status_reason END,
            status_changed_at = CASE WHEN old.prev <> 'online' THEN now() ELSE a.status_changed_at END
       FROM old JOIN input i ON i.name = old.name
      WHERE a.id = old.id
     RETURNING a.id, a.name, old.prev
   ), per_minute AS (
     -- the dashboard's heartbeats-per-minute chart (one row per minute, all processes)
     INSERT INTO heartbeat_minutes (minute, heartbeats)
     SELECT date_trunc('minute', now()), sum(i.received) FROM upd JOIN input i ON i.name = upd.name HAVING count(*) > 0
     ON CONFLICT (minute) DO UPDATE SET heartbeats = heartbeat_minutes.heartbeats + EXCLUDED.heartbeats
   )
   SELECT id, name, prev FROM upd`,
);

/**
 * Coalesces concurrent calls into one database round trip: while a batch is
 * being written, new calls queue and go out together as the next one (group
 * commit). A call to an idle manager goes out at once, alone: no timer, no
 * added latency. (Two batches in flight measured slower: smaller batches.)
 */
function coalesce<I, O>(write: (items: I[]) => Promise<O[]>, maxBatch: number) {
  const queue: Array<{ item: I; resolve: (o: O) => void; reject: (e: unknown) => void }> = [];
  let busy = false;
  const flush = async () => {
    if (busy || queue.length === 0) return;
    busy = true;
    const batch = queue.splice(0, maxBatch);
    try {
      const out = await write(batch.map((b) => b.item));
      batch.forEach((b, i) => b.resolve(out[i]!));
    } catch (err) {
      batch.forEach((b) => b.reject(err));
    } finally {
      busy = false;
      void flush();
    }
  };
  return (item: I) =>
    new Promise<O>((resolve, reject) => {
      queue.push({ item, resolve, reject });
      void flush();
    });
}

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

const unknownAgent = (name: string) =>
  new AppError("NOT_FOUND", `Agent "${name}" is not registered with this manager; register first (rauto does this by itself after failed heartbeats).`);
const unknownTask = (taskId: string, agent: string) =>
  new AppError("NOT_FOUND", `Task ${taskId} is not known to this manager for agent "${agent}"; the report was not stored.`);

export function createAgentReportService({ db, pool, bus, notifications, log }: { db: Db; pool: pg.Pool; bus: Bus; notifications: NotificationService; log: Logger }) {
  async function agentIdByName(name: string): Promise<string> {
    const { rows } = await pool.query<{ id: string }>(AGENT_ID_BY_NAME([name]));
    if (!rows[0]) throw unknownAgent(name);
    return rows[0].id;
  }

  async function announce(agent: { id: string; name: string }, status: "online" | "offline", reason: string) {
    log.info({ agent: agent.name, status, reason }, "agent status changed");
    const online = status === "online";
    await notifications.create({
      type: online ? "agent_online" : "agent_offline",
      level: online ? "success" : "warning",
      title: online ? `Agent ${agent.name} is online` : `Agent ${agent.name} went offline`,
      message: online
        ? reason === "registered"
          ? `${agent.name} registered with this manager.`
          : `${agent.name} is sending heartbeats again.`
        : `${agent.name} announced that it is shutting down.`,
      link: `/agents/${agent.id}`,
      entityType: "agent",
      entityId: agent.id,
    });
    await bus.publish({ type: "agent", agentId: agent.id, name: agent.name, status });
    if (online) {
      // runs queued while the agent was away go now, not at their next re-check
      const waiting = await db.taskRun.findMany({ where: { agentId: agent.id, status: "pending" }, select: { id: true }, take: 1000 });
      if (waiting.length) await db.$transaction((tx) => enqueueDispatch(tx, waiting.map((w) => w.id)));
    }
  }

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

  // Heartbeats are the bulk of agent traffic: concurrent ones share one statement
  // and one commit. The same agent twice in a batch is written once, with its latest values.
  const writeHeartbeat = coalesce<HeartbeatReport, { id: string; prev: string } | null>(async (batch) => {
    const latest = new Map<string, HeartbeatReport>();
    const received = new Map<string, number>();
    for (const h of batch) {
      latest.set(h.name, h);
      received.set(h.name, (received.get(h.name) ?? 0) + 1);
    }
    const hs = [...latest.values()];
    const { rows } = await pool.query<{ id: string; name: string; prev: string }>(
      HEARTBEATS([hs.map((h) => h.name), hs.map((h) => h.running_tasks), hs.map((h) => h.connections_count), hs.map((h) => h.templates_count), hs.map((h) => h.uptime_seconds), hs.map((h) => received.get(h.name)!)]),
    );
    const byName = new Map(rows.map((r) => [r.name, r]));
    // only the first of several heartbeats of one agent in a batch sees the status change
    const announced = new Set<string>();
    return batch.map((h) => {
      const r = byName.get(h.name);
      if (!r) return null;
      if (announced.has(h.name)) return { id: r.id, prev: "online" };
      announced.add(h.name);
      return { id: r.id, prev: r.prev };
    });
  }, 500);

  return {
    async register(r: RegisterAgentReport, mode: ReportMode) {
      const { rows } = await pool.query<{ id: string; name: string; status: string; prev: string | null }>(
        `WITH prev AS (SELECT status FROM agents WHERE name = $1)
         INSERT INTO agents (name, host, port, report_mode, version, capabilities, connections_count, templates_count,
                             status, status_reason, status_changed_at, last_heartbeat_at, registered_at, updated_at)
         VALUES ($1, $2, $3, $4::"ReportMode", $5, $6, $7, $8, 'online', 'registered', now(), now(), now(), now())
         ON CONFLICT (name) DO UPDATE SET
           host = EXCLUDED.host, port = EXCLUDED.port, report_mode = EXCLUDED.report_mode, version = EXCLUDED.version,
           capabilities = EXCLUDED.capabilities, connections_count = EXCLUDED.connections_count,
           templates_count = EXCLUDED.templates_count, last_heartbeat_at = now(), registered_at = now(), updated_at = now(),
           status = 'online',
           status_reason = CASE WHEN agents.status <> 'online' THEN 'registered' ELSE agents.status_reason END,
           status_changed_at = CASE WHEN agents.status <> 'online' THEN now() ELSE agents.status_changed_at END
         RETURNING id, name, status::text, (SELECT status::text FROM prev) AS prev`,
        [r.name, r.host, r.port, mode, r.version, r.capabilities, r.connections_count, r.templates_count],
      );
      const a = rows[0]!;
      if (a.prev !== "online") await announce(a, "online", "registered");
      return { id: a.id, name: a.name, status: a.status };
    },

    async heartbeat(h: HeartbeatReport) {
      const a = await writeHeartbeat(h);
      if (!a) throw unknownAgent(h.name);
      if (a.prev !== "online") await announce({ id: a.id, name: h.name }, "online", "heartbeat");
      return { id: a.id };
    },

    async offline(name: string) {
      const { rows } = await pool.query<{ id: string; prev: string }>(
        `UPDATE agents a SET status = 'offline', status_reason = 'offline_notice', status_changed_at = now(), updated_at = now()
           FROM (SELECT id, status::text AS prev FROM agents WHERE name = $1 FOR UPDATE) old
          WHERE a.id = old.id
         RETURNING a.id, old.prev`,
        [name],
      );
      const a = rows[0];
      if (!a) throw unknownAgent(name);
      if (a.prev === "online") await announce({ id: a.id, name }, "offline", "offline_notice");
      return { id: a.id };
    },

    /**
     * Full inventory sync. Devices the agent no longer lists are marked removed
     * (removed_at), not deleted, so history and runs keep pointing at them; a
     * device that reappears is restored. Unchanged rows are not rewritten.
     */
    async reportDevices(r: ReportDevicesReport) {
      const client = await pool.connect();
      try {
        await client.query("BEGIN");
        const { rows: ag } = await client.query<{ id: string }>("SELECT id FROM agents WHERE name = $1", [r.name]);
        if (!ag[0]) throw unknownAgent(r.name);
        const agentId = ag[0].id;
        // one sync per agent at a time: concurrent reports queue instead of interleaving
        await client.query("SELECT pg_advisory_xact_lock(hashtext('switchyard.devices'), hashtext($1))", [agentId]);
        const names: string[] = [];
        const hosts: string[] = [];
        const ports: number[] = [];
        const profiles: string[] = [];
        for (const d of r.devices) {
          names.push(d.name);
          hosts.push(d.host);
          ports.push(d.port);
          profiles.push(d.device_profile);
        }
        const { rows } = await client.query<{ upserted: number; removed: number }>(
          `WITH input AS (
             SELECT * FROM unnest($2::text[], $3::text[], $4::int[], $5::text[]) AS t(name, host, port, profile)
           ), up AS (
             INSERT INTO devices (agent_id, name, host, port, device_profile, removed_at, updated_at)
             SELECT $1, name, host, port, profile, NULL, now() FROM input ORDER BY name
             ON CONFLICT (agent_id, name) DO UPDATE SET
               host = EXCLUDED.host, port = EXCLUDED.port, device_profile = EXCLUDED.device_profile,
               removed_at = NULL, updated_at = now()
             WHERE devices.host IS DISTINCT FROM EXCLUDED.host OR devices.port IS DISTINCT FROM EXCLUDED.port
                OR devices.device_profile IS DISTINCT FROM EXCLUDED.device_profile OR devices.removed_at IS NOT NULL
             RETURNING 1
           ), gone AS (
             UPDATE devices SET removed_at = now(), updated_at = now()
              WHERE agent_id = $1 AND removed_at IS NULL
                AND NOT EXISTS (SELECT 1 FROM input i WHERE i.name = devices.name)
             RETURNING 1
           )
           SELECT (SELECT count(*) FROM up)::int AS upserted, (SELECT count(*) FROM gone)::int AS removed`,
          [agentId, names, hosts, ports, profiles],
        );
        await client.query("UPDATE agents SET inventory_synced_at = now(), connections_count = $2 WHERE id = $1", [agentId, r.devices.length]);
        await client.query("COMMIT");
        const res = rows[0]!;
        await bus.publish({ type: "device", agentId, count: r.devices.length });
        return { synced: r.devices.length, changed: res.upserted, removed: res.removed };
      } catch (err) {
        await client.query("ROLLBACK").catch(() => {});
        throw err;
      } finally {
        client.release();
      }
    },

    /** Reachability for the named devices; a change of state is kept as history. */
    async updateDeviceStatus(r: UpdateDeviceStatusReport) {
      const agentId = await agentIdByName(r.name);
      const names = r.devices.map((d) => d.name);
      const reachable = r.devices.map((d) => d.reachable);
      const { rows } = await pool.query<{ updated: number; changed: number }>(
        `WITH input AS (
           SELECT * FROM unnest($2::text[], $3::bool[]) AS t(name, reachable)
         ), old AS (
           SELECT d.id, d.status AS old_status, i.reachable FROM devices d JOIN input i ON i.name = d.name
            WHERE d.agent_id = $1 ORDER BY d.id FOR UPDATE OF d
         ), upd AS (
           UPDATE devices d SET status = (CASE WHEN old.reachable THEN 'reachable' ELSE 'unreachable' END)::"DeviceStatus",
                  last_checked_at = now(), updated_at = now()
             FROM old WHERE d.id = old.id
           RETURNING d.id, d.status, old.old_status
         ), hist AS (
           INSERT INTO device_status_events (device_id, status, at)
           SELECT id, status, now() FROM upd WHERE status IS DISTINCT FROM old_status
           RETURNING 1
         )
         SELECT (SELECT count(*) FROM upd)::int AS updated, (SELECT count(*) FROM hist)::int AS changed`,
        [agentId, names, reachable],
      );
      const res = rows[0]!;
      if (res.changed > 0) await bus.publish({ type: "device", agentId, count: res.changed });
      return { updated: res.updated, changed: res.changed };
    },

    async reportError(e: ErrorReport) {
      const { rows } = await pool.query<{ id: string }>("SELECT id FROM agents WHERE name = $1", [e.name]);
      const agentId = rows[0]?.id ?? null;
      const ref = e.task_id ? parseAgentTaskId(e.task_id) : null;
      const run = ref ? await db.taskRun.findUnique({ where: { id: ref.runId }, select: { id: true, taskId: true, agentName: true, status: true } }) : null;
      const ownRun = run && run.agentName === e.name ? run : null;
      const report = await db.$transaction(async (tx) => {
        const created = await tx.agentErrorReport.create({
          data: {
            agentId,
            agentName: e.name,
            category: e.category,
            kind: e.kind,
            severity: e.severity,
            occurredAt: new Date(e.occurred_at),
            retryable: e.retryable,
            message: e.message,
            taskId: e.task_id ?? null,
            runId: ownRun?.id ?? null,
            operation: e.operation ?? null,
            targetUrl: e.target_url ?? null,
            httpMethod: e.http_method ?? null,
            httpStatus: e.http_status ?? null,
            details: e.details === undefined ? undefined : (e.details as Prisma.InputJsonValue),
          },
          select: { id: true },
        });
        if (ownRun) {
          await appendTaskEvent(tx, {
            taskId: ownRun.taskId,
            runId: ownRun.id,
            source: "agent",
            eventType: "agent_error",
            level: e.severity === "error" ? "error" : "warning",
            message: `${e.kind}: ${e.message}`,
            details: { event_id: created.id, category: e.category, retryable: e.retryable, http_status: e.http_status ?? null, target_url: e.target_url ?? null },
            occurredAt: new Date(e.occurred_at),
          });
          // the agent finished the work but could not tell us the outcome: the run
          // cannot complete through a callback any more, so it fails with the agent's reason
          if (e.kind === "task_callback_failed" && !isFinalRun(ownRun.status)) {
            await tx.taskRun.update({
              where: { id: ownRun.id },
              data: { status: "failed", error: `The agent could not deliver the result callback: ${e.message}`, completedAt: new Date() },
            });
            await releaseLocks(tx, ownRun.id);
            await refreshTaskStatus(tx, ownRun.taskId);
          }
        }
        return created;
      });
      log.warn({ agent: e.name, kind: e.kind, severity: e.severity, eventId: report.id }, "agent reported an error");
      if (ownRun) {
        await bus.publish({ type: "task_event", taskId: ownRun.taskId, seq: 0 });
        await bus.publish({ type: "run", taskId: ownRun.taskId, runId: ownRun.id, status: "updated" });
      }
      if (e.severity === "error") {
        await notifications.create({
          type: "agent_error",
          level: "error",
          title: `Agent ${e.name}: ${e.kind}`,
          message: e.message.slice(0, 500),
          link: ownRun ? `/tasks/${ownRun.taskId}` : agentId ? `/agents/${agentId}` : undefined,
          entityType: ownRun ? "task" : "agent",
          entityId: ownRun?.taskId ?? agentId ?? undefined,
        });
      }
      return { accepted: true as const, event_id: report.id };
    },

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
        // lock the run: two deliveries of the same callback must not both apply
        const locked = await tx.$queryRaw<{ status: string; callback_at: Date | null; execution_attempts: number }[]>`
          SELECT status::text, callback_at, execution_attempts FROM task_runs WHERE id = ${run.id}::uuid FOR UPDATE`;
        const current = locked[0]!;
        const stale = run.attempt !== Math.max(1, current.execution_attempts);
        if (stale) {
          await appendTaskEvent(tx, {
            taskId: run.taskId, runId: run.id, source: "agent", eventType: "callback", level: "info",
            message: `Result of earlier attempt ${run.attempt} arrived (${cb.status}); the current attempt is unaffected.`, occurredAt: completedAt,
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
              ? { status: cb.status, startedAt, completedAt, error: cb.status === "failed" ? (cb.error ?? "The agent reported failure without a reason.") : null, progress: cb.status === "success" ? 100 : undefined }
              : {}),
          },
        });
        await appendTaskEvent(tx, {
          taskId: run.taskId,
          runId: run.id,
          source: "agent",
          eventType: "callback",
          level: cb.status === "success" ? "success" : "error",
          message: resurrect ? callbackMessage(cb) : `Result arrived after the run was already ${current.status}; recorded, status unchanged.`,
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
export type AgentReportService = ReturnType<typeof createAgentReportService>;

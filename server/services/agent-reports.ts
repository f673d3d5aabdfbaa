// What agents report about themselves and their inventory (and, through
// task-reports.ts, about their runs). The HTTP and gRPC adapters both call
// these functions with validated input, so a report has the same effect
// whichever transport carried it.
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
  UpdateDeviceStatusReport,
} from "./agent-report-schemas.ts";
import { appendTaskEvent, isFinalRun, refreshTaskStatus } from "./task-state.ts";
import { parseAgentTaskId } from "./run-ids.ts";
import { createTaskReportService } from "./task-reports.ts";
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

const unknownAgent = (name: string) =>
  new AppError("NOT_FOUND", `Agent "${name}" is not registered with this manager; register first (rauto does this by itself after failed heartbeats).`);

export function createAgentReportService({ db, pool, bus, notifications, log }: { db: Db; pool: pg.Pool; bus: Bus; notifications: NotificationService; log: Logger }) {
  const taskReports = createTaskReportService({ db, pool, bus, notifications, log });
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
      let synced: { agentId: string; result: { synced: number; changed: number; removed: number } };
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
        synced = { agentId, result: { synced: r.devices.length, changed: res.upserted, removed: res.removed } };
      } catch (err) {
        await client.query("ROLLBACK").catch(() => {});
        throw err;
      } finally {
        client.release();
      }
      // after the client is back in the pool: publishing needs one too
      await bus.publish({ type: "device", agentId: synced.agentId, count: r.devices.length });
      return synced.result;
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

    // the task half of the reporting contract: events and results of runs
    ...taskReports,
  };
}
export type AgentReportService = ReturnType<typeof createAgentReportService>;

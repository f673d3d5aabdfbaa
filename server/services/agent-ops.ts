// Operator actions that call an agent: health, info, connections, templates,
// profiles, probe. Each resolves the agent, calls it through its transport and
// maps failures to messages an operator can act on.
import type pg from "pg";
import type { Db } from "../db/database.ts";
import type { Bus } from "../events/bus.ts";
import { AppError, notFound } from "../errors.ts";
import type { TransportFactory } from "../agents/index.ts";
import type { AgentTransport, ConnectionInput, TemplateKind } from "../agents/transport.ts";

export function createAgentOpsService({ db, pool, bus, transports }: { db: Db; pool: pg.Pool; bus: Bus; transports: TransportFactory }) {
  async function withAgent<T>(agentId: string, fn: (t: AgentTransport, agent: { id: string; name: string; reportMode: string; version: string }) => Promise<T>): Promise<T> {
    const a = await db.agent.findUnique({ where: { id: agentId }, select: { id: true, name: true, host: true, port: true, reportMode: true, version: true } });
    if (!a) throw notFound(`Agent ${agentId}`);
    const t = transports(a);
    try {
      return await fn(t, a);
    } finally {
      t.close();
    }
  }

  return {
    health: (agentId: string) => withAgent(agentId, (t) => t.health()),
    info: (agentId: string) => withAgent(agentId, (t) => t.info()),
    status: (agentId: string) => withAgent(agentId, (t) => t.status()),
    connections: (agentId: string) => withAgent(agentId, (t) => t.listConnections()),
    connection: (agentId: string, name: string) => withAgent(agentId, (t) => t.getConnection(name)),
    saveConnection: (agentId: string, name: string, connection: ConnectionInput, savePassword: boolean) =>
      withAgent(agentId, (t, agent) => {
        refuseInlineConnectionOverGrpc(agent, "save");
        return t.saveConnection(name, connection, savePassword);
      }),
    testConnection: (agentId: string, connection: ConnectionInput & { connection_name?: string }) =>
      withAgent(agentId, (t, agent) => {
        refuseInlineConnectionOverGrpc(agent, "test");
        return t.testConnection(connection);
      }),
    templates: (agentId: string, kind: TemplateKind) => withAgent(agentId, (t) => t.listTemplates(kind)),
    template: (agentId: string, kind: TemplateKind, name: string) => withAgent(agentId, (t) => t.getTemplate(kind, name)),
    saveTemplate: (agentId: string, kind: TemplateKind, name: string, content: string, mode: "create" | "update") =>
      withAgent(agentId, (t) => (mode === "create" ? t.createTemplate(kind, name, content) : t.updateTemplate(kind, name, content))),
    deviceProfiles: (agentId: string) => withAgent(agentId, (t) => t.deviceProfiles()),
    profileModes: (agentId: string, profile: string) => withAgent(agentId, (t) => t.profileModes(profile)),

    /**
     * Asks the agent to probe its connections, then records reachability like a
     * status report: the device rows are upserted and every real change of
     * status (against the row's previous status; a device first seen here was
     * `unknown`) is kept as reachability history, in the same statement.
     */
    async probeDevices(agentId: string, names: string[] | undefined, timeoutSecs: number) {
      return withAgent(agentId, async (t, agent) => {
        const list = names && names.length ? names : (await t.listConnections()).map((c) => String(c.name));
        if (list.length === 0) throw new AppError("FAILED_PRECONDITION", `Agent ${agent.name} has no saved connections to probe.`);
        const res = await t.probeDevices(list, timeoutSecs);
        const client = await pool.connect();
        let counts: { updated: number; changed: number };
        try {
          await client.query("BEGIN");
          // the same per-agent lock as an inventory sync: no one else inserts this
          // agent's devices while we read their previous status
          await client.query("SELECT pg_advisory_xact_lock(hashtext('switchyard.devices'), hashtext($1))", [agent.id]);
          // `old` locks the existing rows in id order (as update-device-status does) and
          // keeps their previous status; `upd` only touches rows `old` already locked,
          // `ins` adds the devices the manager did not know yet.
          const { rows } = await client.query<{ updated: number; changed: number }>(
            `WITH input AS (
               SELECT * FROM unnest($2::text[], $3::text[], $4::int[], $5::text[], $6::bool[], $7::int[], $8::text[]) AS t(name, host, port, profile, reachable, latency, err)
             ), old AS (
               SELECT d.id, d.name, d.status AS old_status FROM devices d
                WHERE d.agent_id = $1 AND d.name IN (SELECT name FROM input)
                ORDER BY d.id FOR UPDATE OF d
             ), upd AS (
               UPDATE devices d SET host = i.host, port = i.port, device_profile = i.profile,
                      status = (CASE WHEN i.reachable THEN 'reachable' ELSE 'unreachable' END)::"DeviceStatus",
                      last_checked_at = now(), latency_ms = i.latency, last_error = i.err, removed_at = NULL, updated_at = now()
                 FROM old JOIN input i ON i.name = old.name
                WHERE d.id = old.id
               RETURNING d.id, d.status, d.latency_ms, d.last_error, old.old_status
             ), ins AS (
               INSERT INTO devices (agent_id, name, host, port, device_profile, status, last_checked_at, latency_ms, last_error, removed_at, updated_at)
               SELECT $1, name, host, port, profile, (CASE WHEN reachable THEN 'reachable' ELSE 'unreachable' END)::"DeviceStatus", now(), latency, err, NULL, now()
                 FROM input i WHERE NOT EXISTS (SELECT 1 FROM old WHERE old.name = i.name) ORDER BY name
               ON CONFLICT (agent_id, name) DO UPDATE SET host = EXCLUDED.host, port = EXCLUDED.port, device_profile = EXCLUDED.device_profile,
                 status = EXCLUDED.status, last_checked_at = now(), latency_ms = EXCLUDED.latency_ms, last_error = EXCLUDED.last_error, removed_at = NULL, updated_at = now()
               RETURNING id, status, latency_ms, last_error, 'unknown'::"DeviceStatus" AS old_status
             ), hist AS (
               INSERT INTO device_status_events (device_id, status, latency_ms, error, at)
               SELECT id, status, latency_ms, last_error, now() FROM (SELECT * FROM upd UNION ALL SELECT * FROM ins) c
                WHERE status IS DISTINCT FROM old_status
               RETURNING 1
             )
             SELECT ((SELECT count(*) FROM upd) + (SELECT count(*) FROM ins))::int AS updated, (SELECT count(*) FROM hist)::int AS changed`,
            [
              agent.id,
              res.results.map((r) => r.name),
              res.results.map((r) => r.host),
              res.results.map((r) => r.port),
              res.results.map((r) => r.device_profile),
              res.results.map((r) => r.reachable),
              res.results.map((r) => (r.latency_ms === undefined ? null : Math.round(r.latency_ms))),
              res.results.map((r) => r.error ?? null),
            ],
          );
          await client.query("COMMIT");
          counts = rows[0] ?? { updated: 0, changed: 0 };
        } catch (err) {
          await client.query("ROLLBACK").catch(() => {});
          throw err;
        } finally {
          client.release();
        }
        // every probed row changed (last checked, latency), status changes included: one live event covers both
        await bus.publish({ type: "device", agentId: agent.id, count: counts.updated });
        return { ...res, synced: counts.updated };
      });
    },
  };
}
export type AgentOpsService = ReturnType<typeof createAgentOpsService>;

/** "0.5.1", "v0.5.0-rc1" → [0, 5]; anything else → null. */
export function majorMinor(version: string): [number, number] | null {
  const m = /^v?(\d+)\.(\d+)/.exec(version.trim());
  return m ? [Number(m[1]), Number(m[2])] : null;
}

/**
 * rauto 0.5 renumbered ConnectionRef's fields without reserving the old numbers
 * (docs/contract-notes.md): a 0.4-shaped message with host, port and
 * credentials would be misread by a 0.5 agent. Dispatch by connection name is
 * unaffected (field 1 kept its meaning); saving or testing inline details over
 * gRPC is refused before anything is sent.
 */
function refuseInlineConnectionOverGrpc(agent: { name: string; reportMode: string; version: string }, action: "save" | "test") {
  const v = majorMinor(agent.version);
  if (agent.reportMode !== "grpc" || !v || v[0] > 0 || v[1] < 5) return;
  throw new AppError(
    "FAILED_PRECONDITION",
    `Agent ${agent.name} runs rauto ${agent.version}, whose gRPC connection message is not the one this manager speaks (0.4); ` +
      `${action === "save" ? "saving" : "testing"} a connection with its details over gRPC would be misread by the agent. ` +
      `${action === "save" ? "Save it" : "Test it"} on the agent itself (rauto's web UI or CLI), then sync its devices; tasks that name the saved connection work as usual.`,
  );
}

// Abuse of the agent reporting contract on both transports: bad input on every
// endpoint and RPC, oversized messages, the authentication matrix, concurrent
// and very large inventory syncs, and reports naming agents the manager does
// not know. Every refusal must name what was wrong, leak nothing of the
// server's internals, and store nothing.
import { status as GrpcStatus } from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startManager, type Manager } from "../../test/helpers/servers.ts";
import { TEST_AGENT_KEY } from "../../test/helpers/app.ts";
import {
  AGENT_ENDPOINTS,
  grpcCall,
  grpcCallWithMetadata,
  rawAgentPost,
  rawGrpcCall,
  reportingClient,
  type InventoryDevice,
  type Reply,
} from "../../test/helpers/agent-emulator.ts";

const LEAK = /prisma|SELECT|INSERT|at .*\.ts:\d+|stack/i;
const JSON_HEADERS = { "content-type": "application/json", authorization: `Bearer ${TEST_AGENT_KEY}`, "x-api-key": TEST_AGENT_KEY };
const HTTP_AGENT = "abuse-http";
const GRPC_AGENT = "abuse-grpc";
const now = () => new Date().toISOString();
type Client = ReturnType<typeof reportingClient>;
type Obj = Record<string, unknown>;

/** Everything an agent report can write, as one comparable value. */
async function stored(mgr: Manager) {
  const { rows } = await mgr.database.pool.query(`
    SELECT (SELECT count(*) FROM agents)::int AS agents,
           (SELECT count(*) FROM devices)::int AS devices,
           (SELECT count(*) FROM device_status_events)::int AS device_status_events,
           (SELECT count(*) FROM agent_error_reports)::int AS agent_error_reports,
           (SELECT count(*) FROM task_events)::int AS task_events,
           (SELECT count(*) FROM notifications)::int AS notifications,
           (SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t.id), '')) FROM agents t) AS agents_rows,
           (SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t.id), '')) FROM devices t) AS devices_rows,
           (SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t.id), '')) FROM tasks t) AS tasks_rows,
           (SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t.id), '')) FROM task_runs t) AS runs_rows`);
  return rows[0] as Obj;
}

async function makeRun(mgr: Manager, agentName: string) {
  const agent = await mgr.database.db.agent.findUniqueOrThrow({ where: { name: agentName } });
  const task = await mgr.database.db.task.create({
    data: { type: "exec", payload: { command: "show version" }, targetSpec: [], deadlineSeconds: 60, runsTotal: 1, status: "running" },
  });
  return mgr.database.db.taskRun.create({
    data: { taskId: task.id, agentId: agent.id, agentName, connection: "d-0", operation: "exec", status: "accepted", deliveredAt: new Date() },
  });
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
/** The message names `field` as the subject of one of its complaints ("Invalid x: a.b must ...; c is required"). */
const namesField = (message: string | undefined, field: string) => new RegExp(`(: |; )${escape(field)} `).test(message ?? "");

const DROP = Symbol("drop");
/** A copy of `body` with the dotted paths set (or removed with DROP). */
function patch(body: Obj, changes: Record<string, unknown>): Obj {
  const out = structuredClone(body);
  for (const [path, value] of Object.entries(changes)) {
    const keys = path.split(".");
    let o = out as Obj;
    for (const k of keys.slice(0, -1)) o = o[k] as Obj;
    const last = keys[keys.length - 1]!;
    if (value === DROP) delete o[last];
    else o[last] = value;
  }
  return out;
}
const nested = (depth: number) => {
  let v: unknown = 1;
  for (let i = 0; i < depth; i++) v = [v];
  return v;
};
const LONG_NAME = "n".repeat(256);

let m: Manager;
let client: Client;
const runs: Record<"http" | "grpc", string> = { http: "", grpc: "" };

beforeAll(async () => {
  m = await startManager();
  client = reportingClient(m.grpcAddress);
  for (const [transport, name] of [["http", HTTP_AGENT], ["grpc", GRPC_AGENT]] as const) {
    const a = m.agent(transport, name);
    expect((await a.register()).ok).toBe(true);
    expect((await a.reportDevices([0, 1, 2].map((i) => ({ name: `d-${i}`, host: `10.0.0.${i}`, port: 22, device_profile: "cisco_ios" })))).ok).toBe(true);
    runs[transport] = (await makeRun(m, name)).id;
  }
});
afterAll(async () => {
  client?.close();
  await m?.close();
});

// ---------------------------------------------------------------- bad input, HTTP

/** A valid body for each endpoint; every one of them would store something. */
const httpBase: Record<string, () => Obj> = {
  register: () => ({ name: "abuse-newcomer", host: "10.1.0.9", port: 8123, version: "0.4.2", capabilities: ["exec"], connections_count: 1, templates_count: 1 }),
  heartbeat: () => ({ name: HTTP_AGENT, status: "online", running_tasks: 1, connections_count: 3, templates_count: 2, uptime_seconds: 99 }),
  offline: () => ({ name: HTTP_AGENT }),
  "report-devices": () => ({ name: HTTP_AGENT, devices: [{ name: "d-0", host: "10.0.0.0", port: 22, device_profile: "cisco_ios" }, { name: "d-9", host: "10.0.0.9", port: 830, device_profile: "juniper" }] }),
  "update-device-status": () => ({ name: HTTP_AGENT, devices: [{ name: "d-0", host: "10.0.0.0", reachable: false }] }),
  "report-error": () => ({ name: HTTP_AGENT, category: "runtime", kind: "device_inventory_sync_failed", severity: "error", occurred_at: now(), retryable: true, message: "boom", task_id: runs.http, http_status: 502, details: { attempt: 1 } }),
  "report-task-event": () => ({ task_id: runs.http, agent_name: HTTP_AGENT, event_type: "progress", message: "half way", level: "info", occurred_at: now(), stage: "apply", progress: 50, details: { i: 1 } }),
  "report-task-callback": () => ({
    task_id: runs.http, agent_name: HTTP_AGENT, status: "success", started_at: now(), completed_at: now(), execution_time_ms: 10,
    result_summary: { operation: "exec", outcome: "success", success: true, summary: "ok", counts: { total: 1, succeeded: 1, failed: 0 } }, result: { outputs: [] },
  }),
};

interface HttpCase {
  path: string;
  label: string;
  /** a raw body string, or the changes to the endpoint's valid body */
  body: string | Record<string, unknown>;
  /** the field the answer must name; null for a body that is not JSON at all */
  field: string | null;
}

const nameField = (path: string) => (path.startsWith("report-task") ? "agent_name" : "name");
const httpCases: HttpCase[] = [
  // every endpoint: not JSON, not an object, the agent's name wrong
  ...AGENT_ENDPOINTS.flatMap(({ path }): HttpCase[] => [
    { path, label: "malformed JSON", body: '{"name": "x",', field: null },
    { path, label: "JSON with a trailing comma", body: '{"name": "x",}', field: null },
    { path, label: "an array instead of an object", body: "[]", field: "(body)" },
    { path, label: "a string instead of an object", body: '"hello"', field: "(body)" },
    { path, label: "null instead of an object", body: "null", field: "(body)" },
    { path, label: "name missing", body: { [nameField(path)]: DROP }, field: nameField(path) },
    { path, label: "name a number", body: { [nameField(path)]: 42 }, field: nameField(path) },
    { path, label: "name blank", body: { [nameField(path)]: "   " }, field: nameField(path) },
    { path, label: "name longer than 255", body: { [nameField(path)]: LONG_NAME }, field: nameField(path) },
    { path, label: "name with a NUL character", body: { [nameField(path)]: "abuse\u0000http" }, field: nameField(path) },
  ]),
  { path: "register", label: "host missing", body: { host: DROP }, field: "host" },
  { path: "register", label: "host a number", body: { host: 10 }, field: "host" },
  { path: "register", label: "port missing", body: { port: DROP }, field: "port" },
  { path: "register", label: "port a string", body: { port: "8123" }, field: "port" },
  { path: "register", label: "port negative", body: { port: -1 }, field: "port" },
  { path: "register", label: "port 0", body: { port: 0 }, field: "port" },
  { path: "register", label: "port 70000", body: { port: 70_000 }, field: "port" },
  { path: "register", label: "port fractional", body: { port: 8123.5 }, field: "port" },
  { path: "register", label: "capabilities not a list", body: { capabilities: "exec" }, field: "capabilities" },
  { path: "register", label: "capabilities of numbers", body: { capabilities: [1] }, field: "capabilities.0" },
  { path: "register", label: "version a number", body: { version: 4 }, field: "version" },
  { path: "register", label: "connections_count negative", body: { connections_count: -1 }, field: "connections_count" },
  { path: "register", label: "connections_count over u32", body: { connections_count: 2 ** 32 }, field: "connections_count" },
  { path: "register", label: "templates_count absurd", body: { templates_count: 1e20 }, field: "templates_count" },
  { path: "register", label: "connections_count past the stored 32-bit range", body: { connections_count: 2 ** 31 }, field: "connections_count" },
  { path: "heartbeat", label: "running_tasks negative", body: { running_tasks: -1 }, field: "running_tasks" },
  { path: "heartbeat", label: "running_tasks a string", body: { running_tasks: "1" }, field: "running_tasks" },
  { path: "heartbeat", label: "running_tasks over u32", body: { running_tasks: 2 ** 32 }, field: "running_tasks" },
  { path: "heartbeat", label: "running_tasks past the stored 32-bit range", body: { running_tasks: 2 ** 31 }, field: "running_tasks" },
  { path: "heartbeat", label: "connections_count negative", body: { connections_count: -5 }, field: "connections_count" },
  { path: "heartbeat", label: "templates_count over u32", body: { templates_count: 5e9 }, field: "templates_count" },
  { path: "heartbeat", label: "uptime_seconds negative", body: { uptime_seconds: -1 }, field: "uptime_seconds" },
  { path: "heartbeat", label: "uptime_seconds 2^64", body: { uptime_seconds: 2 ** 64 }, field: "uptime_seconds" },
  { path: "heartbeat", label: "uptime_seconds fractional", body: { uptime_seconds: 1.5 }, field: "uptime_seconds" },
  { path: "heartbeat", label: "status a number", body: { status: 7 }, field: "status" },
  { path: "report-devices", label: "devices missing", body: { devices: DROP }, field: "devices" },
  { path: "report-devices", label: "devices an object", body: { devices: {} }, field: "devices" },
  { path: "report-devices", label: "a device that is a string", body: { devices: ["sw-1"] }, field: "devices.0" },
  { path: "report-devices", label: "device name missing", body: { "devices.0.name": DROP }, field: "devices.0.name" },
  { path: "report-devices", label: "device host missing", body: { "devices.1.host": DROP }, field: "devices.1.host" },
  { path: "report-devices", label: "device host with a NUL character", body: { "devices.1.host": "10.0.0.9\u0000" }, field: "devices.1.host" },
  { path: "report-devices", label: "device port a string", body: { "devices.0.port": "22" }, field: "devices.0.port" },
  { path: "report-devices", label: "device port negative", body: { "devices.0.port": -22 }, field: "devices.0.port" },
  { path: "report-devices", label: "device port 70000", body: { "devices.1.port": 70_000 }, field: "devices.1.port" },
  { path: "report-devices", label: "device_profile a number", body: { "devices.0.device_profile": 5 }, field: "devices.0.device_profile" },
  { path: "report-devices", label: "duplicate device names", body: { "devices.1.name": "d-0" }, field: "devices.1.name" },
  { path: "update-device-status", label: "devices missing", body: { devices: DROP }, field: "devices" },
  { path: "update-device-status", label: "reachable a string", body: { "devices.0.reachable": "yes" }, field: "devices.0.reachable" },
  { path: "update-device-status", label: "reachable missing", body: { "devices.0.reachable": DROP }, field: "devices.0.reachable" },
  { path: "update-device-status", label: "device name a number", body: { "devices.0.name": 7 }, field: "devices.0.name" },
  { path: "update-device-status", label: "duplicate device names", body: { devices: [{ name: "d-1", host: "", reachable: true }, { name: "d-1", host: "", reachable: false }] }, field: "devices.1.name" },
  { path: "report-error", label: "unknown category", body: { category: "network" }, field: "category" },
  { path: "report-error", label: "category missing", body: { category: DROP }, field: "category" },
  { path: "report-error", label: "unknown severity", body: { severity: "critical" }, field: "severity" },
  { path: "report-error", label: "severity in capitals", body: { severity: "ERROR" }, field: "severity" },
  { path: "report-error", label: "kind empty", body: { kind: "" }, field: "kind" },
  { path: "report-error", label: "kind missing", body: { kind: DROP }, field: "kind" },
  { path: "report-error", label: "occurred_at not a timestamp", body: { occurred_at: "yesterday" }, field: "occurred_at" },
  { path: "report-error", label: "occurred_at in year 0000", body: { occurred_at: "0000-01-01T00:00:00Z" }, field: "occurred_at" },
  { path: "report-error", label: "occurred_at missing", body: { occurred_at: DROP }, field: "occurred_at" },
  { path: "report-error", label: "retryable a string", body: { retryable: "true" }, field: "retryable" },
  { path: "report-error", label: "retryable missing", body: { retryable: DROP }, field: "retryable" },
  { path: "report-error", label: "message missing", body: { message: DROP }, field: "message" },
  { path: "report-error", label: "message a number", body: { message: 5 }, field: "message" },
  { path: "report-error", label: "http_status 700", body: { http_status: 700 }, field: "http_status" },
  { path: "report-error", label: "http_status negative", body: { http_status: -1 }, field: "http_status" },
  { path: "report-error", label: "http_status fractional", body: { http_status: 99.5 }, field: "http_status" },
  { path: "report-error", label: "task_id a number", body: { task_id: 5 }, field: "task_id" },
  { path: "report-error", label: "details with a NUL character", body: { details: { note: "a\u0000b" } }, field: "details" },
  { path: "report-error", label: "details with a NUL character in a key", body: { details: { "k\u0000": 1 } }, field: "details" },
  { path: "report-error", label: "details with an unpaired surrogate", body: { details: ["\ud800"] }, field: "details" },
  { path: "report-error", label: "details nested 150 deep", body: { details: nested(150) }, field: "details" },
  { path: "report-task-event", label: "task_id missing", body: { task_id: DROP }, field: "task_id" },
  { path: "report-task-event", label: "task_id empty", body: { task_id: "" }, field: "task_id" },
  { path: "report-task-event", label: "unknown event_type", body: { event_type: "exploded" }, field: "event_type" },
  { path: "report-task-event", label: "event_type missing", body: { event_type: DROP }, field: "event_type" },
  { path: "report-task-event", label: "unknown level", body: { level: "fatal" }, field: "level" },
  { path: "report-task-event", label: "level in capitals", body: { level: "INFO" }, field: "level" },
  { path: "report-task-event", label: "message missing", body: { message: DROP }, field: "message" },
  { path: "report-task-event", label: "occurred_at month 13", body: { occurred_at: "2024-13-01T00:00:00Z" }, field: "occurred_at" },
  { path: "report-task-event", label: "occurred_at without an offset", body: { occurred_at: "2024-05-01 10:00:00" }, field: "occurred_at" },
  { path: "report-task-event", label: "progress 101", body: { progress: 101 }, field: "progress" },
  { path: "report-task-event", label: "progress negative", body: { progress: -1 }, field: "progress" },
  { path: "report-task-event", label: "progress a string", body: { progress: "50" }, field: "progress" },
  { path: "report-task-event", label: "stage a number", body: { stage: 3 }, field: "stage" },
  { path: "report-task-event", label: "details with an unpaired surrogate", body: { details: { s: "\udc00x" } }, field: "details" },
  { path: "report-task-callback", label: "status running (not a final status)", body: { status: "running" }, field: "status" },
  { path: "report-task-callback", label: "unknown status", body: { status: "exploded" }, field: "status" },
  { path: "report-task-callback", label: "status missing", body: { status: DROP }, field: "status" },
  { path: "report-task-callback", label: "started_at not a timestamp", body: { started_at: "now" }, field: "started_at" },
  { path: "report-task-callback", label: "completed_at missing", body: { completed_at: DROP }, field: "completed_at" },
  { path: "report-task-callback", label: "execution_time_ms negative", body: { execution_time_ms: -1 }, field: "execution_time_ms" },
  { path: "report-task-callback", label: "execution_time_ms 2^64", body: { execution_time_ms: 2 ** 64 }, field: "execution_time_ms" },
  { path: "report-task-callback", label: "execution_time_ms a string", body: { execution_time_ms: "10" }, field: "execution_time_ms" },
  { path: "report-task-callback", label: "execution_time_ms missing", body: { execution_time_ms: DROP }, field: "execution_time_ms" },
  { path: "report-task-callback", label: "result_summary a string", body: { result_summary: "done" }, field: "result_summary" },
  { path: "report-task-callback", label: "unknown result_summary.outcome", body: { "result_summary.outcome": "great" }, field: "result_summary.outcome" },
  { path: "report-task-callback", label: "negative result_summary.counts.total", body: { "result_summary.counts.total": -3 }, field: "result_summary.counts.total" },
  { path: "report-task-callback", label: "result_summary with a NUL in an extra key's value", body: { "result_summary.extra": "x\u0000" }, field: "result_summary" },
  { path: "report-task-callback", label: "error a number", body: { error: 5 }, field: "error" },
  { path: "report-task-callback", label: "result nested 150 deep", body: { result: nested(150) }, field: "result" },
];

describe("bad input over HTTP: 400 naming the field, nothing stored", () => {
  let before: Obj;
  beforeAll(async () => {
    before = await stored(m);
  });

  it.each(httpCases)("$path: $label", async ({ path, body, field }) => {
    const raw = typeof body === "string" ? body : JSON.stringify(patch(httpBase[path]!(), body));
    const res = await rawAgentPost(m.web.url, path, raw, JSON_HEADERS);
    expect(res.text).not.toMatch(LEAK);
    const parsed = JSON.parse(res.text) as { success: boolean; error: string; fields?: { path: string }[] };
    expect({ status: res.status, success: parsed.success }).toEqual({ status: 400, success: false });
    if (field === null) expect(parsed.error).toBe("Malformed JSON body.");
    else {
      expect(namesField(parsed.error, field), parsed.error).toBe(true);
      expect(parsed.fields?.map((f) => f.path)).toContain(field);
    }
    expect(await stored(m)).toEqual(before);
  });
});

// ---------------------------------------------------------------- bad input, gRPC

const json = (v: unknown) => JSON.stringify(v);
const grpcBase: Record<string, () => Obj> = {
  RegisterAgent: () => ({ name: "abuse-grpc-newcomer", host: "10.1.0.10", port: 8123, version: "0.4.2", capabilities: ["exec"], connections_count: 1, templates_count: 1 }),
  SendHeartbeat: () => ({ name: GRPC_AGENT, status: "online", running_tasks: 1, connections_count: 3, templates_count: 2, uptime_seconds: "99" }),
  NotifyOffline: () => ({ name: GRPC_AGENT }),
  ReportDevices: () => ({ name: GRPC_AGENT, devices: [{ name: "d-0", host: "10.0.0.0", port: 22, device_profile: "cisco_ios" }, { name: "d-9", host: "10.0.0.9", port: 830, device_profile: "juniper" }] }),
  UpdateDeviceStatus: () => ({ name: GRPC_AGENT, devices: [{ name: "d-0", host: "10.0.0.0", reachable: true }] }),
  ReportError: () => ({ name: GRPC_AGENT, category: "runtime", kind: "device_inventory_sync_failed", severity: "error", occurred_at: now(), retryable: true, message: "boom", task_id: runs.grpc, http_status: 502, details_json: json({ attempt: 1 }) }),
  ReportTaskEvent: () => ({ task_id: runs.grpc, agent_name: GRPC_AGENT, event_type: "progress", message: "half way", level: "info", occurred_at: now(), stage: "apply", progress: 50, details_json: json({ i: 1 }) }),
  ReportTaskCallback: () => ({
    agent_name: GRPC_AGENT, task_id: runs.grpc, status: "success", started_at: now(), completed_at: now(), execution_time_ms: "10",
    result_json: json({ outputs: [] }), result_summary_json: json({ operation: "exec", outcome: "success", success: true, summary: "ok" }),
  }),
};

interface GrpcCase {
  rpc: string;
  label: string;
  req: Record<string, unknown>;
  field: string;
}

const rpcName = (rpc: string) => (rpc.startsWith("ReportTask") ? "agent_name" : "name");
const grpcCases: GrpcCase[] = [
  ...AGENT_ENDPOINTS.flatMap(({ rpc }): GrpcCase[] => [
    // proto3: an empty string is not sent at all, so this is also "name empty"
    { rpc, label: "name missing", req: { [rpcName(rpc)]: DROP }, field: rpcName(rpc) },
    { rpc, label: "name blank", req: { [rpcName(rpc)]: "  " }, field: rpcName(rpc) },
    { rpc, label: "name longer than 255", req: { [rpcName(rpc)]: LONG_NAME }, field: rpcName(rpc) },
    { rpc, label: "name with a NUL character", req: { [rpcName(rpc)]: "abuse\u0000grpc" }, field: rpcName(rpc) },
  ]),
  { rpc: "RegisterAgent", label: "host missing", req: { host: DROP }, field: "host" },
  { rpc: "RegisterAgent", label: "port missing", req: { port: DROP }, field: "port" },
  { rpc: "RegisterAgent", label: "port 70000", req: { port: 70_000 }, field: "port" },
  // uint32 cannot carry -1 or text: the client encodes them as 4294967295 and 0
  { rpc: "RegisterAgent", label: "port negative", req: { port: -1 }, field: "port" },
  { rpc: "RegisterAgent", label: "port not a number", req: { port: "http" }, field: "port" },
  { rpc: "RegisterAgent", label: "connections_count past the stored 32-bit range", req: { connections_count: 2 ** 31 }, field: "connections_count" },
  { rpc: "RegisterAgent", label: "capability with a NUL character", req: { capabilities: ["exec\u0000"] }, field: "capabilities.0" },
  { rpc: "SendHeartbeat", label: "running_tasks negative (4294967295 on the wire)", req: { running_tasks: -1 }, field: "running_tasks" },
  { rpc: "SendHeartbeat", label: "templates_count u32 max", req: { templates_count: 4_294_967_295 }, field: "templates_count" },
  { rpc: "SendHeartbeat", label: "uptime_seconds u64 max", req: { uptime_seconds: "18446744073709551615" }, field: "uptime_seconds" },
  { rpc: "SendHeartbeat", label: "uptime_seconds negative", req: { uptime_seconds: "-1" }, field: "uptime_seconds" },
  { rpc: "ReportDevices", label: "device port 70000", req: { "devices.1.port": 70_000 }, field: "devices.1.port" },
  { rpc: "ReportDevices", label: "device port negative", req: { "devices.0.port": -22 }, field: "devices.0.port" },
  { rpc: "ReportDevices", label: "device port missing", req: { "devices.0.port": DROP }, field: "devices.0.port" },
  { rpc: "ReportDevices", label: "device host missing", req: { "devices.1.host": DROP }, field: "devices.1.host" },
  { rpc: "ReportDevices", label: "device name missing", req: { "devices.0.name": DROP }, field: "devices.0.name" },
  { rpc: "ReportDevices", label: "duplicate device names", req: { "devices.1.name": "d-0" }, field: "devices.1.name" },
  { rpc: "UpdateDeviceStatus", label: "device name missing", req: { "devices.0.name": DROP }, field: "devices.0.name" },
  { rpc: "UpdateDeviceStatus", label: "duplicate device names", req: { devices: [{ name: "d-1", reachable: true }, { name: "d-1", reachable: false }] }, field: "devices.1.name" },
  { rpc: "ReportError", label: "unknown category", req: { category: "network" }, field: "category" },
  { rpc: "ReportError", label: "category missing", req: { category: DROP }, field: "category" },
  { rpc: "ReportError", label: "unknown severity", req: { severity: "critical" }, field: "severity" },
  { rpc: "ReportError", label: "kind missing", req: { kind: DROP }, field: "kind" },
  { rpc: "ReportError", label: "occurred_at not a timestamp", req: { occurred_at: "yesterday" }, field: "occurred_at" },
  { rpc: "ReportError", label: "occurred_at missing", req: { occurred_at: DROP }, field: "occurred_at" },
  { rpc: "ReportError", label: "http_status 700", req: { http_status: 700 }, field: "http_status" },
  { rpc: "ReportError", label: "http_status 0", req: { http_status: 0 }, field: "http_status" },
  { rpc: "ReportError", label: "details_json not JSON", req: { details_json: "{not json" }, field: "details_json" },
  { rpc: "ReportError", label: "details_json with a NUL character", req: { details_json: '{"a":"\\u0000"}' }, field: "details" },
  { rpc: "ReportError", label: "details_json nested 150 deep", req: { details_json: json(nested(150)) }, field: "details" },
  { rpc: "ReportTaskEvent", label: "unknown event_type", req: { event_type: "exploded" }, field: "event_type" },
  { rpc: "ReportTaskEvent", label: "event_type missing", req: { event_type: DROP }, field: "event_type" },
  { rpc: "ReportTaskEvent", label: "unknown level", req: { level: "fatal" }, field: "level" },
  { rpc: "ReportTaskEvent", label: "task_id missing", req: { task_id: DROP }, field: "task_id" },
  { rpc: "ReportTaskEvent", label: "occurred_at 30 February", req: { occurred_at: "2024-02-30T00:00:00Z" }, field: "occurred_at" },
  { rpc: "ReportTaskEvent", label: "progress 101", req: { progress: 101 }, field: "progress" },
  { rpc: "ReportTaskEvent", label: "progress negative (4294967295 on the wire)", req: { progress: -1 }, field: "progress" },
  { rpc: "ReportTaskEvent", label: "details_json not JSON", req: { details_json: "nope" }, field: "details_json" },
  { rpc: "ReportTaskCallback", label: "status running (not a final status)", req: { status: "running" }, field: "status" },
  { rpc: "ReportTaskCallback", label: "status in capitals", req: { status: "SUCCESS" }, field: "status" },
  { rpc: "ReportTaskCallback", label: "status missing", req: { status: DROP }, field: "status" },
  { rpc: "ReportTaskCallback", label: "started_at missing", req: { started_at: DROP }, field: "started_at" },
  { rpc: "ReportTaskCallback", label: "completed_at not a timestamp", req: { completed_at: "soon" }, field: "completed_at" },
  { rpc: "ReportTaskCallback", label: "execution_time_ms u64 max", req: { execution_time_ms: "18446744073709551615" }, field: "execution_time_ms" },
  { rpc: "ReportTaskCallback", label: "execution_time_ms negative", req: { execution_time_ms: "-1" }, field: "execution_time_ms" },
  { rpc: "ReportTaskCallback", label: "result_json not JSON", req: { result_json: "{" }, field: "result_json" },
  { rpc: "ReportTaskCallback", label: "result_summary_json not JSON", req: { result_summary_json: "{oops" }, field: "result_summary_json" },
  { rpc: "ReportTaskCallback", label: "result_summary_json a string", req: { result_summary_json: json("done") }, field: "result_summary" },
  { rpc: "ReportTaskCallback", label: "unknown result_summary outcome", req: { result_summary_json: json({ outcome: "great" }) }, field: "result_summary.outcome" },
  { rpc: "ReportTaskCallback", label: "result_summary success not a boolean", req: { result_summary_json: json({ success: "yes" }) }, field: "result_summary.success" },
  { rpc: "ReportTaskCallback", label: "negative result_summary counts", req: { result_summary_json: json({ counts: { total: -3 } }) }, field: "result_summary.counts.total" },
];

describe("bad input over gRPC: INVALID_ARGUMENT naming the field, nothing stored", () => {
  let before: Obj;
  beforeAll(async () => {
    before = await stored(m);
  });

  it.each(grpcCases)("$rpc: $label", async ({ rpc, req, field }) => {
    const r = await grpcCall(client, rpc, patch(grpcBase[rpc]!(), req), TEST_AGENT_KEY);
    expect(r.message ?? "").not.toMatch(LEAK);
    expect(r.code, r.message).toBe(GrpcStatus.INVALID_ARGUMENT);
    expect(namesField(r.message, field), r.message).toBe(true);
    expect(await stored(m)).toEqual(before);
  });

  // Bytes that are not the message at all (a string where a uint32 belongs, a
  // length running past the end). grpc-js refuses them itself, before any
  // handler runs, so the code is its own (INTERNAL); what matters here is
  // that nothing gets through and nothing leaks.
  it.each(AGENT_ENDPOINTS.map((e) => e.rpc))("%s: undecodable protobuf is refused", async (rpc) => {
    const bytes = Buffer.from([0x0a, 0x05, 0x61, 0x62, 0x75, 0x73, 0x65, 0x1a, 0x03, 0x61, 0x62, 0x63, 0x12, 0x7f, 0x00]);
    const r = await rawGrpcCall(client, rpc, bytes, TEST_AGENT_KEY);
    expect(r.ok).toBe(false);
    expect([GrpcStatus.INVALID_ARGUMENT, GrpcStatus.INTERNAL]).toContain(r.code);
    expect(r.message ?? "").not.toMatch(LEAK);
    expect(await stored(m)).toEqual(before);
  });
});

describe("the valid bodies used above are accepted (so the refusals were about the bad field)", () => {
  it("JSON nested 100 deep is still stored on both transports", async () => {
    const ok = await rawAgentPost(m.web.url, "report-error", JSON.stringify({ ...httpBase["report-error"]!(), task_id: undefined, details: nested(100) }), JSON_HEADERS);
    expect(ok.status).toBe(202);
    const g = await grpcCall(client, "ReportError", { ...grpcBase.ReportError!(), task_id: undefined, severity: "warning", details_json: json(nested(100)) }, TEST_AGENT_KEY);
    expect(g.code, g.message).toBe(GrpcStatus.OK);
  });

  it.each(AGENT_ENDPOINTS)("$path / $rpc", async ({ path, rpc }) => {
    const before = await stored(m);
    const h = await rawAgentPost(m.web.url, path, JSON.stringify(httpBase[path]!()), JSON_HEADERS);
    expect(h.status, h.text).toBe(path === "register" ? 201 : path === "report-error" ? 202 : 200);
    const g = await grpcCall(client, rpc, grpcBase[rpc]!(), TEST_AGENT_KEY);
    expect(g.code, g.message).toBe(GrpcStatus.OK);
    expect(await stored(m)).not.toEqual(before);
  });
});

// ---------------------------------------------------------------- oversized

describe("oversized reports", () => {
  let small: Manager;
  let smallClient: Client;
  const devices = (n: number, prefix = "big"): InventoryDevice[] =>
    Array.from({ length: n }, (_, i) => ({ name: `${prefix}-device-${String(i).padStart(6, "0")}`, host: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`, port: 22, device_profile: "cisco_ios" }));
  beforeAll(async () => {
    small = await startManager({ AGENT_HTTP_BODY_LIMIT: "64kb", MANAGER_GRPC_MAX_MESSAGE_BYTES: "65536" });
    smallClient = reportingClient(small.grpcAddress);
    expect((await small.agent("http", "small-http").register()).ok).toBe(true);
    expect((await small.agent("grpc", "small-grpc").register()).ok).toBe(true);
  });
  afterAll(async () => {
    smallClient?.close();
    await small?.close();
  });

  it("HTTP: a body over AGENT_HTTP_BODY_LIMIT is refused with 413 and nothing is stored", async () => {
    const before = await stored(small);
    const body = JSON.stringify({ name: "small-http", devices: devices(2000) });
    expect(body.length).toBeGreaterThan(64 * 1024);
    const res = await rawAgentPost(small.web.url, "report-devices", body, JSON_HEADERS);
    expect(res.status).toBe(413);
    expect(res.text).not.toMatch(LEAK);
    expect(JSON.parse(res.text)).toEqual({ success: false, error: "Body larger than AGENT_HTTP_BODY_LIMIT (64kb)." });
    expect(await stored(small)).toEqual(before);
    // the limit is what refused it: a report under it goes through
    const fits = JSON.stringify({ name: "small-http", devices: devices(300) });
    expect(fits.length).toBeLessThan(64 * 1024);
    const ok = await rawAgentPost(small.web.url, "report-devices", fits, JSON_HEADERS);
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.text)).toMatchObject({ success: true, data: { synced: 300 } });
  });

  it("HTTP: an oversized body without a token is refused as unauthenticated, unread", async () => {
    const before = await stored(small);
    const res = await rawAgentPost(small.web.url, "report-devices", JSON.stringify({ name: "small-http", devices: devices(2000) }), { "content-type": "application/json" });
    expect(res.status).toBe(401);
    expect(await stored(small)).toEqual(before);
  });

  it("gRPC: a message over MANAGER_GRPC_MAX_MESSAGE_BYTES is RESOURCE_EXHAUSTED and nothing is stored", async () => {
    const before = await stored(small);
    const r = await grpcCall(smallClient, "ReportDevices", { name: "small-grpc", devices: devices(2000) }, TEST_AGENT_KEY);
    expect(r.code, r.message).toBe(GrpcStatus.RESOURCE_EXHAUSTED);
    expect(r.message).toMatch(/^Received message larger than max \(\d+ vs 65536\)$/);
    expect(r.message ?? "").not.toMatch(LEAK);
    expect(await stored(small)).toEqual(before);
    const ok = await grpcCall(smallClient, "ReportDevices", { name: "small-grpc", devices: devices(300) }, TEST_AGENT_KEY);
    expect(ok).toMatchObject({ ok: true, body: { success: true, synced: 300 } });
  });
});

// ---------------------------------------------------------------- authentication

interface AuthCase {
  label: string;
  headers: Record<string, string>;
  /** null: accepted; otherwise the refusal's message */
  refused: RegExp | null;
}
const WRONG = "wrong-key-0123456789abcdef-wrong";
const authCases: AuthCase[] = [
  { label: "no token", headers: {}, refused: /^Missing agent token/ },
  { label: "wrong token in both headers", headers: { authorization: `Bearer ${WRONG}`, "x-api-key": WRONG }, refused: /^Invalid agent token\.$/ },
  { label: "wrong token as Bearer only", headers: { authorization: `Bearer ${WRONG}` }, refused: /^Invalid agent token\.$/ },
  { label: "wrong token as X-API-Key only", headers: { "x-api-key": WRONG }, refused: /^Invalid agent token\.$/ },
  { label: "the token in other letter case", headers: { "x-api-key": TEST_AGENT_KEY.toUpperCase() }, refused: /^Invalid agent token\.$/ },
  { label: "a prefix of the token", headers: { "x-api-key": TEST_AGENT_KEY.slice(0, -1) }, refused: /^Invalid agent token\.$/ },
  { label: "Bearer with no token", headers: { authorization: "Bearer " }, refused: /^Missing agent token/ },
  { label: "the token without the Bearer scheme", headers: { authorization: TEST_AGENT_KEY }, refused: /^Missing agent token/ },
  { label: "the token as Basic credentials", headers: { authorization: `Basic ${Buffer.from(`agent:${TEST_AGENT_KEY}`).toString("base64")}` }, refused: /^Missing agent token/ },
  { label: "only Authorization: Bearer", headers: { authorization: `Bearer ${TEST_AGENT_KEY}` }, refused: null },
  { label: "only X-API-Key", headers: { "x-api-key": TEST_AGENT_KEY }, refused: null },
  { label: "both headers (as rauto sends them)", headers: { authorization: `Bearer ${TEST_AGENT_KEY}`, "x-api-key": TEST_AGENT_KEY }, refused: null },
  { label: "lower-case bearer", headers: { authorization: `bearer ${TEST_AGENT_KEY}` }, refused: null },
];

describe("authentication", () => {
  it.each(authCases.map((c, i) => ({ ...c, i })))("HTTP and gRPC: $label", async ({ headers, refused, i }) => {
    const names = { http: `auth-http-${i}`, grpc: `auth-grpc-${i}` };
    const before = await stored(m);
    const h = await rawAgentPost(m.web.url, "register", JSON.stringify({ name: names.http, host: "10.2.0.1", port: 8123 }), { "content-type": "application/json", ...headers });
    const g = await grpcCallWithMetadata(client, "RegisterAgent", { name: names.grpc, host: "10.2.0.1", port: 8123 }, headers);
    expect(h.text).not.toMatch(LEAK);
    expect(g.message ?? "").not.toMatch(LEAK);
    if (refused) {
      expect(h.status).toBe(401);
      expect((JSON.parse(h.text) as { error: string }).error).toMatch(refused);
      expect(g.code).toBe(GrpcStatus.UNAUTHENTICATED);
      expect(g.message).toMatch(refused);
      expect(await stored(m)).toEqual(before);
    } else {
      expect(h.status, h.text).toBe(201);
      expect(g.code, g.message).toBe(GrpcStatus.OK);
      expect(await m.database.db.agent.count({ where: { name: { in: [names.http, names.grpc] } } })).toBe(2);
    }
  });

  it.each(AGENT_ENDPOINTS)("$path / $rpc without a token: 401 / UNAUTHENTICATED, nothing stored", async ({ path, rpc }) => {
    const before = await stored(m);
    const h = await rawAgentPost(m.web.url, path, JSON.stringify(httpBase[path]!()), { "content-type": "application/json" });
    expect(h.status).toBe(401);
    const g = await grpcCall(client, rpc, grpcBase[rpc]!(), null);
    expect(g.code).toBe(GrpcStatus.UNAUTHENTICATED);
    expect(await stored(m)).toEqual(before);
  });

  describe("a manager without AGENT_API_KEY", () => {
    let open: Manager;
    let openClient: Client;
    beforeAll(async () => {
      open = await startManager({ AGENT_API_KEY: "" });
      openClient = reportingClient(open.grpcAddress);
    });
    afterAll(async () => {
      openClient?.close();
      await open?.close();
    });

    it.each(AGENT_ENDPOINTS)("refuses $path / $rpc even with a token, and says why", async ({ path, rpc }) => {
      const before = await stored(open);
      for (const headers of [JSON_HEADERS, { "content-type": "application/json" }]) {
        const h = await rawAgentPost(open.web.url, path, JSON.stringify(httpBase[path]!()), headers);
        expect(h.status).toBe(401);
        expect((JSON.parse(h.text) as { error: string }).error).toMatch(/no AGENT_API_KEY configured/);
      }
      for (const token of [TEST_AGENT_KEY, null]) {
        const g = await grpcCall(openClient, rpc, grpcBase[rpc]!(), token);
        expect(g.code).toBe(GrpcStatus.UNAUTHENTICATED);
        expect(g.message).toMatch(/no AGENT_API_KEY configured/);
      }
      expect(await stored(open)).toEqual(before);
    });
  });
});

// ---------------------------------------------------------------- concurrency and scale

const inventory = (names: string[], tag: string): InventoryDevice[] => names.map((n, i) => ({ name: n, host: `10.${tag}.${i >> 8}.${i & 255}`, port: 22, device_profile: `profile-${tag}` }));
const liveSet = async (agentName: string) => {
  const { rows } = await m.database.pool.query<{ name: string; host: string; port: number; device_profile: string }>(
    `SELECT d.name, d.host, d.port, d.device_profile FROM devices d JOIN agents a ON a.id = d.agent_id
      WHERE a.name = $1 AND d.removed_at IS NULL ORDER BY d.name`,
    [agentName],
  );
  return rows;
};
const byName = (devs: InventoryDevice[]) => [...devs].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));

describe("concurrent inventory syncs for one agent", () => {
  it("8 reports at once over both transports: all succeed, no duplicates, the result is exactly one of them", async () => {
    const name = "race-agent";
    const viaHttp = m.agent("http", name);
    const viaGrpc = m.agent("grpc", name);
    expect((await viaHttp.register()).ok).toBe(true);
    for (let round = 0; round < 3; round++) {
      // overlapping sets: every device name is in several of them, with a different host each time
      const sets = Array.from({ length: 8 }, (_, k) => inventory(Array.from({ length: 40 + k * 10 }, (_, j) => `race-${String(k * 7 + j).padStart(4, "0")}`), `${round * 8 + k}`));
      const replies = await Promise.all(sets.map((set, k) => (k % 2 ? viaGrpc : viaHttp).reportDevices(set)));
      replies.forEach((r, k) => {
        expect(r.ok, r.message).toBe(true);
        const synced = k % 2 ? (r.body as { synced: number }).synced : (r.body as { data: { synced: number } }).data.synced;
        expect(synced).toBe(sets[k]!.length);
      });
      const { rows: dupes } = await m.database.pool.query(
        "SELECT d.name, count(*)::int AS n FROM devices d JOIN agents a ON a.id = d.agent_id WHERE a.name = $1 GROUP BY d.agent_id, d.name HAVING count(*) <> 1",
        [name],
      );
      expect(dupes).toEqual([]);
      const live = await liveSet(name);
      const matches = sets.filter((s) => JSON.stringify(byName(s)) === JSON.stringify(live));
      expect(matches.length, `round ${round}: the live inventory is not one of the submitted sets`).toBe(1);
      // every name ever reported exists once; the ones not in the winning set are marked removed
      const all = new Set(sets.flat().map((d) => d.name));
      const { rows: total } = await m.database.pool.query<{ n: number; removed: number }>(
        "SELECT count(*)::int AS n, count(*) FILTER (WHERE d.removed_at IS NOT NULL)::int AS removed FROM devices d JOIN agents a ON a.id = d.agent_id WHERE a.name = $1",
        [name],
      );
      expect(total[0]).toEqual({ n: all.size, removed: all.size - live.length });
    }
  });
});

describe("concurrent heartbeats (they share statements)", () => {
  it("many agents at once over both transports: each row gets one of its own values, unknown agents get 404, a returning agent is announced once", async () => {
    const names = Array.from({ length: 20 }, (_, i) => `hb-${String(i).padStart(2, "0")}`);
    for (const n of names) expect((await m.agent("http", n).register()).ok).toBe(true);
    expect((await m.agent("grpc", names[0]!).offline()).ok).toBe(true);
    const ids = new Map((await m.database.db.agent.findMany({ where: { name: { in: names } } })).map((a) => [a.name, a.id]));
    const before = await stored(m);
    const ghosts = Array.from({ length: 5 }, (_, j) => m.agent(j % 2 ? "grpc" : "http", `hb-ghost-${j}`));
    const calls = names.flatMap((n, i) => [0, 1, 2].map((k) => ({ n, i, k, a: m.agent((i + k) % 2 ? "grpc" : "http", n) })));
    const [replies, ghostReplies] = await Promise.all([
      Promise.all(calls.map(({ i, k, a }) => a.heartbeat({ running_tasks: i * 10 + k, connections_count: i, templates_count: k, uptime_seconds: 1000 + i }))),
      Promise.all(ghosts.map((g) => g.heartbeat())),
    ]);
    replies.forEach((r) => expect(r.ok, r.message).toBe(true));
    ghostReplies.forEach((r, j) => expect(r.code).toBe(j % 2 ? GrpcStatus.NOT_FOUND : 404));
    const rows = await m.database.db.agent.findMany({ where: { name: { in: names } }, orderBy: { name: "asc" } });
    rows.forEach((row, i) => {
      expect(row.status).toBe("online");
      expect([i * 10, i * 10 + 1, i * 10 + 2]).toContain(row.runningTasks);
      expect(row.connectionsCount).toBe(i);
      expect(Number(row.uptimeSeconds)).toBe(1000 + i);
    });
    // hb-00 came back: one notification for it, and none for anyone else; no ghost was stored
    const after = await stored(m);
    expect({ agents: after.agents, notifications: after.notifications }).toEqual({ agents: before.agents, notifications: (before.notifications as number) + 1 });
    expect(await m.database.db.notification.count({ where: { entityId: ids.get(names[0]!)!, type: "agent_online" } })).toBe(2);
    expect(await m.database.db.agent.findUniqueOrThrow({ where: { name: names[0]! } })).toMatchObject({ status: "online", statusReason: "heartbeat" });
  });

  it("several heartbeats of a returning agent written in one batch announce it once", async () => {
    // straight to the service, in one tick: the first call goes out alone, the next three share a batch
    const svc = m.app.services.agentReports;
    const [busy, back] = ["hb-18", "hb-19"];
    await svc.offline(back);
    const hb = (name: string, running: number) => ({ name, status: "online", running_tasks: running, connections_count: 0, templates_count: 0, uptime_seconds: 7 });
    const out = await Promise.all([svc.heartbeat(hb(busy, 1)), svc.heartbeat(hb(back, 1)), svc.heartbeat(hb(back, 2)), svc.heartbeat(hb(back, 3))]);
    const id = (await m.database.db.agent.findUniqueOrThrow({ where: { name: back } })).id;
    expect(out.map((o) => o.id).slice(1)).toEqual([id, id, id]);
    expect(await m.database.db.notification.count({ where: { entityId: id, type: "agent_online" } })).toBe(2);
    expect(await m.database.db.agent.findUniqueOrThrow({ where: { name: back } })).toMatchObject({ status: "online", runningTasks: 3 });
  });
});

describe("10,000 devices in one report", () => {
  const names = Array.from({ length: 10_000 }, (_, i) => `bulk-${String(i).padStart(5, "0")}`);
  const full = inventory(names, "7");

  it.each(["http", "grpc"] as const)("over %s: sync, an unchanged re-sync that writes nothing, and a half re-sync", async (transport) => {
    const name = `bulk-${transport}`;
    const a = m.agent(transport, name);
    expect((await a.register()).ok).toBe(true);
    const synced = (r: Reply) => (transport === "http" ? (r.body as { data: { synced: number } }).data.synced : (r.body as { synced: number }).synced);

    const t0 = Date.now();
    const first = await a.reportDevices(full);
    expect(first.ok, first.message).toBe(true);
    expect(synced(first)).toBe(10_000);
    expect(await liveSet(name)).toEqual(byName(full));
    const rowsBefore = await m.database.pool.query(
      "SELECT max(d.updated_at)::text AS max, md5(string_agg(d::text, '|' ORDER BY d.id)) AS digest FROM devices d JOIN agents a ON a.id = d.agent_id WHERE a.name = $1",
      [name],
    );

    const again = await a.reportDevices(full);
    expect(again.ok, again.message).toBe(true);
    expect(synced(again)).toBe(10_000);
    if (transport === "http") expect((again.body as { data: object }).data).toEqual({ synced: 10_000, changed: 0, removed: 0 });
    const rowsAfter = await m.database.pool.query(
      "SELECT max(d.updated_at)::text AS max, md5(string_agg(d::text, '|' ORDER BY d.id)) AS digest FROM devices d JOIN agents a ON a.id = d.agent_id WHERE a.name = $1",
      [name],
    );
    expect(rowsAfter.rows[0]).toEqual(rowsBefore.rows[0]);

    const half = full.slice(0, 5_000);
    const third = await a.reportDevices(half);
    expect(third.ok, third.message).toBe(true);
    expect(synced(third)).toBe(5_000);
    if (transport === "http") expect((third.body as { data: object }).data).toEqual({ synced: 5_000, changed: 0, removed: 5_000 });
    expect(await liveSet(name)).toEqual(byName(half));
    const { rows } = await m.database.pool.query<{ removed: number; removed_names_ok: boolean }>(
      `SELECT count(*)::int AS removed, bool_and(d.name >= 'bulk-05000') AS removed_names_ok
         FROM devices d JOIN agents a ON a.id = d.agent_id WHERE a.name = $1 AND d.removed_at IS NOT NULL`,
      [name],
    );
    expect(rows[0]).toEqual({ removed: 5_000, removed_names_ok: true });
    expect(Date.now() - t0).toBeLessThan(15_000);
  }, 20_000);
});

// ---------------------------------------------------------------- unknown agents

describe("reports from an agent this manager does not know", () => {
  const ghost = "ghost-agent-never-registered";
  const cases = [
    { path: "heartbeat", rpc: "SendHeartbeat", body: { name: ghost, status: "online", running_tasks: 0, connections_count: 0, templates_count: 0, uptime_seconds: 5 } },
    { path: "offline", rpc: "NotifyOffline", body: { name: ghost } },
    { path: "report-devices", rpc: "ReportDevices", body: { name: ghost, devices: [{ name: "x-1", host: "10.9.9.9", port: 22, device_profile: "cisco_ios" }] } },
    { path: "update-device-status", rpc: "UpdateDeviceStatus", body: { name: ghost, devices: [{ name: "x-1", host: "10.9.9.9", reachable: true }] } },
  ];
  it.each(cases)("$path / $rpc: 404 / NOT_FOUND telling it to register, nothing stored", async ({ path, rpc, body }) => {
    const before = await stored(m);
    const h = await rawAgentPost(m.web.url, path, JSON.stringify(body), JSON_HEADERS);
    expect(h.status).toBe(404);
    const told = new RegExp(`^Agent "${ghost}" is not registered with this manager; register first`);
    expect(JSON.parse(h.text)).toEqual({ success: false, error: expect.stringMatching(told) });
    const g = await grpcCall(client, rpc, body, TEST_AGENT_KEY);
    expect(g.code).toBe(GrpcStatus.NOT_FOUND);
    expect(g.message).toMatch(told);
    expect(await stored(m)).toEqual(before);
  });
});

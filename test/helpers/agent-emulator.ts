// A rauto agent emulator that speaks the reporting contract exactly as the
// real agent does, over real HTTP (fetch) or a real grpc-js client.
import * as grpc from "@grpc/grpc-js";
import { loadProto } from "../../server/grpc/server.ts";

export interface InventoryDevice {
  name: string;
  host: string;
  port: number;
  device_profile: string;
}
export interface DeviceStatus {
  name: string;
  host: string;
  reachable: boolean;
}
export interface ErrorReportBody {
  category: string;
  kind: string;
  severity: string;
  occurred_at: string;
  retryable: boolean;
  message: string;
  task_id?: string;
  operation?: string;
  target_url?: string;
  http_method?: string;
  http_status?: number;
  details?: unknown;
}
export interface TaskEventBody {
  task_id: string;
  event_type: string;
  message: string;
  level: string;
  occurred_at?: string;
  stage?: string;
  progress?: number;
  details?: unknown;
}
export interface CallbackBody {
  task_id: string;
  status: string;
  started_at?: string;
  completed_at?: string;
  execution_time_ms?: number;
  result_summary?: unknown;
  result?: unknown;
  error?: string;
}

/** What every call answers: ok or the transport's error code, plus the parsed body. */
export interface Reply {
  ok: boolean;
  /** HTTP status, or the gRPC status code */
  code: number;
  body: unknown;
  message?: string;
}

export interface EmulatedAgent {
  name: string;
  transport: "http" | "grpc";
  register(over?: Partial<{ host: string; port: number; version: string; capabilities: string[]; connections_count: number; templates_count: number }>): Promise<Reply>;
  heartbeat(over?: Partial<{ status: string; running_tasks: number; connections_count: number; templates_count: number; uptime_seconds: number }>): Promise<Reply>;
  offline(): Promise<Reply>;
  reportDevices(devices: InventoryDevice[]): Promise<Reply>;
  updateDeviceStatus(devices: DeviceStatus[]): Promise<Reply>;
  reportError(e: ErrorReportBody): Promise<Reply>;
  taskEvent(e: TaskEventBody): Promise<Reply>;
  taskCallback(c: CallbackBody): Promise<Reply>;
  close(): void;
}

const now = () => new Date().toISOString();

function registerBody(name: string, over: Parameters<EmulatedAgent["register"]>[0] = {}) {
  return { name, host: "127.0.0.1", port: 8123, version: "0.4.2", capabilities: ["exec", "template", "tx_block", "tx_workflow", "orchestrate"], connections_count: 0, templates_count: 0, ...over };
}
function heartbeatBody(name: string, over: Parameters<EmulatedAgent["heartbeat"]>[0] = {}) {
  return { name, status: "online", running_tasks: 0, connections_count: 0, templates_count: 0, uptime_seconds: 42, ...over };
}

export function httpAgent(opts: { baseUrl: string; token?: string | null; name: string }): EmulatedAgent {
  const post = async (path: string, body: unknown): Promise<Reply> => {
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (opts.token) {
      headers.authorization = `Bearer ${opts.token}`;
      headers["x-api-key"] = opts.token;
    }
    const res = await fetch(`${opts.baseUrl}/api/agents/${path}`, { method: "POST", headers, body: typeof body === "string" ? body : JSON.stringify(body) });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      /* keep text */
    }
    return { ok: res.ok, code: res.status, body: parsed, message: (parsed as { error?: string })?.error };
  };
  const name = opts.name;
  return {
    name,
    transport: "http",
    register: (o) => post("register", registerBody(name, o)),
    heartbeat: (o) => post("heartbeat", heartbeatBody(name, o)),
    offline: () => post("offline", { name }),
    reportDevices: (devices) => post("report-devices", { name, devices }),
    updateDeviceStatus: (devices) => post("update-device-status", { name, devices }),
    reportError: (e) => post("report-error", { name, ...e }),
    taskEvent: (e) => post("report-task-event", { agent_name: name, occurred_at: now(), ...e }),
    taskCallback: (c) => post("report-task-callback", { agent_name: name, started_at: now(), completed_at: now(), execution_time_ms: 10, ...c }),
    close: () => {},
  };
}

/** Raw HTTP for bad-input tests. */
export async function rawAgentPost(baseUrl: string, path: string, body: string, headers: Record<string, string>) {
  const res = await fetch(`${baseUrl}/api/agents/${path}`, { method: "POST", headers, body });
  const text = await res.text();
  return { status: res.status, text };
}

type Unary = (req: unknown, md: grpc.Metadata, opts: grpc.CallOptions, cb: (err: grpc.ServiceError | null, res?: unknown) => void) => void;

export function reportingClient(address: string) {
  const pkg = loadProto("rauto/manager/v1/agent_reporting.proto") as unknown as {
    rauto: { manager: { v1: { AgentReportingService: grpc.ServiceClientConstructor } } };
  };
  return new pkg.rauto.manager.v1.AgentReportingService(address, grpc.credentials.createInsecure(), {
    "grpc.max_send_message_length": 64 * 1024 * 1024,
    "grpc.max_receive_message_length": 64 * 1024 * 1024,
  }) as unknown as grpc.Client & Record<string, Unary>;
}

export function grpcCall(client: grpc.Client & Record<string, Unary>, method: string, req: unknown, token: string | null | undefined): Promise<Reply> {
  const md = new grpc.Metadata();
  if (token) {
    md.set("authorization", `Bearer ${token}`);
    md.set("x-api-key", token);
  }
  return new Promise((resolve) => {
    client[method]!(req, md, { deadline: Date.now() + 30_000 }, (err, res) => {
      if (err) resolve({ ok: false, code: err.code, body: null, message: err.details });
      else resolve({ ok: true, code: grpc.status.OK, body: res });
    });
  });
}

export function grpcAgent(opts: { address: string; token?: string | null; name: string }): EmulatedAgent {
  const client = reportingClient(opts.address);
  const call = (method: string, req: unknown) => grpcCall(client, method, req, opts.token);
  const name = opts.name;
  const json = (v: unknown) => (v === undefined ? undefined : JSON.stringify(v));
  return {
    name,
    transport: "grpc",
    register: (o) => call("RegisterAgent", registerBody(name, o)),
    heartbeat: (o) => call("SendHeartbeat", heartbeatBody(name, o)),
    offline: () => call("NotifyOffline", { name }),
    reportDevices: (devices) => call("ReportDevices", { name, devices }),
    updateDeviceStatus: (devices) => call("UpdateDeviceStatus", { name, devices }),
    reportError: ({ details, ...e }) => call("ReportError", { name, ...e, details_json: json(details) }),
    taskEvent: ({ details, ...e }) => call("ReportTaskEvent", { agent_name: name, occurred_at: now(), ...e, details_json: json(details) }),
    taskCallback: ({ result, result_summary, ...c }) =>
      call("ReportTaskCallback", { agent_name: name, started_at: now(), completed_at: now(), execution_time_ms: 10, ...c, result_json: json(result), result_summary_json: json(result_summary) }),
    close: () => client.close(),
  };
}

/** A reporting RPC with exactly the metadata given (no token added), for authentication tests. */
export function grpcCallWithMetadata(client: grpc.Client & Record<string, Unary>, method: string, req: unknown, metadata: Record<string, string>): Promise<Reply> {
  const md = new grpc.Metadata();
  for (const [k, v] of Object.entries(metadata)) md.set(k, v);
  return new Promise((resolve) => {
    client[method]!(req, md, { deadline: Date.now() + 30_000 }, (err, res) => {
      if (err) resolve({ ok: false, code: err.code, body: null, message: err.details });
      else resolve({ ok: true, code: grpc.status.OK, body: res });
    });
  });
}

/** Sends `bytes` as the request message exactly as given (not encoded from an object): undecodable protobuf. */
export function rawGrpcCall(client: grpc.Client, method: string, bytes: Buffer, token: string | null): Promise<Reply> {
  const md = new grpc.Metadata();
  if (token) {
    md.set("authorization", `Bearer ${token}`);
    md.set("x-api-key", token);
  }
  const same = (b: Buffer) => b;
  return new Promise((resolve) => {
    client.makeUnaryRequest(`/rauto.manager.v1.AgentReportingService/${method}`, same, same, bytes, md, { deadline: Date.now() + 30_000 }, (err, res) => {
      if (err) resolve({ ok: false, code: err.code, body: null, message: err.details });
      else resolve({ ok: true, code: grpc.status.OK, body: res });
    });
  });
}

/** Every agent HTTP endpoint and the reporting RPC that carries the same report. */
export const AGENT_ENDPOINTS = [
  { path: "register", rpc: "RegisterAgent" },
  { path: "heartbeat", rpc: "SendHeartbeat" },
  { path: "offline", rpc: "NotifyOffline" },
  { path: "report-devices", rpc: "ReportDevices" },
  { path: "update-device-status", rpc: "UpdateDeviceStatus" },
  { path: "report-error", rpc: "ReportError" },
  { path: "report-task-event", rpc: "ReportTaskEvent" },
  { path: "report-task-callback", rpc: "ReportTaskCallback" },
] as const;

// How the manager reaches an agent. One interface, two implementations chosen
// by the agent's saved report mode; every call has a deadline, carries the
// agent token, and fails with an AgentCallError an operator can act on.
import { AppError } from "../errors.ts";

export interface AgentAddress {
  id: string;
  name: string;
  host: string;
  port: number;
  reportMode: "http" | "grpc";
}

export type DispatchType = "exec" | "template" | "tx_block" | "tx_workflow" | "orchestrate";

export interface DispatchRequest {
  /** the task_id the agent reports back with (the run id, plus an attempt suffix on execution retries) */
  agentTaskId: string;
  type: DispatchType;
  /** the operator's payload in the agent's own field names */
  payload: Record<string, unknown>;
  /** saved connection name on the agent (not for orchestrate) */
  connection?: string | null;
  dryRun: boolean;
  recordLevel: "key-events-only" | "full";
}

export interface DispatchAccepted {
  accepted: true;
  taskId: string;
  operation: string;
  status: string;
}

export type TemplateKind = "command" | "tx_block" | "tx_workflow" | "orchestration";

export interface TemplateMeta {
  name: string;
  kind?: string;
  source?: string;
  content_type?: string;
  size_bytes?: number;
  created_at_ms?: number;
  updated_at_ms?: number;
}

export interface ConnectionInput {
  host?: string;
  port?: number;
  username?: string;
  password?: string;
  enable_password?: string;
  device_profile?: string;
  ssh_security?: string;
  linux_shell_flavor?: string;
  [k: string]: unknown;
}

export interface AgentTransport {
  health(): Promise<{ ok: boolean; latencyMs: number }>;
  info(): Promise<Record<string, unknown>>;
  status(): Promise<{ status: string; running_tasks: number; [k: string]: unknown }>;
  listConnections(): Promise<Array<Record<string, unknown>>>;
  getConnection(name: string): Promise<Record<string, unknown>>;
  saveConnection(name: string, connection: ConnectionInput, savePassword: boolean): Promise<Record<string, unknown>>;
  testConnection(connection: ConnectionInput & { connection_name?: string }): Promise<Record<string, unknown>>;
  listTemplates(kind: TemplateKind): Promise<TemplateMeta[]>;
  getTemplate(kind: TemplateKind, name: string): Promise<{ name: string; content: string }>;
  createTemplate(kind: TemplateKind, name: string, content: string): Promise<{ name: string; content?: string }>;
  updateTemplate(kind: TemplateKind, name: string, content: string): Promise<{ name: string; content?: string }>;
  deviceProfiles(): Promise<{ builtins: Array<{ name: string; aliases?: string[]; summary?: string }>; custom: Array<{ name: string; path?: string }>; all?: string[] }>;
  profileModes(profile: string): Promise<{ name: string; default_mode: string; modes: string[] }>;
  probeDevices(connections: string[], timeoutSecs: number): Promise<{ results: Array<{ name: string; host: string; port: number; device_profile: string; reachable: boolean; latency_ms?: number; error?: string }>; total: number; reachable_count: number; unreachable_count: number }>;
  dispatch(req: DispatchRequest): Promise<DispatchAccepted>;
  close(): void;
}

/**
 * A failed call to an agent. `retryable` marks delivery failures (unreachable,
 * timeout, 5xx, UNAVAILABLE) that are worth another attempt; a refusal (4xx,
 * bad token, invalid request) is not.
 */
export class AgentCallError extends AppError {
  constructor(
    message: string,
    public readonly retryable: boolean,
    public readonly agentStatus?: number | string,
  ) {
    super(retryable ? "UNAVAILABLE" : "FAILED_PRECONDITION", message);
    this.name = "AgentCallError";
  }
}

export const seconds = (ms: number) => `${Math.round(ms / 100) / 10} s`;

/** Maps a low-level network failure to what an operator needs to know. */
export function networkError(agent: AgentAddress, err: unknown, timeoutMs: number): AgentCallError {
  const e = err as { name?: string; code?: string; cause?: { code?: string }; message?: string };
  const code = e?.cause?.code ?? e?.code;
  const where = `${agent.host}:${agent.port}`;
  if (e?.name === "TimeoutError" || e?.name === "AbortError" || code === "UND_ERR_HEADERS_TIMEOUT") {
    return new AgentCallError(`Agent ${agent.name} did not answer within ${seconds(timeoutMs)} (${where}).`, true);
  }
  if (code === "ECONNREFUSED") return new AgentCallError(`Agent ${agent.name} refused the connection at ${where}: is rauto running there?`, true);
  if (code === "ENOTFOUND" || code === "EAI_AGAIN") return new AgentCallError(`Agent ${agent.name}'s host ${agent.host} does not resolve.`, true);
  if (code === "EHOSTUNREACH" || code === "ENETUNREACH") return new AgentCallError(`Agent ${agent.name} at ${where} is unreachable from the manager.`, true);
  if (code === "ECONNRESET" || code === "UND_ERR_SOCKET") return new AgentCallError(`The connection to agent ${agent.name} at ${where} was reset.`, true);
  return new AgentCallError(`Could not reach agent ${agent.name} at ${where} (${code ?? e?.message ?? "unknown error"}).`, true);
}

export const DISPATCH_PATHS: Record<DispatchType, string> = {
  exec: "/api/exec/async",
  template: "/api/template/execute/async",
  tx_block: "/api/tx/block/async",
  tx_workflow: "/api/tx/workflow/async",
  orchestrate: "/api/orchestrate/async",
};

/** The JSON body rauto's async endpoints take (ExecRequest, ExecuteTemplateRequest, ...). */
export function dispatchBody(req: DispatchRequest): Record<string, unknown> {
  const body: Record<string, unknown> = { ...req.payload, task_id: req.agentTaskId, record_level: req.recordLevel };
  if (req.type !== "orchestrate" && req.connection) body.connection = { connection_name: req.connection };
  if (req.type !== "exec") body.dry_run = req.dryRun;
  // rauto's request structs have no serde default for the inline document, so
  // a dispatch by template name still has to carry the key (as null)
  const inline = { tx_block: "tx_block", tx_workflow: "workflow", orchestrate: "plan" } as const;
  if (req.type in inline) {
    const key = inline[req.type as keyof typeof inline];
    if (body[key] === undefined) body[key] = null;
  }
  return body;
}

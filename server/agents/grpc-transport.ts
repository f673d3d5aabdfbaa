// rauto.agent.v1.AgentTaskService for agents in grpc mode. Like the existing
// manager, exec and template go over the agent's HTTP API (served on the same
// port); tx_block, tx_workflow and orchestrate go over the async RPCs. Calls
// the agent's proto does not have fall back to HTTP.
import * as grpc from "@grpc/grpc-js";
import type protobuf from "protobufjs";
import { loadProto } from "../grpc/server.ts";
import { createHttpTransport } from "./http-transport.ts";
import { AgentCallError, seconds, type AgentAddress, type AgentTransport, type DispatchRequest, type TemplateKind } from "./transport.ts";

type Unary = (req: unknown, md: grpc.Metadata, opts: grpc.CallOptions, cb: (err: grpc.ServiceError | null, res?: unknown) => void) => grpc.ClientUnaryCall;
type ServiceCtor = grpc.ServiceClientConstructor & { service: grpc.ServiceDefinition };

let cached: { ctor: ServiceCtor; fields: (message: string) => Set<string> } | undefined;
function service() {
  if (!cached) {
    const pkg = loadProto("rauto/agent/v1/task_service.proto") as unknown as { rauto: { agent: { v1: Record<string, unknown> & { AgentTaskService: ServiceCtor } } } };
    const v1 = pkg.rauto.agent.v1;
    cached = {
      ctor: v1.AgentTaskService,
      fields: (message) => {
        const t = v1[message] as { type?: protobuf.IType & { field?: Array<{ name: string }> } } | undefined;
        return new Set((t?.type?.field ?? []).map((f) => f.name));
      },
    };
  }
  return cached;
}

const TEMPLATE_RPCS: Record<TemplateKind, { list: string; get: string; create: string; update: string }> = {
  command: { list: "ListTemplates", get: "GetTemplate", create: "CreateTemplate", update: "UpdateTemplate" },
  tx_block: { list: "ListTxBlockTemplates", get: "GetTxBlockTemplate", create: "CreateTxBlockTemplate", update: "UpdateTxBlockTemplate" },
  tx_workflow: { list: "ListTxWorkflowTemplates", get: "GetTxWorkflowTemplate", create: "CreateTxWorkflowTemplate", update: "UpdateTxWorkflowTemplate" },
  orchestration: { list: "ListOrchestrationTemplates", get: "GetOrchestrationTemplate", create: "CreateOrchestrationTemplate", update: "UpdateOrchestrationTemplate" },
};

const RETRYABLE = new Set([grpc.status.UNAVAILABLE, grpc.status.DEADLINE_EXCEEDED, grpc.status.RESOURCE_EXHAUSTED, grpc.status.ABORTED, grpc.status.INTERNAL, grpc.status.UNKNOWN]);

const toNum = (v: unknown) => (typeof v === "string" && /^-?\d+$/.test(v) ? Number(v) : v);
const json = (v: unknown) => (v === undefined || v === null ? "" : JSON.stringify(v));

export function createGrpcTransport(agent: AgentAddress, opts: { token: string | undefined; timeoutMs: number; maxMessageBytes: number }): AgentTransport {
  const svc = service();
  const http = createHttpTransport(agent, opts);
  const client = new svc.ctor(`${agent.host}:${agent.port}`, grpc.credentials.createInsecure(), {
    "grpc.max_send_message_length": opts.maxMessageBytes,
    "grpc.max_receive_message_length": opts.maxMessageBytes,
  }) as unknown as grpc.Client & Record<string, Unary>;
  const has = (method: string) => typeof client[method] === "function";

  function call<T>(method: string, req: Record<string, unknown>, timeoutMs = opts.timeoutMs): Promise<T> {
    const md = new grpc.Metadata();
    if (opts.token) {
      md.set("authorization", `Bearer ${opts.token}`);
      md.set("x-api-key", opts.token);
    }
    return new Promise((resolve, reject) => {
      client[method]!(req, md, { deadline: Date.now() + timeoutMs }, (err, res) => {
        if (!err) return resolve(res as T);
        if (err.code === grpc.status.DEADLINE_EXCEEDED) return reject(new AgentCallError(`Agent ${agent.name} did not answer within ${seconds(timeoutMs)} (${agent.host}:${agent.port}, gRPC ${method}).`, true, "DEADLINE_EXCEEDED"));
        if (err.code === grpc.status.UNAVAILABLE) return reject(new AgentCallError(`Agent ${agent.name} is unreachable over gRPC at ${agent.host}:${agent.port}: ${err.details}`, true, "UNAVAILABLE"));
        if (err.code === grpc.status.UNAUTHENTICATED || err.code === grpc.status.PERMISSION_DENIED) {
          return reject(new AgentCallError(`Agent ${agent.name} refused the manager's token: make AGENT_API_KEY match the agent's --agent-token.`, false, grpc.status[err.code]));
        }
        return reject(new AgentCallError(`Agent ${agent.name} answered ${grpc.status[err.code]} to ${method}: ${err.details}`, RETRYABLE.has(err.code), grpc.status[err.code]));
      });
    });
  }

  const connectionRef = (name: string | null | undefined) => ({ connection_name: name ?? "" });

  async function dispatchAsync(req: DispatchRequest) {
    const p = req.payload;
    const base = { task_id: req.agentTaskId, dry_run: req.dryRun, record_level: req.recordLevel };
    let method: string;
    let message: string;
    let body: Record<string, unknown>;
    if (req.type === "tx_block") {
      method = "ExecuteTxBlockAsync";
      message = "ExecuteTxBlockRequest";
      body = { ...base, connection: connectionRef(req.connection), tx_block_json: json(p.tx_block), tx_block_template_name: p.tx_block_template_name ?? "", tx_block_template_content: p.tx_block_template_content ?? "", tx_block_template_vars_json: json(p.tx_block_template_vars) };
    } else if (req.type === "tx_workflow") {
      method = "ExecuteTxWorkflowAsync";
      message = "ExecuteTxWorkflowRequest";
      body = { ...base, connection: connectionRef(req.connection), workflow_json: json(p.workflow), workflow_template_name: p.workflow_template_name ?? "", workflow_template_content: p.workflow_template_content ?? "", workflow_vars_json: json(p.workflow_vars) };
    } else {
      method = "ExecuteOrchestrationAsync";
      message = "ExecuteOrchestrationRequest";
      body = { ...base, plan_json: json(p.plan), plan_template_name: p.plan_template_name ?? "", plan_template_content: p.plan_template_content ?? "", plan_vars_json: json(p.plan_vars), base_dir: p.base_dir ?? "" };
    }
    // a payload field this proto version cannot carry would be dropped silently: use HTTP instead
    const known = svc.fields(message);
    const lost = Object.entries(body).filter(([k, v]) => v !== "" && v !== undefined && !known.has(k));
    if (!has(method) || lost.length > 0) return http.dispatch(req);
    const r = await call<{ accepted?: boolean; task_id?: string; operation?: string; status?: string }>(method, body);
    if (!r?.accepted) throw new AgentCallError(`Agent ${agent.name} did not accept the task over gRPC (answer: ${JSON.stringify(r).slice(0, 200)}).`, false);
    return { accepted: true as const, taskId: r.task_id || req.agentTaskId, operation: r.operation || req.type, status: r.status || "queued" };
  }

  return {
    health: () => http.health(),
    async info() {
      const r = await call<Record<string, unknown>>("GetAgentInfo", {});
      return { ...r, uptime_seconds: toNum(r.uptime_seconds) };
    },
    async status() {
      const r = await call<{ status: string; running_tasks: number }>("GetAgentStatus", {});
      return { ...r, running_tasks: Number(r.running_tasks ?? 0) };
    },
    async listConnections() {
      const r = await call<{ connections?: Array<Record<string, unknown>> }>("ListConnections", {});
      return r.connections ?? [];
    },
    async getConnection(name) {
      if (!has("GetConnection")) return http.getConnection(name);
      // the agent answers with the HTTP API's JSON, as a string
      const r = await call<{ json?: string }>("GetConnection", { name });
      try {
        return JSON.parse(r.json || "{}") as Record<string, unknown>;
      } catch {
        throw new AgentCallError(`Agent ${agent.name} sent connection ${name} as invalid JSON.`, false);
      }
    },
    saveConnection: (name, connection, savePassword) => call("UpsertConnection", { name, connection, save_password: savePassword }),
    testConnection: (connection) => call("TestConnection", { connection }),
    async listTemplates(kind) {
      const r = await call<{ templates?: Array<Record<string, unknown>> }>(TEMPLATE_RPCS[kind].list, {});
      return (r.templates ?? []).map((t) => ({ ...t, name: String(t.name), size_bytes: toNum(t.size_bytes) as number, created_at_ms: toNum(t.created_at_ms) as number, updated_at_ms: toNum(t.updated_at_ms) as number }));
    },
    getTemplate: (kind, name) => call(TEMPLATE_RPCS[kind].get, { name }),
    createTemplate: (kind, name, content) => call(TEMPLATE_RPCS[kind].create, { name, content }),
    updateTemplate: (kind, name, content) => (has(TEMPLATE_RPCS[kind].update) ? call(TEMPLATE_RPCS[kind].update, { name, content }) : http.updateTemplate(kind, name, content)),
    deviceProfiles: () => call("ListDeviceProfiles", {}),
    profileModes: (name) => call("ListProfileModes", { name }),
    async probeDevices(connections, timeoutSecs) {
      const r = await call<{ results?: Array<Record<string, unknown>>; total?: number; reachable_count?: number; unreachable_count?: number }>("ProbeDevices", { connections, timeout_secs: timeoutSecs }, opts.timeoutMs + timeoutSecs * 1000);
      return {
        results: (r.results ?? []).map((x) => ({ ...(x as { name: string; host: string; port: number; device_profile: string; reachable: boolean }), latency_ms: toNum(x.latency_ms) as number | undefined, error: (x.error as string) || undefined })),
        total: r.total ?? 0,
        reachable_count: r.reachable_count ?? 0,
        unreachable_count: r.unreachable_count ?? 0,
      };
    },
    dispatch: (req) => (req.type === "exec" || req.type === "template" ? http.dispatch(req) : dispatchAsync(req)),
    close: () => client.close(),
  };
}

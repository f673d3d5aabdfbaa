// The agent's HTTP API (rauto src/web/server.rs), used for agents in http mode
// and, as the existing manager does, for exec/template on grpc-mode agents too
// (the agent serves both protocols on one port).
import type { AgentAddress, AgentTransport, DispatchRequest, TemplateKind } from "./transport.ts";
import { AgentCallError, DISPATCH_PATHS, dispatchBody, networkError } from "./transport.ts";

const TEMPLATE_PATHS: Record<TemplateKind, string> = {
  command: "/api/templates",
  tx_block: "/api/tx-block-templates",
  tx_workflow: "/api/tx-workflow-templates",
  orchestration: "/api/orchestration-templates",
};

export function createHttpTransport(agent: AgentAddress, opts: { token: string | undefined; timeoutMs: number }): AgentTransport {
  const base = `http://${agent.host.includes(":") && !agent.host.startsWith("[") ? `[${agent.host}]` : agent.host}:${agent.port}`;

  async function call<T>(method: string, path: string, body?: unknown, timeoutMs = opts.timeoutMs): Promise<T> {
    const headers: Record<string, string> = { accept: "application/json" };
    if (opts.token) {
      headers.authorization = `Bearer ${opts.token}`;
      headers["x-api-key"] = opts.token;
    }
    if (body !== undefined) headers["content-type"] = "application/json";
    let res: Response;
    try {
      res = await fetch(base + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal: AbortSignal.timeout(timeoutMs) });
    } catch (err) {
      throw networkError(agent, err, timeoutMs);
    }
    let text: string;
    try {
      text = await res.text();
    } catch (err) {
      throw networkError(agent, err, timeoutMs);
    }
    let parsed: unknown = undefined;
    if (text) {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = text;
      }
    }
    if (res.ok) return parsed as T;
    // every rauto error body is {"error": "..."}
    const reason = (parsed as { error?: unknown })?.error;
    const detail = typeof reason === "string" ? reason : typeof parsed === "string" ? parsed.slice(0, 300) : res.statusText;
    if (res.status === 401 || res.status === 403) {
      throw new AgentCallError(`Agent ${agent.name} refused the manager's token (${res.status}): make AGENT_API_KEY match the agent's --agent-token.`, false, res.status);
    }
    if (res.status >= 500 || res.status === 429) {
      throw new AgentCallError(`Agent ${agent.name} failed with ${res.status}: ${detail}`, true, res.status);
    }
    throw new AgentCallError(`Agent ${agent.name} rejected the request (${res.status}): ${detail}`, false, res.status);
  }

  const enc = encodeURIComponent;
  return {
    async health() {
      const start = performance.now();
      await call("GET", "/health");
      return { ok: true, latencyMs: Math.round(performance.now() - start) };
    },
    info: () => call("GET", "/api/agent/info"),
    status: () => call("GET", "/api/agent/status"),
    listConnections: () => call("GET", "/api/connections"),
    getConnection: (name) => call("GET", `/api/connections/${enc(name)}`),
    saveConnection: (name, connection, savePassword) => call("PUT", `/api/connections/${enc(name)}`, { connection, save_password: savePassword }),
    testConnection: (connection) => call("POST", "/api/connection/test", { connection }),
    listTemplates: (kind) => call("GET", TEMPLATE_PATHS[kind]),
    getTemplate: (kind, name) => call("GET", `${TEMPLATE_PATHS[kind]}/${enc(name)}`),
    createTemplate: (kind, name, content) => call("POST", TEMPLATE_PATHS[kind], { name, content }),
    updateTemplate: (kind, name, content) => call("PUT", `${TEMPLATE_PATHS[kind]}/${enc(name)}`, { content }),
    deviceProfiles: () => call("GET", "/api/device-profiles/all"),
    profileModes: (profile) => call("GET", `/api/device-profiles/${enc(profile)}/modes`),
    // probing waits on SSH reachability, so it gets the probe timeout on top of the call deadline
    probeDevices: (connections, timeoutSecs) => call("POST", "/api/devices/probe", { connections, timeout_secs: timeoutSecs }, opts.timeoutMs + timeoutSecs * 1000),
    async dispatch(req: DispatchRequest) {
      const r = await call<{ accepted?: boolean; task_id?: string; operation?: string; status?: string }>("POST", DISPATCH_PATHS[req.type], dispatchBody(req));
      if (!r || r.accepted !== true) {
        throw new AgentCallError(`Agent ${agent.name} did not accept the task (answer: ${JSON.stringify(r).slice(0, 200)}).`, false);
      }
      return { accepted: true, taskId: r.task_id ?? req.agentTaskId, operation: r.operation ?? req.type, status: r.status ?? "queued" };
    },
    close: () => {},
  };
}

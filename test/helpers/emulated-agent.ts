// A whole emulated rauto agent: it serves the agent HTTP API and the
// AgentTaskService gRPC API on ONE port (like rauto, by sniffing the HTTP/2
// preface), records what the manager sends it, and runs accepted tasks by
// reporting events and a callback back to the manager over its report mode.
import http from "node:http";
import net, { type AddressInfo } from "node:net";
import express, { type Request, type Response } from "express";
import * as grpc from "@grpc/grpc-js";
import { loadProto } from "../../server/grpc/server.ts";
import { grpcAgent, httpAgent, type EmulatedAgent } from "./agent-emulator.ts";

export interface Received {
  transport: "http" | "grpc";
  call: string;
  body: Record<string, unknown>;
  at: number;
}

export interface Behaviour {
  /** how a dispatch is answered */
  /** "swallow": runs the task but never answers the dispatch call (a crash-like delivery) */
  dispatch: "accept" | "fail-500" | "reject-400" | "hang" | "swallow" | "unauthorized";
  /** after accepting: report events and a callback after this many ms; null = never */
  completeAfterMs: number | null;
  outcome: "success" | "failed";
  /** answer the first N dispatches with 503 before behaving as above */
  failFirst: number;
  runningTasks: number;
}

export interface EmulatedAgentServer {
  name: string;
  port: number;
  mode: "http" | "grpc";
  received: Received[];
  behaviour: Behaviour;
  reporter: EmulatedAgent;
  dispatches: () => Received[];
  register: () => Promise<void>;
  reportDevices: (names: string[], profile?: string) => Promise<void>;
  close: () => Promise<void>;
}

const DISPATCH_PATHS: Record<string, string> = {
  "/api/exec/async": "exec",
  "/api/template/execute/async": "template_execute",
  "/api/tx/block/async": "tx_block",
  "/api/tx/workflow/async": "tx_workflow",
  "/api/orchestrate/async": "orchestrate",
};

export async function startEmulatedAgent(opts: {
  name: string;
  mode: "http" | "grpc";
  token: string;
  managerHttpUrl: string;
  managerGrpcAddress: string;
  behaviour?: Partial<Behaviour>;
  profiles?: string[];
}): Promise<EmulatedAgentServer> {
  const received: Received[] = [];
  const behaviour: Behaviour = { dispatch: "accept", completeAfterMs: 20, outcome: "success", failFirst: 0, runningTasks: 0, ...opts.behaviour };
  const reporter = opts.mode === "http" ? httpAgent({ baseUrl: opts.managerHttpUrl, token: opts.token, name: opts.name }) : grpcAgent({ address: opts.managerGrpcAddress, token: opts.token, name: opts.name });
  const connections = new Map<string, Record<string, unknown>>();
  const templates = new Map<string, string>();
  const timers = new Set<NodeJS.Timeout>();
  let dispatchCount = 0;

  const runTask = (taskId: string, operation: string, body: Record<string, unknown>) => {
    if (behaviour.completeAfterMs === null) return;
    const t = setTimeout(() => {
      timers.delete(t);
      // the manager may be gone when a test ends mid-task; a real agent would log and move on
      report().catch(() => {});
    }, behaviour.completeAfterMs);
    timers.add(t);
    const report = async () => {
      const started = new Date().toISOString();
      await reporter.taskEvent({ task_id: taskId, event_type: "started", message: `${operation} started`, level: "info", stage: operation, progress: 0 });
      await reporter.taskEvent({ task_id: taskId, event_type: "progress", message: "half way", level: "info", stage: operation, progress: 50 });
      const ok = behaviour.outcome === "success";
      await reporter.taskEvent({ task_id: taskId, event_type: ok ? "completed" : "failed", message: ok ? "done" : "boom", level: ok ? "success" : "error", progress: 100 });
      const command = typeof body.command === "string" ? body.command : undefined;
      await reporter.taskCallback({
        task_id: taskId,
        status: behaviour.outcome,
        started_at: started,
        completed_at: new Date().toISOString(),
        execution_time_ms: 7,
        result_summary: { operation, outcome: ok ? "success" : "failed", success: ok, summary: ok ? `${operation} ok` : `${operation} failed` },
        result: command ? { outputs: [{ command, output: `output of ${command}`, success: ok }] } : { operation },
        error: ok ? undefined : "device said no",
      });
    };
  };

  /** shared by both transports: returns [status, body] */
  const onDispatch = (transport: "http" | "grpc", call: string, operation: string, body: Record<string, unknown>): [number, Record<string, unknown>] => {
    received.push({ transport, call, body, at: Date.now() });
    dispatchCount++;
    if (dispatchCount <= behaviour.failFirst) return [503, { error: "agent busy" }];
    if (behaviour.dispatch === "fail-500") return [500, { error: "internal agent error" }];
    if (behaviour.dispatch === "reject-400") return [400, { error: "connection 'x' not found" }];
    if (behaviour.dispatch === "unauthorized") return [401, { error: "invalid token" }];
    if (behaviour.dispatch === "hang") return [-1, {}];
    const taskId = String(body.task_id ?? "");
    runTask(taskId, operation, body);
    if (behaviour.dispatch === "swallow") return [-1, {}];
    return [202, { accepted: true, task_id: taskId, operation, status: "queued" }];
  };

  // ---------------------------------------------------------------- HTTP
  const app = express();
  app.use(express.json({ limit: "50mb" }));
  app.use((req, res, next) => {
    if (req.path === "/health" || req.path === "/api/agent/info") return next();
    const auth = req.get("authorization");
    const key = req.get("x-api-key");
    if (auth === `Bearer ${opts.token}` || key === opts.token) return next();
    res.status(401).json({ error: "unauthorized" });
  });
  const rec = (req: Request) => received.push({ transport: "http", call: `${req.method} ${req.path}`, body: req.body ?? {}, at: Date.now() });
  app.get("/health", (_req, res) => void res.json({ status: "ok" }));
  app.get("/api/agent/info", (req, res) => {
    rec(req);
    res.json({ name: opts.name, version: "0.4.2", capabilities: opts.profiles ?? ["cisco_ios", "huawei"], uptime_seconds: 99, connections_count: connections.size, templates_count: templates.size, custom_profiles_count: 0, managed: true });
  });
  app.get("/api/agent/status", (req, res) => {
    rec(req);
    res.json({ status: "online", running_tasks: behaviour.runningTasks, last_heartbeat_at: new Date().toISOString(), registered_at: new Date().toISOString(), system: { os: "linux", arch: "x86_64", hostname: opts.name } });
  });
  app.get("/api/connections", (req, res) => {
    rec(req);
    res.json([...connections.entries()].map(([name, c]) => ({ name, path: `/root/.rauto/connections/${name}.toml`, has_password: !!c.password, has_enable_password: false, ...c, password: undefined })));
  });
  app.get("/api/connections/:name", (req, res) => {
    rec(req);
    const c = connections.get(req.params.name!);
    if (!c) return void res.status(404).json({ error: `connection '${req.params.name}' not found` });
    res.json({ name: req.params.name, ...c, password: undefined, has_password: !!c.password });
  });
  app.put("/api/connections/:name", (req, res) => {
    rec(req);
    connections.set(req.params.name!, (req.body as { connection?: Record<string, unknown> }).connection ?? {});
    res.json({ name: req.params.name, path: `/root/.rauto/connections/${req.params.name}.toml`, has_password: true });
  });
  app.post("/api/connection/test", (req, res) => {
    rec(req);
    const c = (req.body as { connection?: Record<string, unknown> }).connection ?? {};
    res.json({ ok: c.host !== "10.255.255.1", host: c.host ?? "", port: c.port ?? 22, username: c.username ?? "", ssh_security: "balanced", linux_shell_flavor: "", device_profile: c.device_profile ?? "cisco_ios" });
  });
  for (const [kind, path] of [["command", "/api/templates"], ["tx_block", "/api/tx-block-templates"], ["tx_workflow", "/api/tx-workflow-templates"], ["orchestration", "/api/orchestration-templates"]] as const) {
    app.get(path, (req, res) => {
      rec(req);
      res.json([...templates.entries()].filter(([k]) => k.startsWith(`${kind}/`)).map(([k, v]) => ({ name: k.slice(kind.length + 1), kind, source: "user", content_type: "text/plain", size_bytes: v.length, created_at_ms: 1, updated_at_ms: 2 })));
    });
    app.get(`${path}/:name`, (req, res) => {
      rec(req);
      const v = templates.get(`${kind}/${req.params.name}`);
      if (v === undefined) return void res.status(404).json({ error: "template not found" });
      res.json({ name: req.params.name, content: v });
    });
    app.post(path, (req, res) => {
      rec(req);
      const b = req.body as { name: string; content: string };
      templates.set(`${kind}/${b.name}`, b.content);
      res.status(201).json({ name: b.name, content: b.content });
    });
    app.put(`${path}/:name`, (req, res) => {
      rec(req);
      templates.set(`${kind}/${req.params.name}`, (req.body as { content: string }).content);
      res.json({ name: req.params.name, content: (req.body as { content: string }).content });
    });
  }
  app.get("/api/device-profiles/all", (req, res) => {
    rec(req);
    res.json({ builtins: [{ name: "cisco_ios", aliases: ["cisco"], summary: "Cisco IOS" }, { name: "huawei", aliases: [], summary: "Huawei VRP" }], custom: [] });
  });
  app.get("/api/device-profiles/:name/modes", (req, res) => {
    rec(req);
    res.json({ name: req.params.name, default_mode: "Enable", modes: ["Login", "Enable", "Config"] });
  });
  app.post("/api/devices/probe", (req, res) => {
    rec(req);
    const names = (req.body as { connections: string[] }).connections;
    const results = names.map((name, i) => ({ name, host: `10.1.0.${i + 1}`, port: 22, device_profile: "cisco_ios", reachable: i % 2 === 0, latency_ms: i % 2 === 0 ? 3 : undefined, error: i % 2 === 0 ? undefined : "timeout" }));
    res.json({ results, total: results.length, reachable_count: results.filter((r) => r.reachable).length, unreachable_count: results.filter((r) => !r.reachable).length });
  });
  for (const [path, operation] of Object.entries(DISPATCH_PATHS)) {
    app.post(path, (req: Request, res: Response) => {
      const [status, body] = onDispatch("http", `POST ${path}`, operation, req.body ?? {});
      if (status === -1) return; // hang
      res.status(status).json(body);
    });
  }
  const httpServer = http.createServer(app);
  await new Promise<void>((r) => httpServer.listen(0, "127.0.0.1", () => r()));

  // ---------------------------------------------------------------- gRPC
  const pkg = loadProto("rauto/agent/v1/task_service.proto") as unknown as { rauto: { agent: { v1: { AgentTaskService: grpc.ServiceClientConstructor } } } };
  const grpcServer = new grpc.Server();
  const authed = (call: grpc.ServerUnaryCall<unknown, unknown>) => {
    const md = call.metadata;
    return md.get("authorization")[0] === `Bearer ${opts.token}` || md.get("x-api-key")[0] === opts.token;
  };
  const unary =
    (name: string, fn: (req: Record<string, unknown>) => Record<string, unknown> | [number, Record<string, unknown>]) =>
    (call: grpc.ServerUnaryCall<Record<string, unknown>, unknown>, cb: grpc.sendUnaryData<unknown>) => {
      if (!authed(call)) return cb({ code: grpc.status.UNAUTHENTICATED, details: "invalid token" });
      const out = fn(call.request);
      if (Array.isArray(out)) {
        const [status, body] = out;
        if (status === -1) return; // hang
        if (status >= 400) return cb({ code: status === 401 ? grpc.status.UNAUTHENTICATED : status >= 500 ? grpc.status.UNAVAILABLE : grpc.status.INVALID_ARGUMENT, details: String(body.error) });
        return cb(null, body);
      }
      received.push({ transport: "grpc", call: name, body: call.request, at: Date.now() });
      return cb(null, out);
    };
  const asyncRpc = (name: string, operation: string) =>
    unary(name, (req) => {
      const [status, body] = onDispatch("grpc", name, operation, req);
      return [status === 202 ? 200 : status, body];
    });
  grpcServer.addService(pkg.rauto.agent.v1.AgentTaskService.service, {
    GetAgentInfo: unary("GetAgentInfo", () => ({ name: opts.name, version: "0.4.2", capabilities: opts.profiles ?? ["cisco_ios", "huawei"], uptime_seconds: 99, connections_count: connections.size, templates_count: templates.size, custom_profiles_count: 0, managed: true })),
    GetAgentStatus: unary("GetAgentStatus", () => ({ status: "online", running_tasks: behaviour.runningTasks, last_heartbeat_at: new Date().toISOString(), registered_at: new Date().toISOString(), system: { os: "linux", arch: "x86_64", hostname: opts.name } })),
    ListConnections: unary("ListConnections", () => ({ connections: [...connections.entries()].map(([name, c]) => ({ name, host: c.host, port: c.port ?? 22, device_profile: c.device_profile ?? "", has_password: !!c.password })) })),
    UpsertConnection: unary("UpsertConnection", (req) => {
      connections.set(String(req.name), (req.connection as Record<string, unknown>) ?? {});
      return { name: req.name, path: `/root/.rauto/connections/${req.name}.toml`, has_password: true, connection: req.connection };
    }),
    GetConnection: unary("GetConnection", (req) => {
      const c = connections.get(String(req.name));
      if (!c) return [404, { error: `connection '${req.name}' not found` }];
      return { json: JSON.stringify({ name: req.name, ...c, password: undefined, has_password: !!c.password }) };
    }),
    UpdateTemplate: unary("UpdateTemplate", (req) => {
      templates.set(`command/${req.name}`, String(req.content));
      return { name: req.name, content: req.content };
    }),
    TestConnection: unary("TestConnection", (req) => {
      const c = (req.connection as Record<string, unknown>) ?? {};
      return { ok: c.host !== "10.255.255.1", host: c.host ?? "", port: c.port ?? 22, username: c.username ?? "", device_profile: c.device_profile ?? "cisco_ios" };
    }),
    ListTemplates: unary("ListTemplates", () => ({ templates: [...templates.keys()].filter((k) => k.startsWith("command/")).map((k) => ({ name: k.slice(8), kind: "command" })) })),
    GetTemplate: unary("GetTemplate", (req) => ({ name: req.name, content: templates.get(`command/${req.name}`) ?? "" })),
    CreateTemplate: unary("CreateTemplate", (req) => {
      templates.set(`command/${req.name}`, String(req.content));
      return { name: req.name, content: req.content };
    }),
    ListDeviceProfiles: unary("ListDeviceProfiles", () => ({ builtins: [{ name: "cisco_ios", aliases: ["cisco"], summary: "Cisco IOS" }], custom: [], all: ["cisco_ios"] })),
    ListProfileModes: unary("ListProfileModes", (req) => ({ name: req.name, default_mode: "Enable", modes: ["Login", "Enable", "Config"] })),
    ProbeDevices: unary("ProbeDevices", (req) => {
      const names = (req.connections as string[]) ?? [];
      const results = names.map((name, i) => ({ name, host: `10.1.0.${i + 1}`, port: 22, device_profile: "cisco_ios", reachable: i % 2 === 0, error: i % 2 === 0 ? "" : "timeout" }));
      return { results, total: results.length, reachable_count: results.filter((r) => r.reachable).length, unreachable_count: results.filter((r) => !r.reachable).length };
    }),
    ExecuteTxBlockAsync: asyncRpc("ExecuteTxBlockAsync", "tx_block"),
    ExecuteTxWorkflowAsync: asyncRpc("ExecuteTxWorkflowAsync", "tx_workflow"),
    ExecuteOrchestrationAsync: asyncRpc("ExecuteOrchestrationAsync", "orchestrate"),
  });
  const grpcPort = await new Promise<number>((resolve, reject) => grpcServer.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))));

  // ------------------------------------------- one port, both protocols
  const front = net.createServer((socket) => {
    socket.once("data", (first) => {
      const isH2 = first.subarray(0, 3).toString() === "PRI";
      const target = net.connect(isH2 ? grpcPort : (httpServer.address() as AddressInfo).port, "127.0.0.1", () => {
        target.write(first);
        socket.pipe(target).pipe(socket);
      });
      target.on("error", () => socket.destroy());
      socket.on("error", () => target.destroy());
    });
  });
  await new Promise<void>((r) => front.listen(0, "127.0.0.1", () => r()));
  const port = (front.address() as AddressInfo).port;

  return {
    name: opts.name,
    port,
    mode: opts.mode,
    received,
    behaviour,
    reporter,
    dispatches: () => received.filter((r) => r.call.includes("async") || r.call.includes("Async")),
    async register() {
      const r = await reporter.register({ host: "127.0.0.1", port, capabilities: opts.profiles ?? ["cisco_ios", "huawei"] });
      if (!r.ok) throw new Error(`register failed: ${r.code} ${r.message}`);
    },
    async reportDevices(names, profile = "cisco_ios") {
      for (const n of names) connections.set(n, { host: "10.0.0.1", port: 22, device_profile: profile });
      const r = await reporter.reportDevices(names.map((name, i) => ({ name, host: `10.0.0.${i + 1}`, port: 22, device_profile: profile })));
      if (!r.ok) throw new Error(`report-devices failed: ${r.code} ${r.message}`);
    },
    async close() {
      for (const t of timers) clearTimeout(t);
      reporter.close();
      grpcServer.forceShutdown();
      httpServer.closeAllConnections();
      await new Promise<void>((r) => httpServer.close(() => r()));
      await new Promise<void>((r) => front.close(() => r()));
    },
  };
}

// One Prometheus registry per process (per AppContext, so tests stay apart).
// Counters and histograms are fed by the transports; gauges that describe the
// database (agents, runs, queue, pool) are read on scrape, one SQL each.
import client from "prom-client";
import type { Runner } from "graphile-worker";
import type { AppContext } from "../app-context.ts";

const AGENT_STATUSES = ["online", "offline", "error"] as const;
const RUN_STATUSES = ["pending", "waiting_lock", "delivering", "accepted", "running", "success", "failed", "cancelled", "timed_out"] as const;
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export function createMetrics(app: Pick<AppContext, "pool">) {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry, prefix: "switchyard_" });
  const pool = app.pool;

  const httpRequests = new client.Counter({
    name: "switchyard_http_requests_total",
    help: "HTTP requests by route and status code",
    labelNames: ["method", "route", "code"] as const,
    registers: [registry],
  });
  const httpDuration = new client.Histogram({
    name: "switchyard_http_request_duration_seconds",
    help: "HTTP request latency by route",
    labelNames: ["method", "route", "code"] as const,
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  const grpcRequests = new client.Counter({
    name: "switchyard_grpc_requests_total",
    help: "gRPC agent reports by method and status code",
    labelNames: ["method", "code"] as const,
    registers: [registry],
  });
  const grpcDuration = new client.Histogram({
    name: "switchyard_grpc_request_duration_seconds",
    help: "gRPC agent report latency by method",
    labelNames: ["method", "code"] as const,
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  const taskEvents = new client.Counter({
    name: "switchyard_task_events_ingested_total",
    help: "Task events accepted from agents, by transport",
    labelNames: ["transport"] as const,
    registers: [registry],
  });
  const jobWait = new client.Histogram({
    name: "switchyard_job_wait_seconds",
    help: "Time from a job's run_at to a worker starting it, by task",
    labelNames: ["task"] as const,
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60],
    registers: [registry],
  });
  const jobDuration = new client.Histogram({
    name: "switchyard_job_duration_seconds",
    help: "Job run time by task and outcome",
    labelNames: ["task", "outcome"] as const,
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });

  new client.Gauge({
    name: "switchyard_agents",
    help: "Agents by status",
    labelNames: ["status"] as const,
    registers: [registry],
    async collect() {
      const { rows } = await pool.query<{ status: string; n: number }>("SELECT status::text AS status, count(*)::int AS n FROM agents GROUP BY status");
      for (const s of AGENT_STATUSES) this.set({ status: s }, rows.find((r) => r.status === s)?.n ?? 0);
    },
  });
  new client.Gauge({
    name: "switchyard_task_runs",
    help: "Task runs by status",
    labelNames: ["status"] as const,
    registers: [registry],
    async collect() {
      const { rows } = await pool.query<{ status: string; n: number }>("SELECT status::text AS status, count(*)::int AS n FROM task_runs GROUP BY status");
      for (const s of RUN_STATUSES) this.set({ status: s }, rows.find((r) => r.status === s)?.n ?? 0);
    },
  });
  new client.Gauge({
    name: "switchyard_queue_jobs_ready",
    help: "Queue jobs due now and not yet taken by a worker",
    registers: [registry],
    async collect() {
      const { rows } = await pool.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM graphile_worker._private_jobs WHERE is_available AND run_at <= now()",
      );
      this.set(rows[0]?.n ?? 0);
    },
  });
  new client.Gauge({
    name: "switchyard_db_pool_connections",
    help: "Database pool connections: total, idle, and callers waiting for one",
    labelNames: ["state"] as const,
    registers: [registry],
    collect() {
      this.set({ state: "total" }, pool.totalCount);
      this.set({ state: "idle" }, pool.idleCount);
      this.set({ state: "waiting" }, pool.waitingCount);
    },
  });

  return {
    registry,
    observeHttp(method: string, route: string, code: number, seconds: number) {
      const labels = { method, route, code: String(code) };
      httpRequests.inc(labels);
      httpDuration.observe(labels, seconds);
      if (route === "/api/agents/report-task-event" && code < 300) taskEvents.inc({ transport: "http" });
    },
    observeGrpc(method: string, code: string, seconds: number) {
      grpcRequests.inc({ method, code });
      grpcDuration.observe({ method, code }, seconds);
      if (method === "ReportTaskEvent" && code === "OK") taskEvents.inc({ transport: "grpc" });
    },
    /** job wait and run time from the queue runner's events */
    observeWorker(runner: Pick<Runner, "events">) {
      const started = new Map<string, number>();
      runner.events.on("job:start", ({ job }) => {
        started.set(job.id, performance.now());
        jobWait.observe({ task: job.task_identifier }, Math.max(0, (Date.now() - new Date(job.run_at).getTime()) / 1000));
      });
      runner.events.on("job:complete", ({ job, error }) => {
        const t0 = started.get(job.id);
        started.delete(job.id);
        if (t0 !== undefined) jobDuration.observe({ task: job.task_identifier, outcome: error ? "error" : "success" }, (performance.now() - t0) / 1000);
      });
    },
  };
}
export type Metrics = ReturnType<typeof createMetrics>;

const byPool = new WeakMap<object, Metrics>();
/** The metrics of the process serving this app (created on first use). */
export function metricsFor(app: Pick<AppContext, "pool">): Metrics {
  let m = byPool.get(app.pool);
  if (!m) {
    m = createMetrics(app);
    byPool.set(app.pool, m);
  }
  return m;
}

const AGENT_ROUTES = new Set(["register", "heartbeat", "offline", "report-devices", "update-device-status", "report-error", "report-task-event", "report-task-callback"]);

/**
 * A bounded route label: never the raw URL (ids and queries would explode the
 * series). `procedures` is the set of tRPC procedure paths that exist.
 */
export function routeLabel(path: string, procedures: ReadonlySet<string>): string {
  if (path === "/healthz" || path === "/readyz" || path === "/metrics") return path;
  if (path.startsWith("/api/agents/")) {
    const name = path.slice("/api/agents/".length);
    return AGENT_ROUTES.has(name) ? path : "/api/agents/(unknown)";
  }
  if (path.startsWith("/trpc/")) {
    const name = path.slice("/trpc/".length);
    if (procedures.has(name)) return path;
    return name.includes(",") ? "/trpc/(batch)" : "/trpc/(unknown)";
  }
  return "other";
}

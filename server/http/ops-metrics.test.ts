// /metrics on a live server after real agent traffic on both transports, and
// the `system` operations API (status, drain, maintenance locks).
import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFleet, waitFor, type Fleet } from "../../test/helpers/fleet.ts";
import { TEST_AGENT_KEY } from "../../test/helpers/app.ts";
import { createCaller } from "../trpc/router.ts";
import { createContextInner } from "../trpc/trpc.ts";
import { parseMetrics } from "../../test/ops/metrics-text.ts";
import { metricsFor, routeLabel } from "../metrics/registry.ts";
import { DISPATCH_TASK } from "../services/queue.ts";

let f: Fleet;
beforeAll(async () => {
  f = await startFleet();
  metricsFor(f.app).observeWorker(f.workers[0]!);
});
afterAll(async () => f.close());

const scrape = async () => {
  const res = await fetch(`${f.web.url}/metrics`);
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toMatch(/^text\/plain;.*version=0\.0\.4/);
  return parseMetrics(await res.text());
};

async function trpcErrorOf(p: Promise<unknown>) {
  const e = await p.then(() => null, (err: unknown) => err);
  expect(e).toBeInstanceOf(TRPCError);
  return e as TRPCError;
}

describe("/metrics", () => {
  it("counts agent traffic by route, method and code, task events by transport, and reads gauges from the database", async () => {
    const h = await f.agent("metrics-http", "http");
    const g = await f.agent("metrics-grpc", "grpc");
    for (const a of [h, g]) {
      const { id } = await f.caller.tasks.create({ type: "exec", targets: [{ agentId: a.id, connection: "core-1" }], payload: { command: "show clock", mode: "Enable" } });
      await waitFor(() => f.caller.tasks.get({ id }), (t) => t.status === "success", 15_000, `task on ${a.name}`);
    }
    // refused and unknown traffic lands on bounded labels
    expect((await fetch(`${f.web.url}/api/agents/heartbeat`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" })).status).toBe(401);
    await fetch(`${f.web.url}/api/agents/no-such-endpoint-${Date.now()}`, { method: "POST", headers: { authorization: `Bearer ${TEST_AGENT_KEY}` } });
    await fetch(`${f.web.url}/trpc/nope.${Date.now()}`);
    await fetch(`${f.web.url}/some/page?id=${Date.now()}`);
    expect((await fetch(`${f.web.url}/healthz`)).status).toBe(200);

    const m = await scrape();
    const http = (route: string, code: string, method = "POST") => m.value("switchyard_http_requests_total", { method, route, code });
    expect(http("/api/agents/register", "201")).toBe(1);
    expect(http("/api/agents/report-devices", "200")).toBe(1);
    expect(http("/api/agents/report-task-event", "200")).toBe(3);
    expect(http("/api/agents/report-task-callback", "200")).toBe(1);
    expect(http("/api/agents/heartbeat", "401")).toBe(1);
    expect(http("/api/agents/(unknown)", "404")).toBe(1);
    expect(http("/trpc/(unknown)", "404", "GET")).toBe(1);
    expect(http("other", "404", "GET")).toBe(1);
    expect(http("/healthz", "200", "GET")).toBe(1);
    expect(m.value("switchyard_http_request_duration_seconds_count", { method: "POST", route: "/api/agents/report-task-event", code: "200" })).toBe(3);
    expect(m.value("switchyard_http_request_duration_seconds_bucket", { method: "POST", route: "/api/agents/report-task-event", code: "200", le: "+Inf" })).toBe(3);
    // no raw URL ever becomes a label
    expect(m.samples.filter((s) => s.labels.route && !/^(\/api\/agents\/|\/trpc\/|\/healthz$|\/readyz$|\/metrics$|other$)/.test(s.labels.route))).toEqual([]);

    const grpc = (method: string, code: string) => m.value("switchyard_grpc_requests_total", { method, code });
    expect(grpc("RegisterAgent", "OK")).toBe(1);
    expect(grpc("ReportDevices", "OK")).toBe(1);
    expect(grpc("ReportTaskEvent", "OK")).toBe(3);
    expect(grpc("ReportTaskCallback", "OK")).toBe(1);
    expect(m.value("switchyard_grpc_request_duration_seconds_count", { method: "ReportTaskEvent", code: "OK" })).toBe(3);

    expect(m.value("switchyard_task_events_ingested_total", { transport: "http" })).toBe(3);
    expect(m.value("switchyard_task_events_ingested_total", { transport: "grpc" })).toBe(3);
    expect(m.value("switchyard_agents", { status: "online" })).toBe(2);
    expect(m.value("switchyard_agents", { status: "offline" })).toBe(0);
    expect(m.value("switchyard_task_runs", { status: "success" })).toBe(2);
    expect(m.value("switchyard_task_runs", { status: "pending" })).toBe(0);
    expect(m.value("switchyard_job_wait_seconds_count", { task: DISPATCH_TASK })).toBe(2);
    expect(m.value("switchyard_job_duration_seconds_count", { task: DISPATCH_TASK, outcome: "success" })).toBe(2);
    expect(m.value("switchyard_queue_jobs_ready")).toBeGreaterThanOrEqual(0);
    expect(m.value("switchyard_db_pool_connections", { state: "total" })).toBeGreaterThan(0);
    expect(m.value("switchyard_db_pool_connections", { state: "total" })).toBeLessThanOrEqual(10); // the test pool's max
    expect(m.value("switchyard_db_pool_connections", { state: "waiting" })).toBeGreaterThanOrEqual(0);
    expect(m.value("switchyard_process_resident_memory_bytes")).toBeGreaterThan(0);
  });

  it("shows due queue jobs in the queue depth gauge and a heartbeat of an offline agent in the agent gauge", async () => {
    await f.database.pool.query(`SELECT graphile_worker.add_job('ops:test_noop', '{}', run_at := now() - interval '1 second', queue_name := 'ops-test-held')`);
    // lock the job's queue so no worker takes it while we look
    await f.database.pool.query(`UPDATE graphile_worker._private_job_queues SET locked_at = now(), locked_by = 'ops-test' WHERE queue_name = 'ops-test-held'`);
    await f.database.db.agent.update({ where: { name: "metrics-http" }, data: { status: "offline" } });
    const m = await scrape();
    expect(m.value("switchyard_queue_jobs_ready")).toBeGreaterThanOrEqual(1);
    expect(m.value("switchyard_agents", { status: "offline" })).toBe(1);
    expect(m.value("switchyard_agents", { status: "online" })).toBe(1);
  });

  it("keeps route labels bounded", () => {
    const procs = new Set(["tasks.list"]);
    expect(routeLabel("/trpc/tasks.list", procs)).toBe("/trpc/tasks.list");
    expect(routeLabel("/trpc/tasks.list,tasks.get", procs)).toBe("/trpc/(batch)");
    expect(routeLabel("/trpc/x", procs)).toBe("/trpc/(unknown)");
    expect(routeLabel("/api/agents/heartbeat", procs)).toBe("/api/agents/heartbeat");
    expect(routeLabel("/api/agents/a1b2", procs)).toBe("/api/agents/(unknown)");
    expect(routeLabel("/agents/123", procs)).toBe("other");
  });
});

describe("system operations API", () => {
  it("reports version, roles, migrations, agent counts and queue", async () => {
    const s = await f.caller.system.status();
    expect(s.version).toBe("0.1.0");
    expect(s.roles).toEqual(["web", "grpc", "worker"]);
    expect(s.migrations).toMatchObject({ pending: [], failed: [] });
    expect(s.migrations.applied).toBe(s.migrations.total);
    expect(s.migrations.total).toBeGreaterThan(0);
    expect(s.postgres).toMatch(/^18\./);
    expect(s.agents.online + s.agents.offline).toBeGreaterThanOrEqual(0);
    expect(s.draining).toBe(false);
  });

  it("takes, lists, expires and releases maintenance locks", async () => {
    const lock = await f.caller.system.lockMaintenance({ reason: "core switch upgrade", owner: "alice", minutes: 30 });
    expect(lock.expiresAt!.getTime()).toBeGreaterThan(Date.now() + 29 * 60_000);
    await f.database.db.maintenanceLock.create({ data: { owner: "bob", reason: "old", expiresAt: new Date(Date.now() - 1000) } });
    const locks = await f.caller.system.maintenanceLocks();
    expect(locks.map((l) => [l.owner, l.reason])).toEqual([["alice", "core switch upgrade"]]);
    expect((await f.caller.system.status()).maintenanceLocks).toHaveLength(1);
    expect((await trpcErrorOf(f.caller.system.lockMaintenance({ reason: " ", owner: "alice" }))).code).toBe("BAD_REQUEST");
    await f.caller.system.unlockMaintenance({ id: lock.id });
    expect(await f.caller.system.maintenanceLocks()).toEqual([]);
    expect((await trpcErrorOf(f.caller.system.unlockMaintenance({ id: lock.id }))).code).toBe("NOT_FOUND");
  });

  it("is for administrators: an operator can read the locks but not drain, lock or read the status", async () => {
    const operator = createCaller(
      createContextInner({ app: f.app, user: { id: "00000000-0000-4000-8000-000000000001", username: "op", role: "operator", locale: "en", theme: "light" }, sessionId: "s" }),
    );
    expect(await operator.system.maintenanceLocks()).toEqual([]);
    for (const p of [operator.system.drain(), operator.system.status(), operator.system.lockMaintenance({ reason: "x", owner: "op" })]) {
      expect((await trpcErrorOf(p)).code).toBe("FORBIDDEN");
    }
    expect(f.app.runtime.draining).toBe(false);
  });

  it("drains: new tasks are refused with a clear message, /readyz is 503, agent reports still land; resume undoes it", async () => {
    const a = await f.agent("drain-http", "http");
    expect((await fetch(`${f.web.url}/readyz`)).status).toBe(200);
    expect(await f.caller.system.drain()).toEqual({ draining: true });
    const e = await trpcErrorOf(f.caller.tasks.create({ type: "exec", targets: [{ agentId: a.id, connection: "core-1" }], payload: { command: "show clock", mode: "Enable" } }));
    expect(e.code).toBe("SERVICE_UNAVAILABLE");
    expect(e.message).toBe("Switchyard is shutting down; submit again in a moment.");
    expect(await f.database.db.task.count({ where: { runs: { some: { agentId: a.id } } } })).toBe(0);
    const ready = await fetch(`${f.web.url}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toEqual({ status: "draining" });
    expect((await a.reporter.heartbeat()).code).toBe(200);
    expect((await f.caller.system.status()).draining).toBe(true);

    expect(await f.caller.system.resume()).toEqual({ draining: false });
    expect((await fetch(`${f.web.url}/readyz`)).status).toBe(200);
    const { id } = await f.caller.tasks.create({ type: "exec", targets: [{ agentId: a.id, connection: "core-1" }], payload: { command: "show clock", mode: "Enable" } });
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
  });
});

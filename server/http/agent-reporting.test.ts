// The agent reporting contract, end to end on both transports, against an
// emulated rauto agent (real HTTP client / real grpc-js client).
import { status as GrpcStatus } from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startManager, type Manager } from "../../test/helpers/servers.ts";
import { TEST_AGENT_KEY } from "../../test/helpers/app.ts";
import { grpcCall, reportingClient, type EmulatedAgent, type Reply } from "../../test/helpers/agent-emulator.ts";

let m: Manager;
beforeAll(async () => {
  m = await startManager();
});
afterAll(async () => m.close());

const NOT_FOUND = { http: 404, grpc: GrpcStatus.NOT_FOUND };
const expectCode = (r: Reply, a: EmulatedAgent, codes: { http: number; grpc: number }) => expect({ code: r.code, message: r.message }).toMatchObject({ code: codes[a.transport] });

async function makeRun(agentName: string, connection = "core-1") {
  const agent = await m.database.db.agent.findUniqueOrThrow({ where: { name: agentName } });
  const task = await m.database.db.task.create({
    data: { type: "exec", payload: { command: "show version" }, targetSpec: [], deadlineSeconds: 60, runsTotal: 1, status: "running" },
  });
  const run = await m.database.db.taskRun.create({
    data: { taskId: task.id, agentId: agent.id, agentName, connection, operation: "exec", status: "accepted", deliveredAt: new Date() },
  });
  return { task, run };
}

describe.each(["http", "grpc"] as const)("agent life over %s", (transport) => {
  const name = `edge-${transport}-01`;
  let a: EmulatedAgent;
  beforeAll(() => {
    a = m.agent(transport, name);
  });

  it("registers, saves the transport it came in on, and raises one online notification", async () => {
    const r = await a.register({ host: "10.9.0.5", port: 8123, version: "0.4.2", connections_count: 3, templates_count: 2 });
    expect(r.ok).toBe(true);
    if (transport === "http") {
      expect(r.code).toBe(201);
      expect(r.body).toMatchObject({ success: true, data: { name, status: "online" } });
    } else expect(r.body).toEqual({ success: true });
    const row = await m.database.db.agent.findUniqueOrThrow({ where: { name } });
    expect(row).toMatchObject({ host: "10.9.0.5", port: 8123, reportMode: transport, status: "online", version: "0.4.2", connectionsCount: 3, templatesCount: 2 });
    expect(row.capabilities).toContain("tx_workflow");
    // re-registering an online agent is not news
    expect((await a.register({ host: "10.9.0.5" })).ok).toBe(true);
    expect(await m.database.db.notification.count({ where: { entityId: row.id, type: "agent_online" } })).toBe(1);
  });

  it("heartbeats update the counters; an unknown agent is told to register", async () => {
    const r = await a.heartbeat({ running_tasks: 2, connections_count: 5, templates_count: 7, uptime_seconds: 3601 });
    expect(r.ok).toBe(true);
    const row = await m.database.db.agent.findUniqueOrThrow({ where: { name } });
    expect(row).toMatchObject({ runningTasks: 2, connectionsCount: 5, templatesCount: 7 });
    expect(Number(row.uptimeSeconds)).toBe(3601);
    expect(Date.now() - row.lastHeartbeatAt!.getTime()).toBeLessThan(5000);
    const ghost = m.agent(transport, `ghost-${transport}`);
    const g = await ghost.heartbeat();
    expectCode(g, ghost, NOT_FOUND);
    expect(g.message).toMatch(/not registered.*register/);
    expect(await m.database.db.agent.count({ where: { name: `ghost-${transport}` } })).toBe(0);
  });

  it("syncs the inventory as a full sync: upserts, marks missing devices removed, restores them", async () => {
    const devs = (n: number) => Array.from({ length: n }, (_, i) => ({ name: `sw-${i}`, host: `10.0.1.${i}`, port: 22, device_profile: "cisco_ios" }));
    const r1 = await a.reportDevices(devs(5));
    expect(r1.ok).toBe(true);
    if (transport === "http") expect(r1.body).toMatchObject({ success: true, data: { synced: 5 } });
    else expect(r1.body).toEqual({ success: true, synced: 5 });
    const agent = await m.database.db.agent.findUniqueOrThrow({ where: { name } });
    expect(await m.database.db.device.count({ where: { agentId: agent.id, removedAt: null } })).toBe(5);

    await a.reportDevices(devs(3).map((d) => (d.name === "sw-1" ? { ...d, host: "10.0.9.9" } : d)));
    const rows = await m.database.db.device.findMany({ where: { agentId: agent.id }, orderBy: { name: "asc" } });
    expect(rows.map((d) => [d.name, d.removedAt === null])).toEqual([["sw-0", true], ["sw-1", true], ["sw-2", true], ["sw-3", false], ["sw-4", false]]);
    expect(rows.find((d) => d.name === "sw-1")!.host).toBe("10.0.9.9");

    await a.reportDevices(devs(5));
    expect(await m.database.db.device.count({ where: { agentId: agent.id, removedAt: null } })).toBe(5);
    expect(await m.database.db.device.count({ where: { agentId: agent.id } })).toBe(5);
  });

  it("updates reachability and keeps state changes as history", async () => {
    const r = await a.updateDeviceStatus([
      { name: "sw-0", host: "10.0.1.0", reachable: true },
      { name: "sw-1", host: "10.0.9.9", reachable: false },
      { name: "not-a-device", host: "1.1.1.1", reachable: true },
    ]);
    expect(r.ok).toBe(true);
    if (transport === "http") expect(r.body).toMatchObject({ data: { updated: 2 } });
    else expect(r.body).toEqual({ success: true, updated: 2 });
    await a.updateDeviceStatus([{ name: "sw-0", host: "10.0.1.0", reachable: true }]);
    const agent = await m.database.db.agent.findUniqueOrThrow({ where: { name } });
    const sw0 = await m.database.db.device.findUniqueOrThrow({ where: { agentId_name: { agentId: agent.id, name: "sw-0" } } });
    const sw1 = await m.database.db.device.findUniqueOrThrow({ where: { agentId_name: { agentId: agent.id, name: "sw-1" } } });
    expect(sw0.status).toBe("reachable");
    expect(sw1.status).toBe("unreachable");
    expect(sw0.lastCheckedAt).not.toBeNull();
    // the repeated "reachable" is not a change
    expect(await m.database.db.deviceStatusEvent.count({ where: { deviceId: sw0.id } })).toBe(1);
  });

  it("stores error reports with a manager-generated event id", async () => {
    const before = await m.database.db.agentErrorReport.count();
    const r = await a.reportError({ category: "runtime", kind: "device_inventory_sync_failed", severity: "warning", occurred_at: new Date().toISOString(), retryable: true, message: "ssh timeout", details: { attempt: 3 } });
    expect(r.ok).toBe(true);
    if (transport === "http") {
      expect(r.code).toBe(202);
      expect((r.body as { data: { accepted: boolean; event_id: string } }).data).toMatchObject({ accepted: true, event_id: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    }
    expect(await m.database.db.agentErrorReport.count()).toBe(before + 1);
    const row = await m.database.db.agentErrorReport.findFirstOrThrow({ where: { agentName: name }, orderBy: { receivedAt: "desc" } });
    expect(row).toMatchObject({ kind: "device_inventory_sync_failed", retryable: true, details: { attempt: 3 } });
  });

  it("appends task events in order, completes runs through the callback once, and refuses unknown tasks", async () => {
    const { task, run } = await makeRun(name);
    for (const [i, ev] of (["started", "progress", "log"] as const).entries()) {
      const r = await a.taskEvent({ task_id: run.id, event_type: ev, message: `step ${i}`, level: "info", progress: i * 40, stage: "apply", details: { i } });
      expect(r.ok).toBe(true);
    }
    const events = await m.database.db.taskEvent.findMany({ where: { taskId: task.id }, orderBy: { seq: "asc" } });
    expect(events.map((e) => [e.seq, e.eventType])).toEqual([[1, "started"], [2, "progress"], [3, "log"]]);
    expect(events[2]!.details).toEqual({ i: 2 });
    expect((await m.database.db.taskRun.findUniqueOrThrow({ where: { id: run.id } })).status).toBe("running");

    const cb = { task_id: run.id, status: "success", execution_time_ms: 1234, result_summary: { operation: "exec", outcome: "success", success: true, summary: "1 command ok" }, result: { outputs: [{ command: "show version", output: "IOS 15.2", success: true }] } };
    expect((await a.taskCallback(cb)).ok).toBe(true);
    const done = await m.database.db.taskRun.findUniqueOrThrow({ where: { id: run.id } });
    expect(done).toMatchObject({ status: "success", resultSummary: cb.result_summary });
    expect(Number(done.executionTimeMs)).toBe(1234);
    expect((await m.database.db.task.findUniqueOrThrow({ where: { id: task.id } })).status).toBe("success");
    const history = await m.database.db.executionHistory.findMany({ where: { runId: run.id } });
    expect(history.map((h) => [h.command, h.output, h.status])).toEqual([["show version", "IOS 15.2", "success"]]);

    // the agent repeats its callback, now claiming failure: nothing changes
    expect((await a.taskCallback({ ...cb, status: "failed", error: "late" })).ok).toBe(true);
    expect((await m.database.db.taskRun.findUniqueOrThrow({ where: { id: run.id } })).status).toBe("success");
    expect(await m.database.db.executionHistory.count({ where: { runId: run.id } })).toBe(1);
    expect(await m.database.db.taskEvent.count({ where: { taskId: task.id } })).toBe(4);

    const unknown = "9b2f7c1e-0000-4000-8000-000000000000";
    expectCode(await a.taskEvent({ task_id: unknown, event_type: "log", message: "x", level: "info" }), a, NOT_FOUND);
    expectCode(await a.taskCallback({ task_id: "not-a-uuid", status: "success" }), a, NOT_FOUND);
    // another agent's run is not this agent's to report on
    const other = await makeRun(`edge-${transport === "http" ? "grpc" : "http"}-01`).catch(() => null);
    if (other) expectCode(await a.taskEvent({ task_id: other.run.id, event_type: "log", message: "x", level: "info" }), a, NOT_FOUND);
    expect(await m.database.db.taskEvent.count({ where: { taskId: other?.task.id ?? unknown } })).toBe(0);
  });

  it("records a callback for a cancelled run without reviving it", async () => {
    const { run } = await makeRun(name);
    await m.database.db.taskRun.update({ where: { id: run.id }, data: { status: "cancelled" } });
    expect((await a.taskCallback({ task_id: run.id, status: "success", result: { ok: 1 } })).ok).toBe(true);
    const after = await m.database.db.taskRun.findUniqueOrThrow({ where: { id: run.id } });
    expect(after.status).toBe("cancelled");
    expect(after.result).toEqual({ ok: 1 });
    expect(after.callbackAt).not.toBeNull();
  });

  it("an error report that the callback could not be delivered fails the run with the agent's reason", async () => {
    const { task, run } = await makeRun(name);
    const r = await a.reportError({ category: "async_delivery", kind: "task_callback_failed", severity: "error", occurred_at: new Date().toISOString(), retryable: false, message: "manager unreachable after 5 attempts", task_id: run.id });
    expect(r.ok).toBe(true);
    const after = await m.database.db.taskRun.findUniqueOrThrow({ where: { id: run.id } });
    expect(after.status).toBe("failed");
    expect(after.error).toMatch(/manager unreachable after 5 attempts/);
    const timeline = await m.database.db.taskEvent.findMany({ where: { taskId: task.id } });
    expect(timeline.map((e) => e.eventType)).toEqual(["agent_error"]);
    expect((await m.database.db.task.findUniqueOrThrow({ where: { id: task.id } })).status).toBe("failed");
  });

  it("goes offline at once on the offline notice, with one notification", async () => {
    expect((await a.offline()).ok).toBe(true);
    const row = await m.database.db.agent.findUniqueOrThrow({ where: { name } });
    expect(row.status).toBe("offline");
    expect(row.statusReason).toBe("offline_notice");
    await a.offline();
    expect(await m.database.db.notification.count({ where: { entityId: row.id, type: "agent_offline" } })).toBe(1);
    await a.heartbeat();
    expect((await m.database.db.agent.findUniqueOrThrow({ where: { name } })).status).toBe("online");
    expect(await m.database.db.notification.count({ where: { entityId: row.id, type: "agent_online" } })).toBe(2);
  });
});

// rauto's gRPC client (prost) does not put a proto3 field on the wire when it
// holds its zero value: false, 0, "" and empty lists are simply absent. The
// emulator's protobufjs client sends them, so these requests leave them out
// by hand, exactly as the real agent's bytes look.
describe("gRPC reports with zero-valued fields left out, as rauto sends them", () => {
  const name = "edge-grpc-zero";
  let client: ReturnType<typeof reportingClient>;
  const call = (method: string, req: Record<string, unknown>) => grpcCall(client, method, req, TEST_AGENT_KEY);
  beforeAll(async () => {
    client = reportingClient(m.grpcAddress);
    const a = m.agent("grpc", name);
    expect((await a.register()).ok).toBe(true);
    expect((await a.reportDevices([0, 1].map((i) => ({ name: `sw-${i}`, host: `10.0.2.${i}`, port: 22, device_profile: "cisco_ios" })))).ok).toBe(true);
    expect((await a.updateDeviceStatus([{ name: "sw-0", host: "10.0.2.0", reachable: true }])).ok).toBe(true);
  });
  afterAll(() => client.close());

  it("a device reported without `reachable` is unreachable", async () => {
    const r = await call("UpdateDeviceStatus", { name, devices: [{ name: "sw-0", host: "10.0.2.0" }, { name: "sw-1", host: "10.0.2.1", reachable: true }] });
    expect(r).toMatchObject({ ok: true, body: { success: true, updated: 2 } });
    const agent = await m.database.db.agent.findUniqueOrThrow({ where: { name } });
    const rows = await m.database.db.device.findMany({ where: { agentId: agent.id }, orderBy: { name: "asc" } });
    expect(rows.map((d) => [d.name, d.status])).toEqual([["sw-0", "unreachable"], ["sw-1", "reachable"]]);
  });

  it("an error report without `retryable` and `message` is stored as not retryable with an empty message", async () => {
    const r = await call("ReportError", { name, category: "sync", kind: "device_inventory_sync_failed", severity: "warning", occurred_at: new Date().toISOString() });
    expect(r).toMatchObject({ ok: true, body: { success: true } });
    const row = await m.database.db.agentErrorReport.findFirstOrThrow({ where: { agentName: name } });
    expect(row).toMatchObject({ retryable: false, message: "", category: "sync" });
  });

  it("a task event without `message` and a callback without `execution_time_ms` (0 ms) are accepted", async () => {
    const { task, run } = await makeRun(name);
    const ev = await call("ReportTaskEvent", { task_id: run.id, agent_name: name, event_type: "started", level: "info", occurred_at: new Date().toISOString() });
    expect(ev).toMatchObject({ ok: true });
    const cb = await call("ReportTaskCallback", { agent_name: name, task_id: run.id, status: "success", started_at: new Date().toISOString(), completed_at: new Date().toISOString() });
    expect(cb).toMatchObject({ ok: true });
    const events = await m.database.db.taskEvent.findMany({ where: { taskId: task.id }, orderBy: { seq: "asc" } });
    expect(events.map((e) => [e.eventType, e.message])).toEqual([["started", ""], ["callback", "Run succeeded"]]);
    const done = await m.database.db.taskRun.findUniqueOrThrow({ where: { id: run.id } });
    expect(done.status).toBe("success");
    expect(Number(done.executionTimeMs)).toBe(0);
  });

  it("an inventory report without `devices` is an empty inventory: every device is marked removed", async () => {
    const r = await call("ReportDevices", { name });
    expect(r).toMatchObject({ ok: true, body: { success: true, synced: 0 } });
    const agent = await m.database.db.agent.findUniqueOrThrow({ where: { name } });
    expect(await m.database.db.device.count({ where: { agentId: agent.id, removedAt: null } })).toBe(0);
    expect(await m.database.db.device.count({ where: { agentId: agent.id } })).toBe(2);
  });
});

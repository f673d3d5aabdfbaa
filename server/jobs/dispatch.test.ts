// The task engine end to end: tasks.create → queue → AgentTransport → an
// emulated rauto agent (real HTTP / gRPC servers on port 0) → events and
// callback back through the reporting contract.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFleet, waitFor, type Fleet } from "../../test/helpers/fleet.ts";

const EXAMPLES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../shared/contract/examples");
const example = (name: string) => JSON.parse(fs.readFileSync(path.join(EXAMPLES, name), "utf8")) as Record<string, unknown>;

let f: Fleet;
beforeAll(async () => {
  f = await startFleet();
});
afterAll(async () => f.close());

const taskOf = (id: string) => f.caller.tasks.get({ id });
const finalTask = (id: string, ms = 15_000) => waitFor(() => taskOf(id), (t) => !["pending", "running"].includes(t.status), ms, `task ${id} to finish`);

async function errorOf(p: Promise<unknown>) {
  const e = await p.then(() => null, (err: unknown) => err);
  expect(e).toBeInstanceOf(TRPCError);
  return e as TRPCError & { cause?: { details?: { fields?: Array<{ path: string; message: string }> } } };
}

describe.each(["http", "grpc"] as const)("dispatch to a %s agent", (mode) => {
  let a: Awaited<ReturnType<Fleet["agent"]>>;
  beforeAll(async () => {
    a = await f.agent(`dc1-${mode}`, mode);
  });

  it("runs exec end to end: delivered once with the run id, events in order, result and history stored", async () => {
    const { id } = await f.caller.tasks.create({ name: `exec ${mode}`, type: "exec", targets: [{ agentId: a.id, connection: "core-1" }], payload: { command: "show version", mode: "Enable" }, recordLevel: "full" });
    const t = await finalTask(id);
    expect(t.status).toBe("success");
    const run = t.runs[0]!;
    expect(run).toMatchObject({ status: "success", connection: "core-1", agentName: a.name, deliveryAttempts: 1, progress: 100 });
    const sent = a.dispatches();
    expect(sent).toHaveLength(1);
    // exec goes over the agent's HTTP API on both transports, as rauto's own manager does
    expect(sent[0]).toMatchObject({ transport: "http", call: "POST /api/exec/async", body: { task_id: run.id, record_level: "full", command: "show version", mode: "Enable", connection: { connection_name: "core-1" } } });
    expect(t.events.map((e) => e.eventType)).toEqual(["submitted", "delivered", "started", "progress", "completed", "callback"]);
    expect(t.events.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    // the manager's own events carry a message key for the console's other language
    const msg = (type: string) => (t.events.find((e) => e.eventType === type)!.details as { __msg?: unknown } | null)?.__msg;
    expect(msg("submitted")).toEqual({ key: "submitted", params: { type: "exec", n: 1 } });
    expect(msg("delivered")).toEqual({ key: "delivered", params: { agent: a.name, connection: "core-1" } });
    expect(msg("callback")).toEqual({ key: "runSucceeded", params: { detail: expect.any(String) } });
    expect(t.history.map((h) => [h.command, h.output, h.status])).toEqual([["show version", "output of show version", "success"]]);
  });

  it("runs template, tx_block, tx_workflow and orchestrate, each through the agent's own endpoint", async () => {
    const cases = [
      { type: "template" as const, payload: { template: "show-interfaces", vars: { intf: "Gi0/1" } }, call: mode === "grpc" ? "POST /api/template/execute/async" : "POST /api/template/execute/async", connection: "core-1" },
      { type: "tx_block" as const, payload: { tx_block: { name: "vlan", fail_fast: true, rollback_policy: "per_step", steps: [{ run: { kind: "command", mode: "Config", command: "vlan 10" }, rollback: { kind: "command", mode: "Config", command: "no vlan 10" } }] } }, call: mode === "grpc" ? "ExecuteTxBlockAsync" : "POST /api/tx/block/async", connection: "core-1" },
      { type: "tx_workflow" as const, payload: { workflow: example("core-vlan-workflow.json") }, call: mode === "grpc" ? "ExecuteTxWorkflowAsync" : "POST /api/tx/workflow/async", connection: "core-2" },
      { type: "orchestrate" as const, payload: { plan: example("campus-vlan-orchestration.json") }, call: mode === "grpc" ? "ExecuteOrchestrationAsync" : "POST /api/orchestrate/async", connection: undefined },
    ];
    for (const c of cases) {
      const before = a.dispatches().length;
      const { id } = await f.caller.tasks.create({ type: c.type, targets: [{ agentId: a.id, connection: c.connection }], payload: c.payload, dryRun: c.type !== "tx_block" });
      const t = await finalTask(id);
      expect(`${c.type}:${t.status}`).toBe(`${c.type}:success`);
      const sent = a.dispatches().slice(before);
      expect(sent.map((s) => s.call)).toEqual([c.call]);
      const body = sent[0]!.body;
      expect(body.task_id).toBe(t.runs[0]!.id);
      if (sent[0]!.transport === "grpc") {
        // plans travel as JSON strings over gRPC
        const jsonField = c.type === "tx_block" ? "tx_block_json" : c.type === "tx_workflow" ? "workflow_json" : "plan_json";
        const planKey = c.type === "tx_block" ? "tx_block" : c.type === "tx_workflow" ? "workflow" : "plan";
        expect(JSON.parse(String(body[jsonField]))).toEqual((c.payload as Record<string, unknown>)[planKey]);
        expect(body.dry_run).toBe(c.type !== "tx_block");
      } else {
        expect(body).toMatchObject({ ...c.payload, dry_run: c.type !== "tx_block" });
      }
      if (c.type === "orchestrate") expect(body.connection ?? null).toBeNull();
    }
  });

  it("retries a failed delivery with backoff and counts the attempts", async () => {
    a.behaviour.failFirst = a.dispatches().length + 2;
    try {
      const { id } = await f.caller.tasks.create({ type: "exec", targets: [{ agentId: a.id, connection: "core-2" }], payload: { command: "show clock" } });
      const t = await finalTask(id, 20_000);
      expect(t.status).toBe("success");
      expect(t.runs[0]!.deliveryAttempts).toBe(3);
      expect(t.events.filter((e) => e.eventType === "delivery_failed").map((e) => e.message)).toEqual([
        expect.stringMatching(/attempt 1 failed: Agent dc1-.* failed with 503: agent busy Retrying in 1 s/),
        expect.stringMatching(/attempt 2 failed: .* Retrying in 2 s/),
      ]);
    } finally {
      a.behaviour.failFirst = 0;
    }
  });

  it("does not retry a refusal, and says why", async () => {
    a.behaviour.dispatch = "reject-400";
    try {
      const { id } = await f.caller.tasks.create({ type: "exec", targets: [{ agentId: a.id, connection: "core-1" }], payload: { command: "show run" } });
      const t = await finalTask(id);
      expect(t.status).toBe("failed");
      expect(t.runs[0]).toMatchObject({ deliveryAttempts: 1, error: `Agent ${a.name} rejected the request (400): connection 'x' not found` });
    } finally {
      a.behaviour.dispatch = "accept";
    }
  });
});

describe("submit-time checks", () => {
  let a: Awaited<ReturnType<Fleet["agent"]>>;
  beforeAll(async () => {
    a = await f.agent("checks-1", "http");
  });

  it("rejects invalid payloads with field errors and writes nothing", async () => {
    const before = await f.database.db.task.count();
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ type: "exec", targets: [{ agentId: a.id, connection: "core-1" }], payload: { command: "" } }, "payload.command"],
      [{ type: "exec", targets: [{ agentId: a.id, connection: "core-1" }], payload: { command: "x" }, dryRun: true }, "dryRun"],
      [{ type: "template", targets: [{ agentId: a.id, connection: "core-1" }], payload: { vars: {} } }, "payload"],
      [{ type: "tx_workflow", targets: [{ agentId: a.id, connection: "core-1" }], payload: { workflow: { name: "w", blocks: "nope" } } }, "payload.workflow.blocks"],
      [{ type: "nope", targets: [{ agentId: a.id }], payload: {} }, "type"],
      [{ type: "exec", payload: { command: "x" } }, "targets"],
      [{ type: "exec", targets: [{ agentId: a.id }], payload: { command: "x" } }, "targets.0.connection"],
      [{ type: "exec", targets: [{ agentId: a.id, connection: "no-such-device" }], payload: { command: "x" } }, "targets.0.connection"],
      [{ type: "orchestrate", targets: [{ agentId: a.id, connection: "core-1" }], payload: { plan: example("campus-vlan-orchestration.json") } }, "targets.0.connection"],
      [{ type: "exec", targets: [{ agentId: "00000000-0000-4000-8000-000000000000", connection: "core-1" }], payload: { command: "x" } }, "targets.0.agentId"],
      [{ type: "exec", targets: [{ agentId: a.id, connection: "core-1" }], payload: { command: "x" }, retries: 99 }, "retries"],
    ];
    for (const [input, field] of cases) {
      const e = await errorOf(f.caller.tasks.create(input));
      expect(`${field}:${e.code}`).toBe(`${field}:BAD_REQUEST`);
      const fields = (e.cause?.details?.fields ?? []).map((x) => x.path);
      expect(fields.some((p) => p === field || p.startsWith(`${field}.`))).toBe(true);
    }
    expect(await f.database.db.task.count()).toBe(before);
  });

  it("refuses an agent that does not advertise the device's profile", async () => {
    const dev = await f.database.db.device.findFirstOrThrow({ where: { agentId: a.id, name: "core-2" } });
    await f.database.db.device.update({ where: { id: dev.id }, data: { deviceProfile: "juniper_junos" } });
    const e = await errorOf(f.caller.tasks.create({ type: "exec", targets: [{ agentId: a.id, connection: "core-2" }], payload: { command: "show version" } }));
    expect(e.code).toBe("PRECONDITION_FAILED");
    expect(e.message).toMatch(/does not advertise the device profile "juniper_junos"/);
    await f.database.db.device.update({ where: { id: dev.id }, data: { deviceProfile: "cisco_ios" } });
  });

  it("refuses an offline agent unless asked to queue, then delivers when it returns", async () => {
    await a.reporter.offline();
    const e = await errorOf(f.caller.tasks.create({ type: "exec", targets: [{ agentId: a.id, connection: "core-1" }], payload: { command: "show ip route" } }));
    expect(e.code).toBe("PRECONDITION_FAILED");
    expect(e.message).toMatch(/checks-1 is offline.*queue until the agent returns/);
    const { id } = await f.caller.tasks.create({ type: "exec", targets: [{ agentId: a.id, connection: "core-1" }], payload: { command: "show ip route" }, queueIfOffline: true });
    await new Promise((r) => setTimeout(r, 500));
    const waiting = await taskOf(id);
    expect(waiting.runs[0]).toMatchObject({ status: "pending", statusDetail: "waiting for agent checks-1 to come online" });
    await a.reporter.heartbeat();
    expect((await finalTask(id)).status).toBe("success");
  });

  it("targets devices by label and agents by capability", async () => {
    const other = await f.agent("checks-2", "grpc", { devices: ["edge-1", "edge-2", "edge-3"], profiles: ["cisco_ios", "huawei"] });
    const devs = await f.database.db.device.findMany({ where: { agentId: { in: [a.id, other.id] }, name: { in: ["core-1", "edge-2"] } } });
    for (const d of devs) await f.caller.devices.setLabels({ id: d.id, labels: ["site:sh", "role:core"] });
    const { id } = await f.caller.tasks.create({ type: "exec", selector: { deviceLabels: ["site:sh"] }, payload: { command: "show version" } });
    const t = await finalTask(id);
    expect(t.runs.map((r) => `${r.agentName}/${r.connection}`).sort()).toEqual(["checks-1/core-1", "checks-2/edge-2"]);
    const none = await errorOf(f.caller.tasks.create({ type: "exec", selector: { deviceLabels: ["site:nowhere"] }, payload: { command: "x" } }));
    expect(none.message).toMatch(/matches no device/);
    const byCap = await f.caller.tasks.create({ type: "orchestrate", selector: { agentCapabilities: ["huawei"], agentIds: [other.id] }, payload: { plan: example("campus-vlan-orchestration.json") }, dryRun: true });
    expect((await finalTask(byCap.id)).runs.map((r) => r.agentName)).toEqual(["checks-2"]);
  });
});

describe("deadlines, retries, cancel, locks", () => {
  let a: Awaited<ReturnType<Fleet["agent"]>>;
  beforeAll(async () => {
    a = await f.agent("ops-1", "http", { devices: ["r1", "r2", "r3"] });
  });

  it("fails a run that never calls back at its deadline, after asking the agent", async () => {
    a.behaviour.completeAfterMs = null;
    try {
      const { id } = await f.caller.tasks.create({ type: "exec", targets: [{ agentId: a.id, connection: "r1" }], payload: { command: "reload" }, deadlineSeconds: 1 });
      const t = await finalTask(id, 10_000);
      expect(t.status).toBe("timed_out");
      expect(t.runs[0]!.error).toBe("No callback from ops-1 within 1 s. The agent reports 0 running task(s).");
      expect(t.events.find((e) => e.eventType === "timed_out")!.details).toEqual({ __msg: { key: "noCallbackRunning", params: { agent: "ops-1", after: "1 s", running: 0 } } });
      expect(a.received.some((r) => r.call === "GET /api/agent/status")).toBe(true);
    } finally {
      a.behaviour.completeAfterMs = 20;
    }
  });

  it("fails a run whose agent vanished mid-run at the deadline, saying the agent is gone", async () => {
    const ghost = await f.agent("vanish-1", "http", { behaviour: { completeAfterMs: null } });
    const { id } = await f.caller.tasks.create({ type: "exec", targets: [{ agentId: ghost.id, connection: "core-1" }], payload: { command: "reload" }, deadlineSeconds: 1 });
    await waitFor(() => taskOf(id), (t) => t.runs[0]!.status === "accepted", 5000, "delivered");
    await ghost.close();
    const t = await finalTask(id, 10_000);
    expect(t.status).toBe("timed_out");
    expect(t.runs[0]!.error).toMatch(/^No callback from vanish-1 within 1 s\. The agent did not answer a status check: Agent vanish-1 refused the connection at 127\.0\.0\.1:\d+/);
  });

  it("retries a failed execution only when asked, with a new task id per attempt", async () => {
    a.behaviour.outcome = "failed";
    try {
      const plain = await f.caller.tasks.create({ type: "exec", targets: [{ agentId: a.id, connection: "r2" }], payload: { command: "copy run start" } });
      expect((await finalTask(plain.id)).runs[0]).toMatchObject({ status: "failed", executionAttempts: 1, error: "device said no" });
      const before = a.dispatches().length;
      const retried = await f.caller.tasks.create({ type: "exec", targets: [{ agentId: a.id, connection: "r2" }], payload: { command: "copy run start" }, retries: 1 });
      const t = await finalTask(retried.id);
      expect(t.runs[0]).toMatchObject({ status: "failed", executionAttempts: 2 });
      const runId = t.runs[0]!.id;
      expect(a.dispatches().slice(before).map((d) => d.body.task_id)).toEqual([runId, `${runId}.2`]);
    } finally {
      a.behaviour.outcome = "success";
    }
  });

  it("cancels undelivered runs at once and marks delivered ones cancel-requested until the deadline", async () => {
    a.behaviour.completeAfterMs = null;
    try {
      const running = await f.caller.tasks.create({ type: "exec", targets: [{ agentId: a.id, connection: "r3" }], payload: { command: "ping" }, deadlineSeconds: 2 });
      await waitFor(() => taskOf(running.id), (t) => t.runs[0]!.status === "accepted", 5000, "delivery");
      const res = await f.caller.tasks.cancel({ id: running.id });
      expect(res).toEqual({ cancelled: 0, cancelRequested: 1 });
      const mid = await taskOf(running.id);
      expect(mid.runs[0]!.statusDetail).toMatch(/^cancel requested/);
      expect((await finalTask(running.id, 10_000)).status).toBe("cancelled");
    } finally {
      a.behaviour.completeAfterMs = 20;
    }
    await a.reporter.offline();
    const queued = await f.caller.tasks.create({ type: "exec", targets: [{ agentId: a.id, connection: "r3" }], payload: { command: "ping" }, queueIfOffline: true });
    expect(await f.caller.tasks.cancel({ id: queued.id })).toEqual({ cancelled: 1, cancelRequested: 0 });
    expect((await taskOf(queued.id)).status).toBe("cancelled");
    await a.reporter.heartbeat();
    await new Promise((r) => setTimeout(r, 300));
    const queuedRun = (await taskOf(queued.id)).runs[0]!.id;
    expect(a.dispatches().filter((d) => String(d.body.task_id) === queuedRun)).toHaveLength(0);
  });

  it("never runs two changes on one device at once: the second waits for the lock, or fails fast", async () => {
    a.behaviour.completeAfterMs = 600;
    try {
      const first = await f.caller.tasks.create({ type: "exec", targets: [{ agentId: a.id, connection: "r1" }], payload: { command: "conf t" } });
      const firstTask = await waitFor(() => taskOf(first.id), (t) => t.runs[0]!.status === "accepted", 5000, "first delivered");
      const second = await f.caller.tasks.create({ type: "tx_block", targets: [{ agentId: a.id, connection: "r1" }], payload: { tx_block: { name: "b", fail_fast: true, rollback_policy: "none", steps: [{ run: { kind: "command", mode: "Config", command: "x" } }] } } });
      const waiting = await waitFor(() => taskOf(second.id), (t) => t.runs[0]!.status === "waiting_lock", 5000, "second waits");
      expect(waiting.runs[0]!.statusDetail).toMatch(/^waiting for device lock: device r1 on ops-1 is locked by run/);
      const waitEvent = waiting.events.find((e) => e.eventType === "waiting_lock")!;
      expect(waitEvent.details).toEqual({ __msg: { key: "waitingLock", params: { device: "r1", agent: "ops-1", run: firstTask.runs[0]!.id.slice(0, 8), task: first.id.slice(0, 8) } } });
      const failFast = await f.caller.tasks.create({ type: "exec", targets: [{ agentId: a.id, connection: "r1" }], payload: { command: "y" }, lockPolicy: "fail" });
      expect((await finalTask(failFast.id)).runs[0]!.error).toMatch(/^Not started: device r1 on ops-1 is locked/);
      const [t1, t2] = [await finalTask(first.id), await finalTask(second.id)];
      expect([t1.status, t2.status]).toEqual(["success", "success"]);
      // the second was delivered only after the first's result came in
      expect(t2.runs[0]!.deliveredAt!.getTime()).toBeGreaterThanOrEqual(t1.runs[0]!.completedAt!.getTime() - 50);
      expect(await f.database.db.deviceLock.count()).toBe(0);
    } finally {
      a.behaviour.completeAfterMs = 20;
    }
  });

  it("locks every device an orchestration names, so a change to one of them waits for the whole plan", async () => {
    a.behaviour.completeAfterMs = 600;
    try {
      const plan = {
        name: "two-devices", fail_fast: true,
        stages: [{ name: "s1", strategy: "serial", jobs: [{ name: "j1", strategy: "serial", targets: ["r2", "r3"], action: { kind: "tx_workflow", workflow_template_name: "wf" } }] }],
      };
      const orch = await f.caller.tasks.create({ type: "orchestrate", targets: [{ agentId: a.id }], payload: { plan } });
      await waitFor(() => taskOf(orch.id), (t) => t.runs[0]!.status === "accepted", 5000, "orchestration delivered");
      const locks = await f.database.db.deviceLock.findMany({ orderBy: { connection: "asc" } });
      expect(locks.map((l) => [l.connection, l.runId])).toEqual([["r2", expect.any(String)], ["r3", expect.any(String)]]);
      const exec = await f.caller.tasks.create({ type: "exec", targets: [{ agentId: a.id, connection: "r3" }], payload: { command: "show run" } });
      const waiting = await waitFor(() => taskOf(exec.id), (t) => t.runs[0]!.status === "waiting_lock", 5000, "exec waits for r3");
      expect(waiting.runs[0]!.statusDetail).toMatch(/^waiting for device lock: device r3 on ops-1 is locked by run/);
      const [o, e] = [await finalTask(orch.id), await finalTask(exec.id)];
      expect([o.status, e.status]).toEqual(["success", "success"]);
      expect(e.runs[0]!.deliveredAt!.getTime()).toBeGreaterThanOrEqual(o.runs[0]!.completedAt!.getTime() - 50);
      expect(await f.database.db.deviceLock.count()).toBe(0);
    } finally {
      a.behaviour.completeAfterMs = 20;
    }
  });

  it("re-runs a task with the same payload and targets", async () => {
    const { id } = await f.caller.tasks.create({ name: "again", type: "exec", targets: [{ agentId: a.id, connection: "r2" }], payload: { command: "show users" } });
    await finalTask(id);
    const again = await f.caller.tasks.rerun({ id });
    const t = await finalTask(again.id);
    expect(t).toMatchObject({ name: "again", rerunOfId: id, status: "success", payload: { command: "show users" } });
    expect(t.runs.map((r) => r.connection)).toEqual(["r2"]);
  });
});

describe("live timeline", () => {
  it("streams events in order and resumes after a reconnect without gaps or duplicates", async () => {
    const a = await f.agent("live-1", "grpc");
    a.behaviour.completeAfterMs = 300;
    const { id } = await f.caller.tasks.create({ type: "exec", targets: [{ agentId: a.id, connection: "core-1" }], payload: { command: "show log" } });
    const seen: number[] = [];
    // tracked() messages reach an in-process caller as [id, data]
    type Msg = [string, { kind: string; event?: { eventType: string } }];
    const it1 = await f.caller.tasks.events({ taskId: id });
    for await (const [msgId, data] of it1 as unknown as AsyncIterable<Msg>) {
      if (data.kind === "event") seen.push(Number(msgId));
      if (seen.length >= 2) break;
    }
    // breaking out of the loop closes the stream, like a dropped connection
    const it2 = await f.caller.tasks.events({ taskId: id, lastEventId: String(seen.at(-1)) });
    for await (const [msgId, data] of it2 as unknown as AsyncIterable<Msg>) {
      if (data.kind === "event") seen.push(Number(msgId));
      if (data.event?.eventType === "callback") break;
    }
    expect(seen).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it("refuses a timeline for a task that does not exist", async () => {
    const stream = await f.caller.tasks.events({ taskId: "00000000-0000-4000-8000-0000000000aa" });
    const e = await errorOf(
      (async () => {
        for await (const _ of stream as AsyncIterable<unknown>) break;
      })(),
    );
    expect(e.code).toBe("NOT_FOUND");
  });
});

describe("re-run of a task stored under older rules", () => {
  it("explains why it cannot be re-run as it was, instead of failing with an internal error", async () => {
    const a = await f.agent("old-1", "http");
    const { rows } = await f.database.pool.query<{ id: string }>(
      `INSERT INTO tasks (type, payload, target_spec, deadline_seconds, updated_at) VALUES ('tx_block', $1, '{}', 60, now()) RETURNING id`,
      [JSON.stringify({ tx_block: { name: "no-fail-fast", steps: [{ run: { kind: "command", mode: "Config", command: "x" } }] } })],
    );
    await f.database.pool.query(`INSERT INTO task_runs (task_id, agent_id, agent_name, connection, operation, status, updated_at) VALUES ($1, $2, $3, 'core-1', 'tx_block', 'failed', now())`, [rows[0]!.id, a.id, a.name]);
    const e = await errorOf(f.caller.tasks.rerun({ id: rows[0]!.id }));
    expect(e.code).toBe("PRECONDITION_FAILED");
    expect(e.message).toMatch(/^This task can no longer be submitted as it was: .*payload\.tx_block\.fail_fast: is required.*\. Copy it as JSON, fix it and submit a new task\.$/);
  });
});

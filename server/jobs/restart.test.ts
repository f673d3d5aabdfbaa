// kill -9 the worker process while runs are pending, delivering and running;
// after a restart nothing is lost and nothing reaches the agent twice.
import fs from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, type RunningServer } from "../../e2e/harness.ts";
import { callerFor, TEST_AGENT_KEY } from "../../test/helpers/app.ts";
import { startEmulatedAgent, type EmulatedAgentServer } from "../../test/helpers/emulated-agent.ts";
import { waitFor } from "../../test/helpers/fleet.ts";
import { startManager, type Manager } from "../../test/helpers/servers.ts";

let m: Manager;
let agent: EmulatedAgentServer;
let child: RunningServer | undefined;

/** A worker-only Switchyard process on the test database, started as operators start it. */
const startWorkerProcess = (databaseUrl: string) =>
  startServer({ DATABASE_URL: databaseUrl, SWITCHYARD_ROLES: "worker", AGENT_API_KEY: TEST_AGENT_KEY, AGENT_CALL_TIMEOUT: "1000" });

const kill9 = async (w: RunningServer) => {
  await w.stop("SIGKILL");
  await fs.rm(w.dataDir, { recursive: true, force: true });
};

beforeAll(async () => {
  m = await startManager({ AGENT_CALL_TIMEOUT: "1000" });
  agent = await startEmulatedAgent({ name: "crashy-1", mode: "http", token: TEST_AGENT_KEY, managerHttpUrl: m.web.url, managerGrpcAddress: m.grpcAddress, behaviour: { completeAfterMs: 1500 } });
  await agent.register();
  await agent.reportDevices(["d1", "d2", "d3", "d4", "d5"]);
});
afterAll(async () => {
  if (child) await kill9(child);
  await agent.close();
  await m.close();
});

describe("restart safety", () => {
  it("loses nothing and delivers nothing twice across kill -9 and restart", async () => {
    const caller = await callerFor(m.app, { username: "admin" });
    const agentId = (await m.database.db.agent.findUniqueOrThrow({ where: { name: "crashy-1" } })).id;
    child = await startWorkerProcess(m.database.url);

    // running: delivered and executing on the agent when the worker dies
    const running = await caller.tasks.create({ type: "exec", targets: [{ agentId, connection: "d1" }, { agentId, connection: "d2" }], payload: { command: "show run" } });
    await waitFor(() => caller.tasks.get({ id: running.id }), (t) => t.runs.every((r) => r.status === "accepted"), 10_000, "runs accepted");
    // delivering: the agent takes the task but never answers the call
    agent.behaviour.dispatch = "swallow";
    const inDoubt = await caller.tasks.create({ type: "exec", targets: [{ agentId, connection: "d3" }], payload: { command: "write mem" } });
    await waitFor(() => caller.tasks.get({ id: inDoubt.id }), (t) => t.runs[0]!.status === "delivering", 10_000, "run delivering");
    await kill9(child);
    child = undefined;
    agent.behaviour.dispatch = "accept";

    // pending: submitted while no worker runs
    const pending = await caller.tasks.create({ type: "exec", targets: [{ agentId, connection: "d4" }, { agentId, connection: "d5" }], payload: { command: "show clock" } });
    expect((await caller.tasks.get({ id: pending.id })).runs.map((r) => r.status)).toEqual(["pending", "pending"]);

    child = await startWorkerProcess(m.database.url);
    for (const id of [running.id, inDoubt.id, pending.id]) {
      const t = await waitFor(() => caller.tasks.get({ id }), (x) => !["pending", "running"].includes(x.status), 30_000, `task ${id} final`);
      expect(t.status).toBe("success");
    }
    // every run reached the agent exactly once
    const runs = await m.database.db.taskRun.findMany({ select: { id: true } });
    const perRun = new Map<string, number>();
    for (const d of agent.dispatches()) perRun.set(String(d.body.task_id), (perRun.get(String(d.body.task_id)) ?? 0) + 1);
    expect(runs.map((r) => perRun.get(r.id) ?? 0)).toEqual(runs.map(() => 1));
  }, 90_000);
});

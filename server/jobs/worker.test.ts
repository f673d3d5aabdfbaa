import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Runner } from "graphile-worker";
import { createTestApp } from "../../test/helpers/app.ts";
import { waitFor } from "../../test/helpers/fleet.ts";
import { startWorker } from "./worker.ts";

let t: Awaited<ReturnType<typeof createTestApp>>;
const workers: Runner[] = [];
beforeAll(async () => {
  t = await createTestApp({ AGENT_TIMEOUT: "1000", AGENT_SWEEP_INTERVAL: "200" });
});
afterAll(async () => {
  for (const w of workers) await w.stop();
  await t.close();
});


describe("liveness sweep on the job queue", () => {
  it("marks a silent agent offline after AGENT_TIMEOUT with exactly one notification, with two workers running", async () => {
    workers.push(await startWorker(t.app, { concurrency: 2 }), await startWorker(t.app, { concurrency: 2 }));
    // however many workers start, one sweep is queued under the job key (a running one gives its key up)
    const { rows } = await t.database.pool.query(`SELECT count(*)::int AS n FROM graphile_worker.jobs WHERE key = 'agents:liveness_sweep'`);
    expect(rows[0].n).toBe(1);

    const fresh = await t.app.services.agentReports.register({ name: "quiet-1", host: "10.0.0.1", port: 8123, version: "1", capabilities: [], connections_count: 0, templates_count: 0 }, "http");
    await t.app.services.agentReports.register({ name: "chatty-1", host: "10.0.0.2", port: 8123, version: "1", capabilities: [], connections_count: 0, templates_count: 0 }, "grpc");
    const keepAlive = setInterval(() => void t.app.services.agentReports.heartbeat({ name: "chatty-1", status: "online", running_tasks: 0, connections_count: 0, templates_count: 0, uptime_seconds: 1 }), 200);
    try {
      const quiet = await waitFor(
        () => t.database.db.agent.findUniqueOrThrow({ where: { id: fresh.id } }),
        (a) => a.status === "offline",
      );
      expect(quiet.statusReason).toBe("timeout");
      // several more sweeps run; nothing is raised twice and the heartbeating agent stays online
      await new Promise((r) => setTimeout(r, 1000));
      expect(await t.database.db.notification.count({ where: { type: "agent_timeout", entityId: fresh.id } })).toBe(1);
      expect((await t.database.db.agent.findUniqueOrThrow({ where: { name: "chatty-1" } })).status).toBe("online");
    } finally {
      clearInterval(keepAlive);
    }
  });
});

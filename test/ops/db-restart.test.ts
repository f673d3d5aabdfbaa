// PostgreSQL stops and comes back under agent load. While it is down agents
// get 503 / UNAVAILABLE with a plain message (never 500 or internals); the
// server recovers by itself; every report answered with success is stored.
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pg from "pg";
import type { RunningServer } from "../../e2e/harness.ts";
import { ensureDatabase } from "../../server/db/database.ts";
import { freePort, startEmbeddedPostgres, type EmbeddedPostgres } from "../../server/db/embedded.ts";
import { TEST_AGENT_KEY } from "../helpers/app.ts";
import { grpcAgent, httpAgent, type EmulatedAgent, type Reply } from "../helpers/agent-emulator.ts";
import { startSwitchyard, waitUntil } from "./spawn.ts";

let dir: string;
let port: number;
let pgServer: EmbeddedPostgres;
let server: RunningServer;
let url: string;
const startPg = () => startEmbeddedPostgres({ dataDir: dir, port, settings: { fsync: "off", synchronous_commit: "off" } });

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "switchyard-fault-"));
  port = await freePort();
  pgServer = await startPg();
  await ensureDatabase(pgServer.url("postgres"), "switchyard");
  url = pgServer.url("switchyard");
  // info: if the stop at the end ever hangs, the harness's error shows how far shutdown got
  server = await startSwitchyard(url, { AGENT_SWEEP_INTERVAL: "500", LOG_LEVEL: "info" });
}, 60_000);

let stopLoad = false;
afterAll(async () => {
  stopLoad = true;
  if (process.env.OPS_DUMP) await fs.writeFile(process.env.OPS_DUMP, server?.output() ?? "");
  const code = await server?.stop();
  await pgServer?.stop();
  await fs.rm(dir, { recursive: true, force: true });
  // after a database restart, SIGTERM still stops everything cleanly and in time
  expect(code).toBe(0);
  expect(server.output().split("\n").filter((l) => /did not finish in time|error during shutdown/.test(l))).toEqual([]);
});

const gone = (err: unknown): Reply => ({ ok: false, code: -1, body: null, message: `no answer: ${(err as Error).message}` });

interface Outcome {
  transport: "http" | "grpc";
  phase: "up" | "down" | "recovering";
  message: string;
  reply: Reply;
}

describe("PostgreSQL restart under agent load", () => {
  it("answers 503 / UNAVAILABLE while the database is down, recovers by itself, and loses no accepted report", { timeout: 60_000 }, async () => {
    const agents: EmulatedAgent[] = [];
    for (let i = 0; i < 3; i++) {
      agents.push(httpAgent({ baseUrl: server.url, token: TEST_AGENT_KEY, name: `fault-h${i}` }));
      agents.push(grpcAgent({ address: `127.0.0.1:${server.grpcPort}`, token: TEST_AGENT_KEY, name: `fault-g${i}` }));
    }
    for (const a of agents) expect((await a.register()).ok).toBe(true);

    let phase: Outcome["phase"] = "up";
    const outcomes: Outcome[] = [];
    let seq = 0;
    const load = agents.map(async (a) => {
      while (!stopLoad) {
        const message = `fault report ${a.name} #${++seq}`;
        const at = phase;
        // a refused connection (the server gone) is an outcome too, and fails the checks below
        const reply = await a.reportError({ category: "runtime", kind: "fault_test", severity: "warning", occurred_at: new Date().toISOString(), retryable: true, message }).catch(gone);
        outcomes.push({ transport: a.transport, phase: at, message, reply });
        const hb = await a.heartbeat().catch(gone);
        outcomes.push({ transport: a.transport, phase: at, message: "", reply: hb });
        await new Promise((r) => setTimeout(r, 20));
      }
    });

    await new Promise((r) => setTimeout(r, 1000));
    phase = "down";
    await pgServer.stop();
    await new Promise((r) => setTimeout(r, 2500));
    expect((await fetch(`${server.url}/readyz`)).status).toBe(503);
    // a scrape fails plainly (the target shows as down), it does not serve stale gauges
    const scrape = await fetch(`${server.url}/metrics`);
    expect(scrape.status).toBe(503);
    expect(await scrape.text()).toBe("metrics unavailable: the database is not reachable\n");
    phase = "recovering";
    const restartedAt = Date.now();
    pgServer = await startPg();
    // recovered: every agent gets a success again, and the server says ready
    await waitUntil(async () => (await fetch(`${server.url}/readyz`)).status === 200, 20_000, "/readyz 200 after the restart");
    const recoverySeen = outcomes.length;
    await waitUntil(() => agents.every((a) => outcomes.slice(recoverySeen).some((o) => o.reply.ok && o.message.includes(a.name))), 20_000, "every agent to succeed again").catch((err: Error) => {
      const last = agents.map((a) => [a.name, outcomes.filter((o) => o.message.includes(a.name)).slice(-1)[0]?.reply]);
      throw new Error(`${err.message}; exit ${server.child.exitCode}/${server.child.signalCode}; last replies: ${JSON.stringify(last)}`);
    });
    const recoveredMs = Date.now() - restartedAt;
    stopLoad = true;
    await Promise.all(load);
    for (const a of agents) a.close();

    const failures = outcomes.filter((o) => !o.reply.ok);
    const down = outcomes.filter((o) => o.phase === "down");
    process.stdout.write(`db restart: ${outcomes.length} requests, ${failures.length} refused, recovered ${recoveredMs} ms after PostgreSQL was back` + "\n");
    expect(down.length).toBeGreaterThan(0);
    expect(down.filter((o) => !o.reply.ok).length).toBeGreaterThan(0);
    // every failure is "unavailable", with the plain message; no 500, no internals
    for (const f of failures) {
      if (f.transport === "http") expect(f.reply.code).toBe(503);
      else expect(f.reply.code).toBe(14); // UNAVAILABLE
      expect(f.reply.message ?? JSON.stringify(f.reply.body)).toMatch(/database is unavailable right now; retry in a few seconds/);
    }
    // nothing answered with success was lost
    const accepted = outcomes.filter((o) => o.reply.ok && o.message).map((o) => o.message);
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    try {
      const { rows } = await c.query<{ message: string }>("SELECT message FROM agent_error_reports WHERE message = ANY($1)", [accepted]);
      expect(new Set(rows.map((r) => r.message))).toEqual(new Set(accepted));
    } finally {
      await c.end();
    }
    expect(server.child.exitCode).toBeNull();
    expect((await fetch(`${server.url}/metrics`)).status).toBe(200);
    expect(server.output()).not.toMatch(/unhandled|uncaught|TypeError/i);
  });
});

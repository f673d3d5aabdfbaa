// Two Switchyard processes on one PostgreSQL, as replicas run in production:
// A has roles web,grpc,worker and B web,worker. Proves: the schema is migrated
// once, a live view on A sees what an agent reported to B (LISTEN/NOTIFY),
// every dispatch job runs once across both workers, and the liveness sweep
// raises one timeout per silent agent.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pg from "pg";
import type { RunningServer } from "../../e2e/harness.ts";
import { createEmptyDatabase } from "../helpers/db.ts";
import { TEST_AGENT_KEY } from "../helpers/app.ts";
import { startEmulatedAgent, type EmulatedAgentServer } from "../helpers/emulated-agent.ts";
import { httpAgent } from "../helpers/agent-emulator.ts";
import { readMigrations } from "../../server/db/migrate.ts";
import { startSwitchyard, trpcMutation, trpcQuery, waitUntil } from "./spawn.ts";

let db: Awaited<ReturnType<typeof createEmptyDatabase>>;
let a: RunningServer;
let b: RunningServer;
let q: pg.Pool;
const agents: EmulatedAgentServer[] = [];
const timers: NodeJS.Timeout[] = [];
let cookie = "";

const ENV = { AGENT_TIMEOUT: "2500", AGENT_SWEEP_INTERVAL: "200", LOG_LEVEL: "info", AGENT_CALL_TIMEOUT: "3000" };

beforeAll(async () => {
  db = await createEmptyDatabase();
  // both start at once on an empty database: the migration lock makes one of them do it
  [a, b] = await Promise.all([
    startSwitchyard(db.url, { ...ENV, SWITCHYARD_ROLES: "web,grpc,worker" }),
    startSwitchyard(db.url, { ...ENV, SWITCHYARD_ROLES: "web,worker" }),
  ]);
  q = new pg.Pool({ connectionString: db.url, max: 2 });
  const setup = await fetch(`${a.url}/trpc/auth.setup`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ json: { username: "admin", password: "correct horse battery" } }) });
  expect(setup.status).toBe(200);
  cookie = /sy_session=[^;]+/.exec(setup.headers.getSetCookie().join("\n"))![0];
}, 60_000);

afterAll(async () => {
  for (const t of timers) clearInterval(t);
  for (const x of agents) await x.close();
  await Promise.all([a?.stop(), b?.stop()]);
  await q?.end();
  await db?.drop();
});

/** An emulated agent reporting over HTTP to B, kept online by heartbeats. */
async function agentOnB(name: string, completeAfterMs: number) {
  const x = await startEmulatedAgent({ name, mode: "http", token: TEST_AGENT_KEY, managerHttpUrl: b.url, managerGrpcAddress: `127.0.0.1:${a.grpcPort}`, behaviour: { completeAfterMs } });
  agents.push(x);
  await x.register();
  await x.reportDevices(["core-1", "core-2"]);
  timers.push(setInterval(() => void x.reporter.heartbeat(), 300));
  const { rows } = await q.query<{ id: string }>("SELECT id FROM agents WHERE name = $1", [name]);
  return Object.assign(x, { id: rows[0]!.id });
}

/** JSON log lines whose message starts with `msg` */
const logLines = (s: RunningServer, msg: string) => s.output().split("\n").filter((l) => l.includes(`"msg":"${msg}`));

describe("two replicas on one database", () => {
  it("applied every migration exactly once", async () => {
    const files = await readMigrations();
    const { rows } = await q.query<{ migration_name: string; n: number }>(`SELECT migration_name, count(*)::int AS n FROM "_prisma_migrations" GROUP BY 1 ORDER BY 1`);
    expect(rows).toEqual(files.map((f) => ({ migration_name: f.name, n: 1 })));
    const applied = [...logLines(a, "applying migration"), ...logLines(b, "applying migration")];
    expect(applied.length).toBe(files.length); // logged by whichever process took the lock, once each
    for (const s of [a, b]) expect((await fetch(`${s.url}/readyz`)).status).toBe(200);
  });

  it("streams a task's events on A's live view (SSE) as the agent reports them to B", async () => {
    const ag = await agentOnB("scale-sse", 1500);
    const created = await trpcMutation(a.url, "tasks.create", cookie, { type: "exec", targets: [{ agentId: ag.id, connection: "core-1" }], payload: { command: "show clock", mode: "Enable" } });
    expect(created.status).toBe(200);
    const taskId = (created.body as { result: { data: { json: { id: string } } } }).result.data.json.id;

    const abort = new AbortController();
    const input = encodeURIComponent(JSON.stringify({ json: { taskId } }));
    const res = await fetch(`${a.url}/trpc/tasks.events?input=${input}`, { headers: { cookie, accept: "text/event-stream" }, signal: abort.signal });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/text\/event-stream/);
    let text = "";
    const seen: Array<{ type: string; at: number }> = [];
    const reading = (async () => {
      const reader = res.body!.getReader();
      const dec = new TextDecoder();
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          text += dec.decode(value, { stream: true });
          for (const m of text.matchAll(/"eventType":"(\w+)"/g)) if (!seen.some((s) => s.type === m[1])) seen.push({ type: m[1]!, at: Date.now() });
        }
      } catch {
        /* aborted */
      }
    })();
    try {
      await waitUntil(() => seen.some((s) => s.type === "callback"), 15_000, "callback event on A's stream");
    } finally {
      abort.abort();
      await reading;
    }
    expect(seen.map((s) => s.type)).toEqual(["submitted", "delivered", "started", "progress", "completed", "callback"]);
    // the agent reported to B (never to A), and A's stream got each event without waiting for its 15 s poll
    expect(ag.reporter.transport).toBe("http");
    const { rows } = await q.query<{ received_at: Date; event_type: string }>("SELECT received_at, event_type FROM task_events WHERE task_id = $1 AND event_type = 'started'", [taskId]);
    const started = seen.find((s) => s.type === "started")!;
    expect(started.at - rows[0]!.received_at.getTime()).toBeLessThan(3000);
  });

  it("runs each dispatch job once across both workers", async () => {
    const ags = [await agentOnB("scale-1", 10), await agentOnB("scale-2", 10)];
    const ids: string[] = [];
    for (let i = 0; i < 16; i++) {
      const ag = ags[i % 2]!;
      const r = await trpcMutation(i % 2 ? b.url : a.url, "tasks.create", cookie, { type: "exec", targets: [{ agentId: ag.id, connection: i % 4 < 2 ? "core-1" : "core-2" }], payload: { command: `show ${i}`, mode: "Enable" } });
      expect(r.status).toBe(200);
      ids.push((r.body as { result: { data: { json: { id: string } } } }).result.data.json.id);
    }
    await waitUntil(async () => {
      const { rows } = await q.query<{ n: number }>("SELECT count(*)::int AS n FROM tasks WHERE id = ANY($1::uuid[]) AND status = 'success'", [ids]);
      return rows[0]!.n === ids.length;
    }, 30_000, "all tasks to succeed");
    const { rows: runs } = await q.query<{ id: string }>("SELECT id FROM task_runs WHERE task_id = ANY($1::uuid[])", [ids]);
    const delivered = ags.flatMap((x) => x.dispatches()).map((d) => String(d.body.task_id));
    expect(delivered.length).toBe(runs.length);
    expect(new Set(delivered)).toEqual(new Set(runs.map((r) => r.id)));
    // a fast agent's callback can land before the worker logs the delivery outcome
    const outcomes = () => [logLines(a, "dispatch outcome").length, logLines(b, "dispatch outcome").length];
    await waitUntil(async () => outcomes()[0]! + outcomes()[1]! >= runs.length, 10_000, "every delivery logged");
    const perProcess = outcomes();
    expect(perProcess[0]! + perProcess[1]!).toBeGreaterThanOrEqual(runs.length); // earlier tests in this file dispatched too
    process.stdout.write(`dispatch outcomes logged: A=${perProcess[0]} B=${perProcess[1]}` + "\n");
  });

  it("raises one timeout per silent agent although both workers sweep", async () => {
    const quiet = httpAgent({ baseUrl: b.url, token: TEST_AGENT_KEY, name: "scale-quiet" });
    expect((await quiet.register()).code).toBe(201);
    const { rows } = await q.query<{ id: string }>("SELECT id FROM agents WHERE name = 'scale-quiet'");
    const count = async () => (await q.query<{ n: number }>("SELECT count(*)::int AS n FROM notifications WHERE type = 'agent_timeout' AND entity_id = $1", [rows[0]!.id])).rows[0]!.n;
    await waitUntil(async () => (await count()) > 0, 10_000, "timeout notification");
    await new Promise((r) => setTimeout(r, 1500)); // several more sweeps on both workers
    expect(await count()).toBe(1);
    const sweeps = await q.query<{ n: number }>("SELECT count(*)::int AS n FROM graphile_worker.jobs WHERE key = 'agents:liveness_sweep'");
    expect(sweeps.rows[0]!.n).toBe(1);
    const online = await trpcQuery<{ online: number }>(a.url, "system.status", cookie).then((s) => (s as unknown as { agents: { online: number } }).agents.online);
    expect(online).toBe(3); // the heartbeating agents stay online
  });
});

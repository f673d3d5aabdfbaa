// Soak: a fleet of emulated agents living on one Switchyard process for a
// while, with time compressed (heartbeat every 2.5 s instead of 30 s, offline
// after 10 s instead of 120 s: the same 4× margin). Mixed load: heartbeats over
// HTTP (80 %) and gRPC (20 %), task events, inventory syncs. Bounded in time.
//
//   npx tsx bench/soak.ts [--quick] [--agents=5000] [--duration=SECONDS]
//
// Prints p50/p99/max and errors per kind, false offline transitions (an agent
// that kept heartbeating but was marked offline), the server's RSS over the
// soak, and what its /metrics said at the end.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import fsp from "node:fs/promises";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import * as grpc from "@grpc/grpc-js";
import pg from "pg";
import { ensureDatabase } from "../server/db/database.ts";
import { startEmbeddedPostgres } from "../server/db/embedded.ts";
import { loadProto } from "../server/grpc/server.ts";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const { values: args } = parseArgs({
  options: { quick: { type: "boolean", default: false }, agents: { type: "string", default: "5000" }, duration: { type: "string" } },
});
const AGENTS = Number(args.agents);
const DURATION_MS = Number(args.duration ?? (args.quick ? 20 : 90)) * 1000;
const HEARTBEAT_MS = 2500;
const TIMEOUT_MS = 10_000;
const GRPC_SHARE = 0.2;
const EVENTS_PER_S = 100;
const SYNCS_PER_S = 2;
const SYNC_DEVICES = 200;
const TOKEN = randomBytes(24).toString("hex");
const name = (i: number) => `soak-${String(i).padStart(5, "0")}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

class Stats {
  lat: number[] = [];
  errors = 0;
  firstError = "";
  add(ms: number) {
    this.lat.push(ms);
  }
  fail(e: unknown) {
    this.errors++;
    this.firstError ||= String(e instanceof Error ? e.message : e).slice(0, 200);
  }
  q(p: number) {
    const s = [...this.lat].sort((a, b) => a - b);
    return s.length ? s[Math.min(s.length - 1, Math.floor(p * s.length))]! : NaN;
  }
}

function httpPoster(baseUrl: string) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const url = new URL(baseUrl);
  return (p: string, body: unknown) =>
    new Promise<number>((resolve, reject) => {
      const data = Buffer.from(JSON.stringify(body));
      const req = http.request(
        { agent, host: url.hostname, port: url.port, method: "POST", path: `/api/agents/${p}`, headers: { "content-type": "application/json", "content-length": data.length, authorization: `Bearer ${TOKEN}` } },
        (res) => {
          res.resume();
          res.on("end", () => resolve(res.statusCode ?? 0));
          res.on("error", reject);
        },
      );
      req.on("error", reject);
      req.end(data);
    });
}

type Unary = (req: unknown, md: grpc.Metadata, cb: (err: grpc.ServiceError | null) => void) => void;
function grpcCaller(address: string, channels: number) {
  const pkg = loadProto("rauto/manager/v1/agent_reporting.proto") as unknown as { rauto: { manager: { v1: { AgentReportingService: grpc.ServiceClientConstructor } } } };
  const Ctor = pkg.rauto.manager.v1.AgentReportingService;
  const clients = Array.from({ length: channels }, () => new Ctor(address, grpc.credentials.createInsecure(), { "grpc.use_local_subchannel_pool": 1 }) as unknown as grpc.Client & Record<string, Unary>);
  const md = new grpc.Metadata();
  md.set("authorization", `Bearer ${TOKEN}`);
  let n = 0;
  return {
    call: (method: string, req: unknown) => new Promise<void>((resolve, reject) => clients[n++ % channels]![method]!(req, md, (err) => (err ? reject(err) : resolve()))),
    close: () => clients.forEach((c) => c.close()),
  };
}

function rssMiB(pid: number) {
  const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Number(m[1]) / 1024 : NaN;
}

async function main() {
  const tmp = await fsp.mkdtemp(path.join(os.tmpdir(), "switchyard-soak-"));
  await fsp.chmod(tmp, 0o755); // PostgreSQL runs as its own user when we are root
  const pgServer = await startEmbeddedPostgres({ dataDir: path.join(tmp, "pg") });
  await ensureDatabase(pgServer.url("postgres"), "switchyard");
  const databaseUrl = pgServer.url("switchyard");
  const child = spawn(process.execPath, ["--import", "tsx", "server/main.ts"], {
    cwd: ROOT,
    env: {
      ...process.env, NODE_ENV: "production", DATABASE_URL: databaseUrl, HOST: "127.0.0.1", PORT: "0", MANAGER_GRPC_HOST: "127.0.0.1", MANAGER_GRPC_PORT: "0",
      LOG_LEVEL: "warn", AGENT_API_KEY: TOKEN, AGENT_TIMEOUT: String(TIMEOUT_MS), AGENT_SWEEP_INTERVAL: "1000",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout!.on("data", (d) => (out += d));
  child.stderr!.on("data", (d) => (out += d));
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 2 });
  const stopAll = async () => {
    if (child.exitCode === null) {
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      await exited;
    }
    await pool.end().catch(() => {});
    await pgServer.stop();
    await fsp.rm(tmp, { recursive: true, force: true });
  };
  try {
    const ready = await new Promise<RegExpExecArray>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`server did not start:\n${out}`)), 120_000);
      child.stdout!.on("data", () => {
        const m = /UI and agent HTTP: (http:\/\/\S+) — agent gRPC: \S+:(\d+)/.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(m);
        }
      });
      child.once("exit", (c) => reject(new Error(`server exited (${c}):\n${out}`)));
    });
    const baseUrl = ready[1]!;
    const post = httpPoster(baseUrl);
    const rpc = grpcCaller(`127.0.0.1:${ready[2]}`, 4);
    const grpcAgent = (i: number) => i < AGENTS * GRPC_SHARE;

    // register the fleet
    const t0 = Date.now();
    let next = 0;
    await Promise.all(Array.from({ length: 32 }, async () => {
      while (next < AGENTS) {
        const i = next++;
        const st = await post("register", { name: name(i), host: `10.${(i >> 8) & 255}.${i & 255}.1`, port: 8123, version: "0.4.2", capabilities: ["cisco_ios"], connections_count: 0, templates_count: 0 });
        if (st !== 201) throw new Error(`register ${name(i)}: ${st}`);
      }
    }));
    console.log(`registered ${AGENTS} agents in ${Date.now() - t0} ms`);
    const { rows: runs } = await pool.query<{ id: string; agent_name: string }>(
      `WITH a AS (SELECT id, name, row_number() OVER (ORDER BY name) AS n FROM agents WHERE name >= $1 ORDER BY name LIMIT 500),
            t AS (INSERT INTO tasks (type, status, payload, target_spec, deadline_seconds, runs_total, started_at)
                  SELECT 'exec', 'running', '{"command":"show version"}', '[]', 86400, 1, now() FROM generate_series(1, (SELECT count(*) FROM a)) RETURNING id),
            tn AS (SELECT id, row_number() OVER () AS n FROM t)
       INSERT INTO task_runs (task_id, agent_id, agent_name, connection, operation, status, execution_attempts, delivered_at, started_at, deadline_at)
       SELECT tn.id, a.id, a.name, 'core-1', 'exec', 'running', 1, now(), now(), now() + interval '1 day' FROM tn JOIN a ON a.n = tn.n
       RETURNING id, agent_name`,
      [name(Math.ceil(AGENTS * GRPC_SHARE))],
    );

    const stats = { hbHttp: new Stats(), hbGrpc: new Stats(), event: new Stats(), sync: new Stats() };
    const timed = async (s: Stats, f: () => Promise<unknown>) => {
      const a = performance.now();
      try {
        await f();
        s.add(performance.now() - a);
      } catch (e) {
        s.fail(e);
      }
    };
    const ok = (want: number) => (st: number) => {
      if (st !== want) throw new Error(`HTTP ${st}`);
    };
    const heartbeat = (i: number) =>
      grpcAgent(i)
        ? timed(stats.hbGrpc, () => rpc.call("SendHeartbeat", { name: name(i), status: "online", running_tasks: 0, connections_count: 0, templates_count: 0, uptime_seconds: "100" }))
        : timed(stats.hbHttp, () => post("heartbeat", { name: name(i), status: "online", running_tasks: 0, connections_count: 0, templates_count: 0, uptime_seconds: 100 }).then(ok(200)));

    // registering takes longer than the timeout: bring every agent back online with one round first,
    // so that what the soak counts are transitions of agents that never stopped heartbeating
    next = 0;
    await Promise.all(Array.from({ length: 64 }, async () => {
      while (next < AGENTS) await heartbeat(next++);
    }));
    for (const s of [stats.hbHttp, stats.hbGrpc]) s.lat = [];
    await sleep(1500); // one sweep sees them all fresh
    // steady state: every agent heartbeats every HEARTBEAT_MS, spread evenly; events and syncs at fixed rates
    const soakStart = Date.now();
    const startedAt = new Date();
    const inflight = new Set<Promise<unknown>>();
    const track = (p: Promise<unknown>) => {
      inflight.add(p);
      void p.finally(() => inflight.delete(p));
    };
    const rss: Array<[number, number]> = [];
    let maxOffline = 0;
    let lateHeartbeats = 0;
    const sampler = setInterval(() => {
      rss.push([Date.now() - soakStart, rssMiB(child.pid!)]);
      void pool.query<{ n: number }>("SELECT count(*)::int AS n FROM agents WHERE status <> 'online'").then((r) => (maxOffline = Math.max(maxOffline, r.rows[0]!.n)), () => {});
    }, 1000);
    let hbSeq = 0;
    let evSeq = 0;
    let syncSeq = 0;
    const tick = 20;
    for (let t = 0; Date.now() - soakStart < DURATION_MS; t++) {
      const due = Math.floor(((Date.now() - soakStart) / HEARTBEAT_MS) * AGENTS);
      if (due - hbSeq > AGENTS * 0.2) lateHeartbeats++; // the generator itself is falling behind
      for (; hbSeq < due; hbSeq++) track(heartbeat(hbSeq % AGENTS));
      const evDue = Math.floor(((Date.now() - soakStart) / 1000) * EVENTS_PER_S);
      for (; evSeq < evDue; evSeq++) {
        const run = runs[evSeq % runs.length]!;
        const seq = evSeq;
        track(timed(stats.event, () => post("report-task-event", { task_id: run.id, agent_name: run.agent_name, event_type: "progress", message: `step ${seq}`, level: "info", stage: "apply", progress: seq % 101, occurred_at: new Date().toISOString() }).then(ok(200))));
      }
      const syncDue = Math.floor(((Date.now() - soakStart) / 1000) * SYNCS_PER_S);
      for (; syncSeq < syncDue; syncSeq++) {
        const i = Math.floor(AGENTS * GRPC_SHARE) + (syncSeq % 50);
        const round = Math.floor(syncSeq / 50);
        const devices = Array.from({ length: SYNC_DEVICES }, (_, d) => ({ name: `dev-${d}`, host: `10.99.${d >> 8}.${(d + round) & 255}`, port: 22, device_profile: "cisco_ios" }));
        track(timed(stats.sync, () => post("report-devices", { name: name(i), devices }).then(ok(200))));
      }
      await sleep(tick);
    }
    await Promise.all(inflight);
    clearInterval(sampler);
    const elapsed = (Date.now() - soakStart) / 1000;
    // settle one sweep, then count transitions to offline during the soak: every agent kept heartbeating
    await sleep(1500);
    const { rows: off } = await pool.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM notifications WHERE type IN ('agent_timeout', 'agent_offline') AND created_at >= $1",
      [startedAt],
    );
    const metrics = await fetch(`${baseUrl}/metrics`).then((r) => r.text());
    const metric = (re: RegExp) => re.exec(metrics)?.[1] ?? "?";
    rpc.close();

    const row = (label: string, s: Stats) =>
      `| ${label} | ${s.lat.length + s.errors} | ${(s.lat.length / elapsed).toFixed(0)} | ${s.q(0.5).toFixed(1)} | ${s.q(0.99).toFixed(1)} | ${s.q(1).toFixed(0)} | ${s.errors}${s.firstError ? ` (${s.firstError})` : ""} |`;
    const warm = rss.find(([t]) => t >= 10_000)?.[1] ?? rss[0]?.[1] ?? NaN;
    const end = rss.at(-1)?.[1] ?? NaN;
    console.log(`\nsoak: ${AGENTS} agents (${Math.round(AGENTS * GRPC_SHARE)} gRPC), heartbeat every ${HEARTBEAT_MS} ms, offline after ${TIMEOUT_MS} ms, ${elapsed.toFixed(0)} s`);
    console.log("| kind | requests | per s | p50 ms | p99 ms | max ms | errors |\n|---|---:|---:|---:|---:|---:|---:|");
    console.log(row("HTTP heartbeat", stats.hbHttp));
    console.log(row("gRPC heartbeat", stats.hbGrpc));
    console.log(row(`HTTP task event (${runs.length} running runs)`, stats.event));
    console.log(row(`HTTP inventory sync (${SYNC_DEVICES} devices)`, stats.sync));
    console.log(`false offline transitions: ${off[0]!.n} notifications; most agents not online at one sample: ${maxOffline}`);
    console.log(`generator behind schedule (>20 % of a heartbeat round) in ${lateHeartbeats} ticks`);
    console.log(`server RSS: ${rss[0]?.[1].toFixed(0)} MiB at start, ${warm.toFixed(0)} MiB after 10 s, ${end.toFixed(0)} MiB at the end (growth after warm-up ${(end - warm).toFixed(0)} MiB); max ${Math.max(...rss.map(([, r]) => r)).toFixed(0)} MiB`);
    console.log(`/metrics at the end: queue ready ${metric(/^switchyard_queue_jobs_ready (\S+)/m)}, pool waiting ${metric(/^switchyard_db_pool_connections\{state="waiting"\} (\S+)/m)}, 5xx ${[...metrics.matchAll(/^switchyard_http_requests_total\{[^}]*code="5\d\d"[^}]*\} (\S+)/gm)].reduce((a, m) => a + Number(m[1]), 0)}, event-loop lag p99 ${metric(/^switchyard_nodejs_eventloop_lag_p99_seconds (\S+)/m)} s`);
    const warnings = out.split("\n").filter((l) => l.includes('"level":40') || l.includes('"level":50'));
    console.log(`server warnings/errors logged: ${warnings.length}${warnings[0] ? ` (first: ${warnings[0].slice(0, 300)})` : ""}`);
  } finally {
    await stopAll();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});

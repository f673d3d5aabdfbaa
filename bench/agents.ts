// Agent reporting benchmark: how many heartbeats, task events and device syncs
// one Switchyard process takes from rauto agents, over HTTP and gRPC.
//
//   npx tsx bench/agents.ts [--quick] [--duration=SECONDS] [--agents=N] [--cpu-prof]
//   (analysis only: --only=http-heartbeat,grpc-heartbeat,http-event,devices, --pg name=value, --sql "...")
//
// It starts its own embedded PostgreSQL (durable defaults, as `npm start`
// runs it) and the server as a separate process exactly as users start it
// (`node --import tsx server/main.ts`, all roles) with DATABASE_URL pointing
// at that database, then drives it from this process over loopback. Task runs
// for the event measurement are inserted with SQL straight into that
// database. Everything is stopped and deleted at the end.
import { spawn, type ChildProcess } from "node:child_process";
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
import { startEmbeddedPostgres, type EmbeddedPostgres } from "../server/db/embedded.ts";
import { loadProto } from "../server/grpc/server.ts";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

const { values: args } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    duration: { type: "string" },
    agents: { type: "string", default: "1000" },
    "cpu-prof": { type: "boolean", default: false },
    // for analysis only: extra PostgreSQL settings, e.g. --pg synchronous_commit=off
    pg: { type: "string", multiple: true, default: [] },
    // for analysis only: SQL run against the server's database after registration, e.g. --sql "DROP INDEX ..."
    sql: { type: "string", multiple: true, default: [] },
    // for analysis only: run just these measurements (comma-separated: http-heartbeat, grpc-heartbeat, http-event, devices)
    only: { type: "string" },
  },
});
const PG_SETTINGS = Object.fromEntries((args.pg ?? []).map((kv) => kv.split("=", 2) as [string, string]));
const ONLY = args.only ? new Set(args.only.split(",")) : null;
const wanted = (what: string) => !ONLY || ONLY.has(what);
const DURATION_MS = Number(args.duration ?? (args.quick ? 2 : 10)) * 1000;
const WARMUP_MS = args.quick ? 500 : 2000;
const AGENTS = Number(args.agents);
const CONCURRENCY = [16, 64];
const CALLERS_PER_CHANNEL = 8;
const DEVICES = 10_000;
const SYNC_REPEATS = args.quick ? 1 : 3;
const TOKEN = randomBytes(24).toString("hex");
/** Everything printed is also saved under bench/results/ (git-ignored) at the end. */
const printed: string[] = [];
const log = (line = "") => {
  printed.push(line);
  console.log(line);
};
const agentName = (i: number) => `bench-agent-${String(i).padStart(5, "0")}`;

// ------------------------------------------------------------------ processes

/** CPU seconds used so far by a process (and, with children, its direct children: PostgreSQL backends). */
function cpuSeconds(pid: number | undefined, withChildren = false): number {
  if (!pid) return 0;
  const tick = 100; // USER_HZ on Linux
  const read = (p: number) => {
    try {
      const stat = fs.readFileSync(`/proc/${p}/stat`, "utf8");
      const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      return { ppid: Number(f[1]), cpu: (Number(f[11]) + Number(f[12])) / tick };
    } catch {
      return { ppid: -1, cpu: 0 };
    }
  };
  let total = read(pid).cpu;
  if (withChildren) {
    for (const entry of fs.readdirSync("/proc")) {
      if (!/^\d+$/.test(entry)) continue;
      const s = read(Number(entry));
      if (s.ppid === pid) total += s.cpu;
    }
  }
  return total;
}

/**
 * Jiffies of the whole machine (all cores) from /proc/stat: busy, total, and
 * interrupt time (irq + softirq: mostly loopback TCP, charged to no process).
 */
function machineCpu() {
  try {
    const f = fs.readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/).slice(1).map(Number);
    const idle = (f[3] ?? 0) + (f[4] ?? 0);
    const total = f.slice(0, 8).reduce((a, b) => a + b, 0);
    return { busy: total - idle, total, irq: (f[5] ?? 0) + (f[6] ?? 0) };
  } catch {
    return { busy: 0, total: 0, irq: 0 };
  }
}

interface Server {
  child: ChildProcess;
  httpUrl: string;
  grpcAddress: string;
  startupMs: number;
  stop: () => Promise<void>;
}

async function startServer(databaseUrl: string, dataDir: string, profDir: string | null): Promise<Server> {
  const nodeArgs = ["--import", "tsx", ...(profDir ? ["--cpu-prof", `--cpu-prof-dir=${profDir}`] : []), "server/main.ts"];
  const child = spawn(process.execPath, nodeArgs, {
    cwd: ROOT,
    env: {
      ...process.env,
      NODE_ENV: "production",
      DATABASE_URL: databaseUrl,
      SWITCHYARD_DATA_DIR: dataDir,
      HOST: "127.0.0.1",
      PORT: "0",
      MANAGER_GRPC_HOST: "127.0.0.1",
      MANAGER_GRPC_PORT: "0",
      LOG_LEVEL: "warn",
      AGENT_API_KEY: TOKEN,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout!.on("data", (d) => (out += d));
  child.stderr!.on("data", (d) => (out += d));
  const m = await new Promise<RegExpExecArray>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in 120 s:\n${out}`)), 120_000);
    const check = () => {
      const r = /Switchyard ready in (\d+) ms — UI and agent HTTP: (http:\/\/\S+) — agent gRPC: (\S+):(\d+)/.exec(out);
      if (r) {
        clearTimeout(timer);
        resolve(r);
      }
    };
    child.stdout!.on("data", check);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} during start-up:\n${out}`));
    });
  });
  // keep printing what the server says at warn and above (it should say nothing)
  child.stdout!.on("data", (d: Buffer) => {
    const s = d.toString().trim();
    if (s) log(`  [server] ${s.slice(0, 500)}`);
  });
  child.stderr!.on("data", (d: Buffer) => log(`  [server stderr] ${d.toString().trim().slice(0, 500)}`));
  return {
    child,
    startupMs: Number(m[1]),
    httpUrl: m[2]!,
    grpcAddress: `127.0.0.1:${m[4]}`,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        const kill = setTimeout(() => child.kill("SIGKILL"), 20_000);
        child.once("exit", () => {
          clearTimeout(kill);
          resolve();
        });
        child.kill("SIGTERM");
      }),
  };
}

// ------------------------------------------------------------------ clients

function httpClient(baseUrl: string, maxSockets: number) {
  const agent = new http.Agent({ keepAlive: true, maxSockets });
  const url = new URL(baseUrl);
  const post = (p: string, body: unknown) =>
    new Promise<{ status: number; text: string }>((resolve, reject) => {
      const data = Buffer.from(JSON.stringify(body));
      const req = http.request(
        {
          agent,
          host: url.hostname,
          port: url.port,
          method: "POST",
          path: `/api/agents/${p}`,
          headers: { "content-type": "application/json", "content-length": data.length, authorization: `Bearer ${TOKEN}`, "x-api-key": TOKEN },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() }));
          res.on("error", reject);
        },
      );
      req.on("error", reject);
      req.end(data);
    });
  return { post, close: () => agent.destroy() };
}

type Unary = (req: unknown, md: grpc.Metadata, opts: grpc.CallOptions, cb: (err: grpc.ServiceError | null, res?: unknown) => void) => void;
type ReportingClient = grpc.Client & Record<string, Unary>;

function grpcClients(address: string, channels: number) {
  const pkg = loadProto("rauto/manager/v1/agent_reporting.proto") as unknown as {
    rauto: { manager: { v1: { AgentReportingService: grpc.ServiceClientConstructor } } };
  };
  const Ctor = pkg.rauto.manager.v1.AgentReportingService;
  // a local subchannel pool per client: one TCP connection (HTTP/2 session) each
  const clients = Array.from(
    { length: channels },
    () =>
      new Ctor(address, grpc.credentials.createInsecure(), {
        "grpc.use_local_subchannel_pool": 1,
        "grpc.max_send_message_length": 64 * 1024 * 1024,
        "grpc.max_receive_message_length": 64 * 1024 * 1024,
      }) as unknown as ReportingClient,
  );
  const md = new grpc.Metadata();
  md.set("authorization", `Bearer ${TOKEN}`);
  md.set("x-api-key", TOKEN);
  const call = (client: ReportingClient, method: string, req: unknown) =>
    new Promise<unknown>((resolve, reject) => {
      client[method]!(req, md, { deadline: Date.now() + 30_000 }, (err, res) => (err ? reject(new Error(`${grpc.status[err.code]}: ${err.details}`)) : resolve(res)));
    });
  return { clients, call, close: () => clients.forEach((c) => c.close()) };
}

// ------------------------------------------------------------------ measuring

interface Result {
  name: string;
  concurrency: number;
  note: string;
  requests: number;
  errors: number;
  seconds: number;
  rps: number;
  p50: number;
  p99: number;
  max: number;
  firstError?: string;
  /**
   * CPU in cores (1 = one core busy). machine: share of all cores busy; irq:
   * interrupt time (loopback networking); other: everything else on the
   * machine (other people's work when the machine is shared)
   */
  cpu: { server: number; postgres: number; bench: number; machine: number; irq: number; other: number };
}

const pct = (sorted: number[], p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]! : NaN);

let serverPid: number | undefined;
let pgPid: number | undefined;

/**
 * Runs `fire` from `concurrency` callers for `ms` (after a warm-up that is not
 * counted); each caller starts its next request when the last one answered.
 */
async function measure(name: string, concurrency: number, note: string, fire: (seq: number, caller: number) => Promise<void>): Promise<Result> {
  let seq = 0;
  const run = async (ms: number, record: boolean) => {
    const lat: number[] = [];
    let errors = 0;
    let firstError: string | undefined;
    const until = process.hrtime.bigint() + BigInt(ms) * 1_000_000n;
    const caller = async (c: number) => {
      while (process.hrtime.bigint() < until) {
        const t0 = process.hrtime.bigint();
        try {
          await fire(seq++, c);
          if (record) lat.push(Number(process.hrtime.bigint() - t0) / 1e6);
        } catch (err) {
          errors++;
          firstError ??= err instanceof Error ? err.message : String(err);
        }
      }
    };
    const cpu0 = { server: cpuSeconds(serverPid), postgres: cpuSeconds(pgPid, true), bench: process.cpuUsage(), machine: machineCpu() };
    const start = process.hrtime.bigint();
    await Promise.all(Array.from({ length: concurrency }, (_, c) => caller(c)));
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    const benchCpu = process.cpuUsage(cpu0.bench);
    const m1 = machineCpu();
    const jiffies = m1.total - cpu0.machine.total;
    const machine = jiffies > 0 ? (m1.busy - cpu0.machine.busy) / jiffies : NaN;
    const irq = jiffies > 0 ? ((m1.irq - cpu0.machine.irq) / jiffies) * os.cpus().length : NaN;
    const cpu = {
      server: (cpuSeconds(serverPid) - cpu0.server) / seconds,
      postgres: (cpuSeconds(pgPid, true) - cpu0.postgres) / seconds,
      bench: (benchCpu.user + benchCpu.system) / 1e6 / seconds,
      machine,
      irq,
      other: 0,
    };
    cpu.other = Math.max(0, machine * os.cpus().length - cpu.server - cpu.postgres - cpu.bench - irq);
    return { lat, errors, firstError, seconds, cpu };
  };
  await run(WARMUP_MS, false);
  const r = await run(DURATION_MS, true);
  const sorted = r.lat.sort((a, b) => a - b);
  const result: Result = {
    name,
    concurrency,
    note,
    requests: sorted.length,
    errors: r.errors,
    seconds: r.seconds,
    rps: sorted.length / r.seconds,
    p50: pct(sorted, 0.5),
    p99: pct(sorted, 0.99),
    max: sorted[sorted.length - 1] ?? NaN,
    firstError: r.firstError,
    cpu: r.cpu,
  };
  log(
    `  ${name.padEnd(22)} c=${String(concurrency).padEnd(3)} ${result.rps.toFixed(0).padStart(6)} req/s  p50 ${result.p50.toFixed(2)} ms  p99 ${result.p99.toFixed(2)} ms  max ${result.max.toFixed(1)} ms  errors ${result.errors}` +
      `  cpu: server ${(r.cpu.server * 100).toFixed(0)}% postgres ${(r.cpu.postgres * 100).toFixed(0)}% bench ${(r.cpu.bench * 100).toFixed(0)}% (of one core); irq ${(r.cpu.irq * 100).toFixed(0)}% other ${(r.cpu.other * 100).toFixed(0)}%; all cores ${(r.cpu.machine * 100).toFixed(0)}% busy${note ? `  (${note})` : ""}` +
      (r.firstError ? `\n    first error: ${r.firstError}` : ""),
  );
  return result;
}

async function inBatches<T>(items: T[], concurrency: number, fn: (item: T) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}

// ------------------------------------------------------------------ main

async function main() {
  // two directories: the database one is handed over to the `postgres` user when run as root
  const tmp = await fsp.mkdtemp(path.join(os.tmpdir(), "switchyard-bench-"));
  const pgDir = await fsp.mkdtemp(path.join(os.tmpdir(), "switchyard-bench-pg-"));
  // profiles outlive the run (they are the point of --cpu-prof), outside the repository
  const profDir = args["cpu-prof"] ? await fsp.mkdtemp(path.join(os.tmpdir(), "switchyard-bench-profiles-")) : null;
  let db: EmbeddedPostgres | undefined;
  let server: Server | undefined;
  let pool: pg.Pool | undefined;
  const cleanups: Array<() => unknown> = [];
  const stopAll = async () => {
    for (const c of cleanups.splice(0)) await Promise.resolve(c()).catch(() => {});
    await pool?.end().catch(() => {});
    await server?.stop();
    await db?.stop();
    await fsp.rm(tmp, { recursive: true, force: true });
    await fsp.rm(pgDir, { recursive: true, force: true });
  };
  process.once("SIGINT", () => void stopAll().then(() => process.exit(130)));

  try {
    db = await startEmbeddedPostgres({ dataDir: pgDir, settings: PG_SETTINGS });
    pgPid = db.pid;
    const admin = new pg.Client({ connectionString: db.url("postgres") });
    await admin.connect();
    await admin.query("CREATE DATABASE switchyard");
    const pgVersion = (await admin.query<{ v: string }>("SELECT current_setting('server_version') AS v")).rows[0]!.v;
    const durability = (await admin.query<{ fsync: string; sc: string }>("SELECT current_setting('fsync') AS fsync, current_setting('synchronous_commit') AS sc")).rows[0]!;
    await admin.end();
    const databaseUrl = db.url("switchyard");

    server = await startServer(databaseUrl, path.join(tmp, "data"), profDir);
    serverPid = server.child.pid;
    pool = new pg.Pool({ connectionString: databaseUrl, max: 4 });

    const cpus = os.cpus();
    log("Switchyard agent reporting benchmark");
    log(`  machine   ${cpus.length} cores (${cpus[0]?.model.trim() ?? "unknown"}), ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB, ${os.type()} ${os.release()}`);
    log(`  shared    server, PostgreSQL and this load generator all run on these ${cpus.length} cores`);
    log(`  software  node ${process.version}, PostgreSQL ${pgVersion} (embedded, fsync=${durability.fsync}, synchronous_commit=${durability.sc})`);
    log(`  server    node --import tsx server/main.ts, all roles, ready in ${server.startupMs} ms; HTTP ${server.httpUrl}, gRPC ${server.grpcAddress}`);
    log(`  before    load average ${os.loadavg().map((l) => l.toFixed(2)).join(" ")} (other work on the machine skews the figures; see "other CPU")`);
    log(`  load      ${AGENTS} agents, concurrency ${CONCURRENCY.join(" and ")}, ${DURATION_MS / 1000} s per measurement after ${WARMUP_MS / 1000} s warm-up; loopback only`);
    log("");

    // register the fleet
    const reg = httpClient(server.httpUrl, 16);
    cleanups.push(reg.close);
    const t0 = Date.now();
    await inBatches(
      Array.from({ length: AGENTS }, (_, i) => i),
      16,
      async (i) => {
        const r = await reg.post("register", { name: agentName(i), host: `10.${i >> 8}.${i & 255}.1`, port: 8123, version: "0.4.2", capabilities: ["exec", "template", "tx_block", "tx_workflow", "orchestrate"], connections_count: 10, templates_count: 3 });
        if (r.status !== 201) throw new Error(`register ${agentName(i)}: ${r.status} ${r.text}`);
      },
    );
    log(`  registered ${AGENTS} agents over HTTP in ${Date.now() - t0} ms (concurrency 16)`);
    log("");

    for (const statement of args.sql ?? []) {
      await pool.query(statement);
      log(`  analysis: ran ${statement}`);
    }

    const results: Result[] = [];
    const heartbeat = (seq: number) => ({ name: agentName(seq % AGENTS), status: "online", running_tasks: seq % 3, connections_count: 10, templates_count: 3, uptime_seconds: 1000 + Math.floor(seq / AGENTS) });

    // HTTP heartbeats
    for (const c of wanted("http-heartbeat") ? CONCURRENCY : []) {
      const h = httpClient(server.httpUrl, c);
      results.push(
        await measure("HTTP heartbeat", c, `${c} keep-alive sockets`, async (seq) => {
          const r = await h.post("heartbeat", heartbeat(seq));
          if (r.status !== 200) throw new Error(`${r.status} ${r.text.slice(0, 200)}`);
        }),
      );
      h.close();
    }

    // gRPC heartbeats
    for (const c of wanted("grpc-heartbeat") ? CONCURRENCY : []) {
      const channels = Math.ceil(c / CALLERS_PER_CHANNEL);
      const g = grpcClients(server.grpcAddress, channels);
      results.push(
        await measure("gRPC heartbeat", c, `${channels} channels, ${CALLERS_PER_CHANNEL} callers each`, async (seq, caller) => {
          const hb = heartbeat(seq);
          await g.call(g.clients[caller % channels]!, "SendHeartbeat", { ...hb, uptime_seconds: String(hb.uptime_seconds) });
        }),
      );
      g.close();
    }

    // HTTP task events: one running task with one run per agent, inserted directly
    const { rows: runs } = await pool.query<{ id: string; agent_name: string }>(
      `WITH a AS (SELECT id, name, row_number() OVER (ORDER BY name) AS n FROM agents),
            t AS (INSERT INTO tasks (type, status, payload, target_spec, deadline_seconds, runs_total, started_at)
                  SELECT 'exec', 'running', '{"command":"show version"}', '[]', 3600, 1, now() FROM generate_series(1, $1) RETURNING id),
            tn AS (SELECT id, row_number() OVER () AS n FROM t)
       INSERT INTO task_runs (task_id, agent_id, agent_name, connection, operation, status, execution_attempts, delivered_at, started_at)
       SELECT tn.id, a.id, a.name, 'core-1', 'exec', 'running', 1, now(), now() FROM tn JOIN a ON a.n = tn.n
       RETURNING id, agent_name`,
      [AGENTS],
    );
    for (const c of wanted("http-event") ? CONCURRENCY : []) {
      const h = httpClient(server.httpUrl, c);
      results.push(
        await measure("HTTP task event", c, `progress events over ${runs.length} running tasks`, async (seq) => {
          const run = runs[seq % runs.length]!;
          const r = await h.post("report-task-event", {
            task_id: run.id,
            agent_name: run.agent_name,
            event_type: "progress",
            message: `step ${seq} of the change applied`,
            level: "info",
            stage: "apply",
            progress: seq % 101,
            occurred_at: new Date().toISOString(),
            details: { seq },
          });
          if (r.status !== 200) throw new Error(`${r.status} ${r.text.slice(0, 200)}`);
        }),
      );
      h.close();
    }
    log("");

    // 10,000-device inventories: first sync, unchanged re-sync, re-sync with every host changed, half removed
    const inventory = (hostTag: number, n = DEVICES) =>
      Array.from({ length: n }, (_, i) => ({ name: `core-sw-${String(i).padStart(5, "0")}`, host: `10.${hostTag}.${i >> 8}.${i & 255}`, port: 22, device_profile: "cisco_ios" }));
    const full = inventory(1);
    const changed = inventory(2);
    const half = inventory(2, DEVICES / 2);
    const syncTimes: Record<string, Record<string, number[]>> = { http: {}, grpc: {} };
    const h = httpClient(server.httpUrl, 1);
    const g = grpcClients(server.grpcAddress, 1);
    for (let rep = 0; rep < (wanted("devices") ? SYNC_REPEATS : 0); rep++) {
      for (const transport of ["http", "grpc"] as const) {
        const name = agentName(rep * 2 + (transport === "grpc" ? 1 : 0));
        const steps: Array<[string, typeof full]> = [
          ["first sync", full],
          ["unchanged re-sync", full],
          ["re-sync, all changed", changed],
          ["re-sync, half removed", half],
        ];
        for (const [label, devices] of steps) {
          const t = process.hrtime.bigint();
          let synced: number;
          if (transport === "http") {
            const r = await h.post("report-devices", { name, devices });
            if (r.status !== 200) throw new Error(`report-devices: ${r.status} ${r.text.slice(0, 300)}`);
            synced = (JSON.parse(r.text) as { data: { synced: number } }).data.synced;
          } else {
            synced = ((await g.call(g.clients[0]!, "ReportDevices", { name, devices })) as { synced: number }).synced;
          }
          const ms = Number(process.hrtime.bigint() - t) / 1e6;
          if (synced !== devices.length) throw new Error(`${transport} ${label}: synced ${synced}, expected ${devices.length}`);
          (syncTimes[transport]![label] ??= []).push(ms);
        }
      }
    }
    h.close();
    g.close();
    if (wanted("devices")) {
      const { rows: check } = await pool.query<{ live: number; removed: number }>(
        `SELECT count(*) FILTER (WHERE removed_at IS NULL)::int AS live, count(*) FILTER (WHERE removed_at IS NOT NULL)::int AS removed
           FROM devices d JOIN agents a ON a.id = d.agent_id WHERE a.name = $1`,
        [agentName(0)],
      );
      log(`  ${DEVICES.toLocaleString("en")}-device report, wall time of each call (${SYNC_REPEATS} run(s) per transport, each on its own agent; median / max ms):`);
      for (const transport of ["http", "grpc"] as const) {
        const line = Object.entries(syncTimes[transport]!)
          .map(([label, times]) => {
            const s = [...times].sort((a, b) => a - b);
            return `${label} ${pct(s, 0.5).toFixed(0)} / ${s[s.length - 1]!.toFixed(0)}`;
          })
          .join("; ");
        log(`    ${transport.padEnd(4)}  ${line}`);
      }
      log(`    after the half re-sync: ${check[0]!.live} live, ${check[0]!.removed} marked removed`);
      log("");
    }

    log(`  after     load average ${os.loadavg().map((l) => l.toFixed(2)).join(" ")}`);
    log("");
    // the table for docs/performance.md
    log("| measurement | concurrency | requests/s | p50 ms | p99 ms | errors | server CPU | PostgreSQL CPU | bench CPU | irq CPU | other CPU | all cores busy | notes |");
    log("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|");
    for (const r of results) {
      log(
        `| ${r.name} | ${r.concurrency} | ${r.rps.toFixed(0)} | ${r.p50.toFixed(2)} | ${r.p99.toFixed(2)} | ${r.errors} | ${(r.cpu.server * 100).toFixed(0)}% | ${(r.cpu.postgres * 100).toFixed(0)}% | ${(r.cpu.bench * 100).toFixed(0)}% | ${(r.cpu.irq * 100).toFixed(0)}% | ${(r.cpu.other * 100).toFixed(0)}% | ${(r.cpu.machine * 100).toFixed(0)}% | ${r.note} |`,
      );
    }
    log("");
    if (wanted("devices")) {
      log(`| ${DEVICES.toLocaleString("en")}-device report (ms, median / max) | ${Object.keys(syncTimes.http!).join(" | ")} |`);
      log(`|---|${Object.keys(syncTimes.http!).map(() => "---:").join("|")}|`);
      for (const transport of ["http", "grpc"] as const) {
        const cells = Object.values(syncTimes[transport]!).map((times) => {
          const s = [...times].sort((a, b) => a - b);
          return `${pct(s, 0.5).toFixed(0)} / ${s[s.length - 1]!.toFixed(0)}`;
        });
        log(`| ${transport === "http" ? "HTTP" : "gRPC"} | ${cells.join(" | ")} |`);
      }
    }
    if (profDir) log(`\n  server CPU profile written to ${profDir} when the server stops`);
    const saved = path.join(ROOT, "bench", "results", `agents-${Date.now()}.txt`);
    await fsp.mkdir(path.dirname(saved), { recursive: true });
    await fsp.writeFile(saved, printed.join("\n") + "\n");
    console.log(`\n  saved to ${path.relative(ROOT, saved)}`);
  } finally {
    await stopAll();
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
  process.exit(1);
});

// Device list at scale: keyset pages, filters and text search over N devices.
//
//   npx tsx bench/devices.ts [--devices=100000] [--agents=20] [--runs=9]
//
// Starts its own embedded PostgreSQL 18, applies the migrations, inserts the
// agents and devices with generate_series (names core-00001…, hosts
// 10.x.y.z, a few profiles, statuses and labels), runs ANALYZE, then times
// each query through the devices service (the code behind `devices.list`):
// one warm-up, then the median and max of --runs runs.
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { createPool, createPrisma, ensureDatabase } from "../server/db/database.ts";
import { startEmbeddedPostgres } from "../server/db/embedded.ts";
import { migrate } from "../server/db/migrate.ts";
import { createDeviceService, type ListDevicesInput } from "../server/services/devices.ts";

const { values: args } = parseArgs({
  options: { devices: { type: "string", default: "100000" }, agents: { type: "string", default: "20" }, runs: { type: "string", default: "9" } },
});
const DEVICES = Number(args.devices);
const AGENTS = Number(args.agents);
const RUNS = Number(args.runs);

async function main() {
  const tmp = await fs.mkdtemp(path.join(os.tmpdir(), "switchyard-bench-devices-"));
  await fs.chmod(tmp, 0o755); // PostgreSQL runs as its own user when we are root
  const pgServer = await startEmbeddedPostgres({ dataDir: path.join(tmp, "pg") });
  try {
    await ensureDatabase(pgServer.url("postgres"), "switchyard");
    const pool = createPool(pgServer.url("switchyard"), 4);
    const db = createPrisma(pool);
    await migrate(pool);
    await pool.query(
      `INSERT INTO agents (name, host, port, capabilities, updated_at)
       SELECT 'agent-' || lpad(i::text, 3, '0'), '10.0.0.' || i, 8123, ARRAY['cisco_ios', 'huawei_vrp', 'juniper_junos'], now()
         FROM generate_series(1, $1::int) AS i`,
      [AGENTS],
    );
    const t0 = Date.now();
    await pool.query(
      `INSERT INTO devices (agent_id, name, host, port, device_profile, status, labels, updated_at)
       SELECT a.id,
              (ARRAY['core', 'dist', 'access', 'edge'])[1 + i % 4] || '-' || lpad(i::text, 6, '0'),
              '10.' || (i / 65536) % 256 || '.' || (i / 256) % 256 || '.' || i % 256, 22,
              (ARRAY['cisco_ios', 'huawei_vrp', 'juniper_junos'])[1 + i % 3],
              (ARRAY['reachable', 'reachable', 'reachable', 'unreachable', 'unknown']::"DeviceStatus"[])[1 + i % 5],
              CASE WHEN i % 10 = 0 THEN ARRAY['core', 'site-' || i % 50] ELSE ARRAY['site-' || i % 50] END,
              now()
         FROM generate_series(1, $1::int) AS i
         JOIN (SELECT id, row_number() OVER (ORDER BY name) - 1 AS n FROM agents) a ON a.n = i % $2::int`,
      [DEVICES, AGENTS],
    );
    await pool.query("ANALYZE");
    const insertMs = Date.now() - t0;
    const { rows } = await pool.query<{ id: string }>("SELECT id FROM agents ORDER BY name LIMIT 1");
    const devices = createDeviceService({ db });

    // the cursor of page 501 (after 50,000 rows at 100 a page)
    let cursor: string | undefined;
    const deep = Math.min(500, Math.floor(DEVICES / 100) - 1);
    for (let i = 0; i < deep; i++) cursor = (await devices.list({ limit: 100, cursor })).nextCursor ?? undefined;

    const cases: Array<[string, ListDevicesInput]> = [
      ["first page", { limit: 100 }],
      [`page ${deep + 1} (after ${deep * 100} rows)`, { limit: 100, cursor }],
      ["status=unreachable", { limit: 100, status: "unreachable" }],
      ["label=core (GIN)", { limit: 100, label: "core" }],
      ["one agent", { limit: 100, agentId: rows[0]!.id }],
      ["text search `10.1.2` (name/host/profile ILIKE, trigram GIN)", { limit: 100, search: "10.1.2" }],
      ["text search `core-0123` (few matches)", { limit: 100, search: "core-0123" }],
      ["text search `huawei` (a third of all rows)", { limit: 100, search: "huawei" }],
      ["text search `nothing-like-this` (no match)", { limit: 100, search: "nothing-like-this" }],
    ];
    const lines = [
      `Switchyard device list benchmark — ${new Date().toISOString()}`,
      `machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? "cpu"}, node ${process.version}; embedded PostgreSQL 18 on the same machine`,
      `${DEVICES} devices over ${AGENTS} agents (inserted and analysed in ${insertMs} ms); pages of 100; median / max of ${RUNS} runs after one warm-up`,
      "",
      "| query | rows | median | max |",
      "|---|---:|---:|---:|",
    ];
    for (const [label, input] of cases) {
      const first = await devices.list(input);
      const times: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        const s = performance.now();
        await devices.list(input);
        times.push(performance.now() - s);
      }
      times.sort((a, b) => a - b);
      lines.push(`| ${label} | ${first.items.length} | ${times[Math.floor(times.length / 2)]!.toFixed(1)} ms | ${times.at(-1)!.toFixed(1)} ms |`);
    }
    console.log(lines.join("\n"));
    await fs.mkdir("bench/results", { recursive: true });
    await fs.writeFile(`bench/results/devices-${Date.now()}.txt`, lines.join("\n") + "\n");
    await db.$disconnect();
    await pool.end();
  } finally {
    await pgServer.stop();
    await fs.rm(tmp, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

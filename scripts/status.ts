// npm run status: what the database says about this installation. Processes
// and their roles cannot be seen from outside; use system.status (tRPC) or
// /metrics of each replica for those.
import pg from "pg";
import { createPool, createPrisma } from "../server/db/database.ts";
import { parseEnv } from "../server/env.ts";
import { createSystemService } from "../server/services/system.ts";
import { openTarget } from "./lib/database-target.ts";

async function main() {
  const env = parseEnv();
  const target = await openTarget(env);
  const pool = createPool(target.url, 2);
  const db = createPrisma(pool);
  try {
    const s = await createSystemService({ db, pool, env }).status();
    const json = process.argv.includes("--json");
    if (json) {
      const { roles: _roles, draining: _draining, startedAt: _startedAt, ...rest } = s;
      process.stdout.write(JSON.stringify({ database: target.describe, ...rest }, null, 2) + "\n");
      return;
    }
    const lines = [
      `Switchyard ${s.version} (Node ${s.node}), PostgreSQL ${s.postgres}`,
      `database:    ${target.describe}`,
      `migrations:  ${s.migrations.applied}/${s.migrations.total} applied` +
        (s.migrations.pending.length ? `; pending: ${s.migrations.pending.join(", ")}` : "") +
        (s.migrations.failed.length ? `; FAILED: ${s.migrations.failed.join(", ")}` : "") +
        (s.migrations.latest ? ` (latest ${s.migrations.latest})` : ""),
      `agents:      ${s.agents.online} online, ${s.agents.offline} offline, ${s.agents.error} error`,
      `queue:       ${s.queue.ready} ready, ${s.queue.scheduled} scheduled, ${s.queue.locked} running`,
      `maintenance: ${s.maintenanceLocks.length === 0 ? "no locks" : s.maintenanceLocks.map((l) => `${l.reason} (by ${l.owner}${l.expiresAt ? `, until ${l.expiresAt.toISOString()}` : ""}; id ${l.id})`).join("; ")}`,
    ];
    process.stdout.write(lines.join("\n") + "\n");
  } finally {
    await db.$disconnect().catch(() => {});
    await pool.end().catch(() => {});
    await target.release();
  }
}

main().catch((err: unknown) => {
  const msg = err instanceof Error ? err.message : String(err);
  process.stderr.write(`Status failed: ${err instanceof pg.DatabaseError ? `database error: ${msg}` : msg}\n`);
  process.exit(1);
});

// What an operator needs to run Switchyard: drain state, maintenance locks and
// a status summary (version, migrations, agents, queue). Shared by the tRPC
// `system` router, `npm run status` and the shutdown path in main.ts.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type pg from "pg";
import { z } from "zod";
import type { Db } from "../db/database.ts";
import { readMigrations } from "../db/migrate.ts";
import { AppError, notFound } from "../errors.ts";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const VERSION: string = (JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { version: string }).version;

export const DRAINING_MESSAGE = "Switchyard is shutting down; submit again in a moment.";

/**
 * Drain state per database client (one per process, one per test app). Kept
 * here rather than on the app context so the task service can refuse new
 * work with one check.
 */
const draining = new WeakSet<object>();
const shuttingDown = new WeakSet<object>();
export const isDraining = (db: Db) => draining.has(db);

export function assertNotDraining(db: Db) {
  if (draining.has(db)) throw new AppError("UNAVAILABLE", DRAINING_MESSAGE);
}

interface Runtime {
  draining: boolean;
  startedAt: Date;
}

/** Stops accepting new tasks and reports not-ready; `shutdown` marks it one-way. */
export function startDraining(app: { db: Db; runtime: Runtime }, opts: { shutdown?: boolean } = {}) {
  draining.add(app.db);
  app.runtime.draining = true;
  if (opts.shutdown) shuttingDown.add(app.db);
}

export const LockMaintenanceInputSchema = z.object({
  reason: z.string().trim().min(1, "say why").max(500),
  owner: z.string().trim().min(1, "say who").max(100),
  minutes: z.number().int().min(1).max(7 * 24 * 60).optional(),
});
export type LockMaintenanceInput = z.infer<typeof LockMaintenanceInputSchema>;

const lockSelect = { id: true, owner: true, reason: true, createdAt: true, expiresAt: true } as const;

export interface SystemDeps {
  db: Db;
  pool: pg.Pool;
  env: { SWITCHYARD_ROLES: readonly string[]; MANAGER_GRPC_ENABLED?: boolean };
  runtime?: Runtime;
}

export function createSystemService({ db, pool, env, runtime }: SystemDeps) {
  const activeLocks = () =>
    db.maintenanceLock.findMany({
      where: { OR: [{ expiresAt: null }, { expiresAt: { gt: new Date() } }] },
      select: lockSelect,
      orderBy: { createdAt: "asc" },
    });

  return {
    maintenanceLocks: activeLocks,

    lockMaintenance(input: LockMaintenanceInput) {
      const expiresAt = input.minutes ? new Date(Date.now() + input.minutes * 60_000) : null;
      return db.maintenanceLock.create({ data: { reason: input.reason, owner: input.owner, expiresAt }, select: lockSelect });
    },

    async unlockMaintenance(id: string) {
      const { count } = await db.maintenanceLock.deleteMany({ where: { id } });
      if (count === 0) throw notFound("The maintenance lock");
      return { removed: true };
    },

    drain() {
      if (!runtime) throw new AppError("FAILED_PRECONDITION", "This process cannot be drained from here.");
      startDraining({ db, runtime });
      return { draining: true };
    },

    resume() {
      if (!runtime) throw new AppError("FAILED_PRECONDITION", "This process cannot be resumed from here.");
      if (shuttingDown.has(db)) throw new AppError("FAILED_PRECONDITION", "Switchyard is shutting down and cannot be resumed; start it again.");
      draining.delete(db);
      runtime.draining = false;
      return { draining: false };
    },

    /** One query per fact; cheap enough for a status page and `npm run status`. */
    async status() {
      const files = await readMigrations();
      const applied = await pool
        .query<{ migration_name: string; finished_at: Date | null; rolled_back_at: Date | null }>(
          `SELECT migration_name, finished_at, rolled_back_at FROM "_prisma_migrations" ORDER BY started_at`,
        )
        .then((r) => r.rows)
        .catch(() => []);
      const done = new Set(applied.filter((m) => m.finished_at && !m.rolled_back_at).map((m) => m.migration_name));
      const failed = applied.filter((m) => !m.finished_at && !m.rolled_back_at).map((m) => m.migration_name);
      const agents = await pool.query<{ status: string; n: number }>("SELECT status::text AS status, count(*)::int AS n FROM agents GROUP BY status");
      const queue = await pool
        .query<{ ready: number; scheduled: number; locked: number }>(
          `SELECT count(*) FILTER (WHERE is_available AND run_at <= now())::int AS ready,
                  count(*) FILTER (WHERE is_available AND run_at > now())::int AS scheduled,
                  count(*) FILTER (WHERE locked_at IS NOT NULL)::int AS locked
             FROM graphile_worker._private_jobs`,
        )
        .then((r) => r.rows[0]!)
        .catch(() => ({ ready: 0, scheduled: 0, locked: 0 }));
      const server = await pool.query<{ v: string }>("SELECT current_setting('server_version') AS v").then((r) => r.rows[0]!.v);
      return {
        version: VERSION,
        node: process.version,
        postgres: server,
        // the grpc role does not start when its listener is disabled
        roles: env.SWITCHYARD_ROLES.filter((r) => r !== "grpc" || env.MANAGER_GRPC_ENABLED !== false),
        startedAt: runtime?.startedAt ?? null,
        draining: runtime?.draining ?? false,
        migrations: {
          total: files.length,
          applied: files.filter((f) => done.has(f.name)).length,
          pending: files.filter((f) => !done.has(f.name)).map((f) => f.name),
          failed,
          latest: [...done].at(-1) ?? null,
        },
        agents: Object.fromEntries(["online", "offline", "error"].map((s) => [s, agents.rows.find((r) => r.status === s)?.n ?? 0])) as Record<"online" | "offline" | "error", number>,
        queue,
        maintenanceLocks: await activeLocks(),
      };
    },
  };
}
export type SystemService = ReturnType<typeof createSystemService>;

// Applies prisma/migrations/* at start-up and keeps `_prisma_migrations`
// exactly as `prisma migrate deploy` does, so either tool sees the same state.
// (Prisma's own deploy cannot run offline with the JS engine; see docs/decisions.)
import { createHash, randomUUID } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type pg from "pg";

export const MIGRATIONS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../prisma/migrations");
// The advisory lock key Prisma Migrate itself takes, so our runner and
// `prisma migrate deploy` also exclude each other.
const PRISMA_MIGRATE_LOCK = 72707369;

export interface MigrationFile {
  name: string;
  sql: string;
  checksum: string;
}

export class MigrationError extends Error {}

export async function readMigrations(dir = MIGRATIONS_DIR): Promise<MigrationFile[]> {
  const entries = await fs.readdir(dir, { withFileTypes: true });
  const names = entries.filter((e) => e.isDirectory()).map((e) => e.name).sort();
  return Promise.all(
    names.map(async (name) => {
      const sql = await fs.readFile(path.join(dir, name, "migration.sql"), "utf8");
      return { name, sql, checksum: createHash("sha256").update(sql).digest("hex") };
    }),
  );
}

const CREATE_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

interface Row {
  id: string;
  checksum: string;
  finished_at: Date | null;
  migration_name: string;
  logs: string | null;
  rolled_back_at: Date | null;
  started_at: Date;
}

export interface MigrateResult {
  applied: string[];
  total: number;
}

/** Applies pending migrations; throws MigrationError with an operator-readable message when it must not. */
export async function migrate(pool: pg.Pool, opts: { dir?: string; log?: (msg: string) => void } = {}): Promise<MigrateResult> {
  const log = opts.log ?? (() => {});
  const files = await readMigrations(opts.dir);
  const client = await pool.connect();
  try {
    await client.query("SELECT pg_advisory_lock($1)", [PRISMA_MIGRATE_LOCK]);
    try {
      await client.query(CREATE_TABLE);
      const { rows } = await client.query<Row>(
        `SELECT id, checksum, finished_at, migration_name, logs, rolled_back_at, started_at
           FROM "_prisma_migrations" ORDER BY started_at`,
      );
      const live = rows.filter((r) => r.rolled_back_at === null);
      const failed = live.find((r) => r.finished_at === null);
      if (failed) {
        throw new MigrationError(
          `Migration ${failed.migration_name} failed when it was applied at ${failed.started_at.toISOString()}:\n` +
            `${(failed.logs ?? "").trim()}\n` +
            `Fix the cause, then mark it rolled back (npx prisma migrate resolve --rolled-back ${failed.migration_name}, ` +
            `or UPDATE "_prisma_migrations" SET rolled_back_at = now() WHERE id = '${failed.id}') and start again.`,
        );
      }
      const byName = new Map(files.map((f) => [f.name, f]));
      for (const r of live) {
        const f = byName.get(r.migration_name);
        if (!f) {
          throw new MigrationError(
            `The database has migration ${r.migration_name}, which this build does not contain. ` +
              `It was migrated by a newer Switchyard; run that version (or restore a backup from before it).`,
          );
        }
        if (f.checksum !== r.checksum) {
          throw new MigrationError(
            `Migration ${r.migration_name} was changed after it was applied (checksum ${r.checksum.slice(0, 12)}… in the database, ` +
              `${f.checksum.slice(0, 12)}… on disk). Restore the original file; put schema changes in a new migration (npm run db:diff).`,
          );
        }
      }
      const done = new Set(live.map((r) => r.migration_name));
      const applied: string[] = [];
      for (const f of files) {
        if (done.has(f.name)) continue;
        const id = randomUUID();
        log(`applying migration ${f.name}`);
        try {
          await client.query("BEGIN");
          await client.query(
            `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, applied_steps_count)
             VALUES ($1, $2, $3, now(), 0)`,
            [id, f.checksum, f.name],
          );
          await client.query(f.sql);
          await client.query(
            `UPDATE "_prisma_migrations" SET finished_at = now(), applied_steps_count = 1 WHERE id = $1`,
            [id],
          );
          await client.query("COMMIT");
        } catch (err) {
          await client.query("ROLLBACK").catch(() => {});
          const message = err instanceof Error ? err.message : String(err);
          // Record the failure the way Prisma does (finished_at NULL + logs) so
          // every tool reports the same failed state.
          await client.query(
            `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, logs, applied_steps_count)
             VALUES ($1, $2, $3, now(), $4, 0)`,
            [id, f.checksum, f.name, message],
          );
          throw new MigrationError(`Migration ${f.name} failed: ${message}. Nothing of it was applied.`);
        }
        applied.push(f.name);
      }
      return { applied, total: files.length };
    } finally {
      await client.query("SELECT pg_advisory_unlock($1)", [PRISMA_MIGRATE_LOCK]).catch(() => {});
    }
  } finally {
    client.release();
  }
}

/** True when every migration on disk is applied (for /readyz). */
export async function migrationsApplied(pool: pg.Pool, expected: string[]): Promise<boolean> {
  const { rows } = await pool.query<{ migration_name: string }>(
    `SELECT migration_name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`,
  );
  const have = new Set(rows.map((r) => r.migration_name));
  return expected.every((n) => have.has(n));
}

/**
 * Runs `fn` (another tool's schema set-up, e.g. the job queue's migrations)
 * while holding the same advisory lock as our migrations, so replicas starting
 * together on a fresh database do not race (PostgreSQL's CREATE SCHEMA IF NOT
 * EXISTS is not safe against a concurrent twin).
 */
export async function withMigrationLock<T>(pool: pg.Pool, fn: () => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query("SELECT pg_advisory_lock($1)", [PRISMA_MIGRATE_LOCK]);
    try {
      return await fn();
    } finally {
      await client.query("SELECT pg_advisory_unlock($1)", [PRISMA_MIGRATE_LOCK]).catch(() => {});
    }
  } finally {
    client.release();
  }
}

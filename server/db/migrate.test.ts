import { execFile } from "node:child_process";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { createEmptyDatabase } from "../../test/helpers/db.ts";
import { runMigrations as runQueueMigrations } from "graphile-worker";
import { migrate, MigrationError, readMigrations, withMigrationLock } from "./migrate.ts";

const run = promisify(execFile);

/** Tables, columns, indexes, constraints and enums: what "the same schema" means here. */
async function schemaOf(url: string) {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const q = async (sql: string) => (await c.query(sql)).rows.map((r) => JSON.stringify(r));
    return {
      columns: await q(`SELECT table_name, column_name, data_type, udt_name, is_nullable, column_default FROM information_schema.columns WHERE table_schema='public' AND table_name <> '_prisma_migrations' ORDER BY 1,2`),
      indexes: await q(`SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname='public' AND tablename <> '_prisma_migrations' ORDER BY 1,2`),
      constraints: await q(`SELECT conrelid::regclass::text AS t, conname, pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE connamespace='public'::regnamespace AND conrelid::regclass::text <> '_prisma_migrations' ORDER BY 1,2`),
      enums: await q(`SELECT t.typname, e.enumlabel, e.enumsortorder FROM pg_type t JOIN pg_enum e ON e.enumtypid=t.oid ORDER BY 1,3`),
    };
  } finally {
    await c.end();
  }
}

describe("migration runner", () => {
  const dbs: Array<{ drop: () => Promise<void> }> = [];
  afterAll(async () => {
    for (const d of dbs) await d.drop();
  });
  const fresh = async () => {
    const d = await createEmptyDatabase();
    dbs.push(d);
    return d;
  };

  it("sets up the job queue once when several replicas start together on a fresh database", async () => {
    const d = await fresh();
    const pools = Array.from({ length: 4 }, () => new pg.Pool({ connectionString: d.url, max: 3 }));
    try {
      await migrate(pools[0]!);
      // the job queue's set-up, as each replica runs it at start-up, all at the same moment
      const results = await Promise.allSettled(pools.map((p) => withMigrationLock(p, () => runQueueMigrations({ pgPool: p }))));
      expect(results.filter((r) => r.status === "rejected").map((r) => String((r as PromiseRejectedResult).reason))).toEqual([]);
      const { rows } = await pools[0]!.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_namespace WHERE nspname = 'graphile_worker'");
      expect(rows[0]!.n).toBe(1);
    } finally {
      await Promise.all(pools.map((p) => p.end()));
    }
  });

  it("applying every migration gives the schema that `prisma migrate diff --from-empty` of schema.prisma gives", async () => {
    const a = await fresh();
    const poolA = new pg.Pool({ connectionString: a.url });
    await migrate(poolA);
    await poolA.end();

    const b = await fresh();
    const { stdout: sql } = await run("npx", ["prisma", "migrate", "diff", "--from-empty", "--to-schema-datamodel", "prisma/schema.prisma", "--script"], {
      env: { ...process.env, DATABASE_URL: b.url, CHECKPOINT_DISABLE: "1" },
      maxBuffer: 10 * 1024 * 1024,
    });
    expect(sql).toContain("CREATE TABLE");
    const cb = new pg.Client({ connectionString: b.url });
    await cb.connect();
    await cb.query(sql);
    await cb.end();

    const [sa, sb] = await Promise.all([schemaOf(a.url), schemaOf(b.url)]);
    expect(sa.columns.length).toBeGreaterThan(50);
    expect(sa).toEqual(sb);
  }, 60_000);

  it("records migrations exactly like Prisma and applies each once, even when two processes start together", async () => {
    const d = await fresh();
    const p1 = new pg.Pool({ connectionString: d.url, max: 2 });
    const p2 = new pg.Pool({ connectionString: d.url, max: 2 });
    const [r1, r2] = await Promise.all([migrate(p1), migrate(p2)]);
    const files = await readMigrations();
    expect(r1.applied.length + r2.applied.length).toBe(files.length);
    const { rows } = await p1.query(`SELECT * FROM "_prisma_migrations" ORDER BY started_at`);
    expect(rows.map((r) => r.migration_name)).toEqual(files.map((f) => f.name));
    for (const [i, r] of rows.entries()) {
      expect(r.checksum).toBe(files[i]!.checksum);
      expect(r.checksum).toMatch(/^[0-9a-f]{64}$/);
      expect(r.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(r.finished_at).toBeInstanceOf(Date);
      expect(r.applied_steps_count).toBe(1);
      expect(r.rolled_back_at).toBeNull();
    }
    // a second run is a no-op
    expect((await migrate(p1)).applied).toEqual([]);
    await p1.end();
    await p2.end();
  });

  it("refuses to start when an applied migration file was changed", async () => {
    const d = await fresh();
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), "mig-"));
    await fs.mkdir(path.join(dir, "20200101000000_one"));
    await fs.writeFile(path.join(dir, "20200101000000_one", "migration.sql"), "CREATE TABLE one (id int);");
    const pool = new pg.Pool({ connectionString: d.url });
    await migrate(pool, { dir });
    await fs.writeFile(path.join(dir, "20200101000000_one", "migration.sql"), "CREATE TABLE one (id bigint);");
    await expect(migrate(pool, { dir })).rejects.toThrow(/was changed after it was applied/);
    await pool.end();
  });

  it("records a failed migration, applies none of it, and refuses to start until it is resolved", async () => {
    const d = await fresh();
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), "mig-"));
    await fs.mkdir(path.join(dir, "20200101000000_bad"));
    await fs.writeFile(path.join(dir, "20200101000000_bad", "migration.sql"), "CREATE TABLE half (id int);\nSELECT * FROM no_such_table;");
    const pool = new pg.Pool({ connectionString: d.url });
    const err = await migrate(pool, { dir }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MigrationError);
    expect(String((err as Error).message)).toMatch(/no_such_table/);
    const { rowCount } = await pool.query(`SELECT 1 FROM pg_tables WHERE tablename = 'half'`);
    expect(rowCount).toBe(0);
    const { rows } = await pool.query(`SELECT finished_at, logs FROM "_prisma_migrations"`);
    expect(rows).toHaveLength(1);
    expect(rows[0].finished_at).toBeNull();
    expect(rows[0].logs).toMatch(/no_such_table/);
    await expect(migrate(pool, { dir })).rejects.toThrow(/failed when it was applied.*\n[\s\S]*migrate resolve --rolled-back 20200101000000_bad/);
    // after `migrate resolve --rolled-back` and a fixed file, it applies
    await pool.query(`UPDATE "_prisma_migrations" SET rolled_back_at = now()`);
    await fs.writeFile(path.join(dir, "20200101000000_bad", "migration.sql"), "CREATE TABLE half (id int);");
    expect((await migrate(pool, { dir })).applied).toEqual(["20200101000000_bad"]);
    await pool.end();
  });

  it("refuses a database migrated by a newer build", async () => {
    const d = await fresh();
    const pool = new pg.Pool({ connectionString: d.url });
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), "mig-"));
    await fs.mkdir(path.join(dir, "20200101000000_a"));
    await fs.writeFile(path.join(dir, "20200101000000_a", "migration.sql"), "SELECT 1;");
    await migrate(pool, { dir });
    await fs.rm(path.join(dir, "20200101000000_a"), { recursive: true });
    await expect(migrate(pool, { dir })).rejects.toThrow(/does not contain/);
    await pool.end();
  });
});

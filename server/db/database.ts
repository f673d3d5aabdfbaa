// Opens the database: the external one in DATABASE_URL, or an embedded
// PostgreSQL under the data directory. One pg.Pool serves Prisma (through the
// driver adapter), raw SQL, the job queue and LISTEN/NOTIFY.
import pg from "pg";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "./generated/client.ts";
import { startEmbeddedPostgres, type EmbeddedPostgres } from "./embedded.ts";

export type Db = PrismaClient;

// BIGINT counters (uptime, execution time) come back as strings by default;
// Prisma handles its own columns, raw queries get numbers where they fit.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => {
  const n = Number(v);
  return Number.isSafeInteger(n) ? n : v;
});

export interface Database {
  url: string;
  pool: pg.Pool;
  db: Db;
  embedded?: EmbeddedPostgres;
  close: () => Promise<void>;
}

export function createPool(url: string, max: number) {
  const pool = new pg.Pool({
    connectionString: url,
    max,
    idleTimeoutMillis: 30_000,
    connectionTimeoutMillis: 5_000,
    // every session in UTC, whatever the server's or database's default: Prisma's
    // pg adapter reads timestamptz text as UTC, so under another zone (a server
    // set to Asia/Shanghai, say) every time it returned was off by the offset
    options: "-c TimeZone=UTC",
  });
  // An idle client losing its connection (database restart) must not crash the process.
  pool.on("error", () => {});
  return pool;
}

export function createPrisma(pool: pg.Pool): Db {
  return new PrismaClient({ adapter: new PrismaPg(releasingPool(pool)) });
}

/**
 * The pool as Prisma's adapter sees it: clients it checks out for interactive
 * transactions go back to the pool (destroyed) when their connection ends.
 * Prisma releases a transaction's client only after ROLLBACK or COMMIT
 * succeeds, so a connection killed mid-transaction (a database restart) used
 * to stay checked out for good: the pool shrank with every outage and
 * pool.end() never returned.
 */
function releasingPool(pool: pg.Pool): pg.Pool {
  const connect = async () => {
    const client = await pool.connect();
    const release = client.release.bind(client);
    let released = false;
    const onEnd = () => {
      if (released) return;
      released = true;
      release(new Error("connection ended during a transaction"));
    };
    client.once("end", onEnd);
    client.release = (err?: Error | boolean) => {
      client.removeListener("end", onEnd);
      if (released) return;
      released = true;
      release(err);
    };
    return client;
  };
  return new Proxy(pool, {
    get(target, prop) {
      if (prop === "connect") return connect;
      const value = Reflect.get(target, prop, target) as unknown;
      return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

export async function ensureDatabase(adminUrl: string, name: string) {
  const c = new pg.Client({ connectionString: adminUrl });
  await c.connect();
  try {
    const { rowCount } = await c.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
    if (!rowCount) await c.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
  } finally {
    await c.end();
  }
}

export async function openDatabase(opts: {
  databaseUrl?: string;
  dataDir: string;
  embeddedPort?: number;
  poolSize: number;
  log: (msg: string) => void;
}): Promise<Database> {
  let embedded: EmbeddedPostgres | undefined;
  let url = opts.databaseUrl;
  if (!url) {
    embedded = await startEmbeddedPostgres({ dataDir: opts.dataDir, port: opts.embeddedPort });
    await ensureDatabase(embedded.url("postgres"), "switchyard");
    url = embedded.url("switchyard");
    opts.log(`embedded PostgreSQL on 127.0.0.1:${embedded.port} (data in ${opts.dataDir}/pg)`);
  }
  const pool = createPool(url, opts.poolSize);
  // pool.end() resolves once its clients are told to close, not once their
  // sockets are closed; the embedded server must not be stopped before then
  // (it would terminate them, and every listener would log an error)
  const open = new Set<pg.Client>();
  pool.on("connect", (c) => {
    open.add(c);
    c.once("end", () => open.delete(c));
  });
  const db = createPrisma(pool);
  return {
    url,
    pool,
    db,
    embedded,
    close: async () => {
      await db.$disconnect().catch(() => {});
      await pool.end().catch(() => {});
      const closing = [...open].map((c) => new Promise<void>((r) => (open.has(c) ? c.once("end", () => r()) : r())));
      await Promise.race([Promise.all(closing), new Promise((r) => setTimeout(r, 2000).unref())]);
      await embedded?.stop();
    },
  };
}

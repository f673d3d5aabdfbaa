// One real PostgreSQL for the whole run: start the embedded server, migrate a
// template database once; each test file clones it (CREATE DATABASE ... TEMPLATE).
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import type { TestProject } from "vitest/node";
import { startEmbeddedPostgres } from "../server/db/embedded.ts";
import { migrate } from "../server/db/migrate.ts";
import { runMigrations as runQueueMigrations } from "graphile-worker";

declare module "vitest" {
  export interface ProvidedContext {
    pgAdminUrl: string;
    pgTemplate: string;
  }
}

export const TEMPLATE_DB = "switchyard_template";

export default async function setup(project: TestProject) {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), "switchyard-test-pg-"));
  const embedded = await startEmbeddedPostgres({
    dataDir: dir,
    // durability is irrelevant for tests; speed is not
    settings: { fsync: "off", synchronous_commit: "off", full_page_writes: "off", max_connections: 300 },
  });
  const admin = new pg.Client({ connectionString: embedded.url("postgres") });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${TEMPLATE_DB}`);
  await admin.end();
  const pool = new pg.Pool({ connectionString: embedded.url(TEMPLATE_DB), max: 2 });
  await migrate(pool);
  await runQueueMigrations({ pgPool: pool });
  await pool.end();
  project.provide("pgAdminUrl", embedded.url("postgres"));
  project.provide("pgTemplate", TEMPLATE_DB);
  return async () => {
    await embedded.stop();
    await fs.rm(dir, { recursive: true, force: true });
  };
}

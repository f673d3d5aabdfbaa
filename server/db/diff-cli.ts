// `npm run db:diff [-- --create <name>]`: prints the SQL that takes the schema
// of the last migration to the current prisma/schema.prisma; with --create it
// writes it as a new migration. Works offline (Prisma's JS engine), using
// DATABASE_URL or a throwaway embedded PostgreSQL for Prisma's adapter.
import { execFileSync } from "node:child_process";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { startEmbeddedPostgres } from "./embedded.ts";
import { MIGRATIONS_DIR } from "./migrate.ts";

const ROOT = path.resolve(MIGRATIONS_DIR, "../..");
const SNAPSHOT = path.join(ROOT, "prisma", "snapshot", "schema.prisma");
const SCHEMA = path.join(ROOT, "prisma", "schema.prisma");

const { values } = parseArgs({ options: { create: { type: "string" } } });
if (values.create !== undefined && !/^[a-z0-9_]+$/.test(values.create)) {
  console.error("--create takes a snake_case name, e.g. --create add_device_labels");
  process.exit(2);
}

let url = process.env.DATABASE_URL;
let stop: (() => Promise<void>) | undefined;
if (!url) {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), "switchyard-diff-"));
  const pg = await startEmbeddedPostgres({ dataDir: dir });
  url = pg.url("postgres");
  stop = async () => {
    await pg.stop();
    await fs.rm(dir, { recursive: true, force: true });
  };
}
try {
  const sql = execFileSync(
    "npx",
    ["prisma", "migrate", "diff", "--from-schema-datamodel", SNAPSHOT, "--to-schema-datamodel", SCHEMA, "--script"],
    { cwd: ROOT, env: { ...process.env, DATABASE_URL: url, CHECKPOINT_DISABLE: "1" }, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] },
  );
  const empty = !/^\s*(CREATE|ALTER|DROP|INSERT|UPDATE|COMMENT)/m.test(sql);
  if (values.create === undefined) {
    process.stdout.write(empty ? "-- schema.prisma matches the last migration; nothing to do\n" : sql);
  } else if (empty) {
    console.warn("schema.prisma matches the last migration; no migration written");
  } else {
    const stamp = new Date().toISOString().replace(/\D/g, "").slice(0, 14);
    const dir = path.join(MIGRATIONS_DIR, `${stamp}_${values.create}`);
    await fs.mkdir(dir, { recursive: true });
    await fs.writeFile(path.join(dir, "migration.sql"), sql);
    await fs.copyFile(SCHEMA, SNAPSHOT);
    console.warn(`wrote ${path.relative(ROOT, dir)}/migration.sql and updated prisma/snapshot/schema.prisma`);
  }
} finally {
  await stop?.();
}

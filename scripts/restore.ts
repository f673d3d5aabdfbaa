// npm run restore -- <file>: loads a backup made by `npm run backup` into an
// EMPTY database (DATABASE_URL, or a fresh embedded data directory), then
// migrates it to this build's schema. See docs/operations.md.
import path from "node:path";
import { readHeader, restore } from "./lib/backup.ts";
import { openTarget } from "./lib/database-target.ts";

async function main() {
  const arg = process.argv[2];
  if (!arg) throw new Error("name the backup file: npm run restore -- <file>");
  const file = path.resolve(arg);
  const header = await readHeader(file);
  const target = await openTarget();
  try {
    process.stdout.write(`Restoring ${file} (made ${header.createdAt} by Switchyard ${header.appVersion}, ${header.migrations.length} migrations) into ${target.describe}\n`);
    const started = Date.now();
    const r = await restore(target.url, file);
    process.stdout.write(
      `Restored ${r.rows} rows in ${Date.now() - started} ms` +
        (r.migrationsAfter.length ? `; then applied ${r.migrationsAfter.length} newer migration(s): ${r.migrationsAfter.join(", ")}` : "") +
        "\n",
    );
  } finally {
    await target.release();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`Restore failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});

// npm run backup [-- <file>]: a consistent logical backup of the database
// (DATABASE_URL, or the embedded one) into one gzip'd file. See docs/operations.md.
import path from "node:path";
import { backup } from "./lib/backup.ts";
import { openTarget } from "./lib/database-target.ts";

async function main() {
  const arg = process.argv[2];
  const file = path.resolve(arg ?? `switchyard-backup-${new Date().toISOString().replace(/[:.]/g, "-")}.jsonl.gz`);
  const target = await openTarget();
  try {
    const started = Date.now();
    const r = await backup(target.url, file);
    process.stdout.write(`Backed up ${target.describe}: ${r.rows} rows from ${r.tables} tables to ${file} (${(r.bytes / 1024).toFixed(1)} KiB, ${Date.now() - started} ms)\n`);
  } finally {
    await target.release();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`Backup failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});

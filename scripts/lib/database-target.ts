// Which database an operations command works on: DATABASE_URL, or the
// embedded PostgreSQL under SWITCHYARD_DATA_DIR. A running embedded server is
// used as it is (its port is in postmaster.pid); a stopped one is started for
// the command and stopped again afterwards.
import fs from "node:fs";
import path from "node:path";
import { parseEnv } from "../../server/env.ts";
import { ensureDatabase } from "../../server/db/database.ts";
import { startEmbeddedPostgres } from "../../server/db/embedded.ts";

export interface DatabaseTarget {
  url: string;
  describe: string;
  release: () => Promise<void>;
}

function runningEmbedded(dataDir: string): { port: number } | null {
  const pidFile = path.join(dataDir, "pg", "postmaster.pid");
  if (!fs.existsSync(pidFile)) return null;
  const lines = fs.readFileSync(pidFile, "utf8").split("\n");
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  try {
    process.kill(pid, 0);
  } catch {
    return null;
  }
  return pid && port ? { port } : null;
}

export async function openTarget(env = parseEnv()): Promise<DatabaseTarget> {
  if (env.DATABASE_URL) return { url: env.DATABASE_URL, describe: redact(env.DATABASE_URL), release: async () => {} };
  const passwordFile = path.join(env.dataDir, ".pg-password");
  if (!fs.existsSync(passwordFile)) {
    throw new Error(`No database: DATABASE_URL is not set and ${env.dataDir} holds no embedded PostgreSQL. Set DATABASE_URL or SWITCHYARD_DATA_DIR.`);
  }
  const password = encodeURIComponent(fs.readFileSync(passwordFile, "utf8").trim());
  const running = runningEmbedded(env.dataDir);
  if (running) {
    const url = `postgresql://switchyard:${password}@127.0.0.1:${running.port}/switchyard`;
    return { url, describe: `embedded PostgreSQL in ${env.dataDir} (running, port ${running.port})`, release: async () => {} };
  }
  const pg = await startEmbeddedPostgres({ dataDir: env.dataDir, port: env.EMBEDDED_PG_PORT });
  await ensureDatabase(pg.url("postgres"), "switchyard");
  return { url: pg.url("switchyard"), describe: `embedded PostgreSQL in ${env.dataDir} (started for this command)`, release: () => pg.stop() };
}

export const redact = (url: string) => url.replace(/\/\/([^:/@]+):[^@]*@/, "//$1:***@");

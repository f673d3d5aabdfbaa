// Starts `server/main.ts` as a child process exactly as `npm start` does, with
// a fresh data directory (so a fresh embedded database) and ports chosen by the OS.
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type Browser } from "playwright-core";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

export interface RunningServer {
  url: string;
  grpcPort: number | null;
  dataDir: string;
  child: ChildProcess;
  output: () => string;
  stop: (signal?: NodeJS.Signals) => Promise<number | null>;
}

export async function startServer(env: Record<string, string> = {}, opts: { dataDir?: string; nodeArgs?: string[] } = {}): Promise<RunningServer> {
  const dataDir = opts.dataDir ?? (await fs.mkdtemp(path.join(os.tmpdir(), "switchyard-e2e-")));
  const child = spawn(process.execPath, [...(opts.nodeArgs ?? []), "--import", "tsx", "server/main.ts"], {
    cwd: ROOT,
    env: {
      ...process.env,
      DATABASE_URL: "",
      SWITCHYARD_DATA_DIR: dataDir,
      PORT: "0",
      HOST: "127.0.0.1",
      MANAGER_GRPC_PORT: "0",
      MANAGER_GRPC_HOST: "127.0.0.1",
      LOG_LEVEL: "warn",
      NODE_ENV: "production",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout!.on("data", (d) => (out += d));
  child.stderr!.on("data", (d) => (out += d));
  const ready = await new Promise<RegExpExecArray>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in time:\n${out}`)), 120_000);
    const check = () => {
      const m = /Switchyard ready in \d+ ms(?: — UI and agent HTTP: (http:\/\/\S+))?(?: — agent gRPC: \S+:(\d+))?/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m);
      }
    };
    child.stdout!.on("data", check);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} during start-up:\n${out}`));
    });
  });
  return {
    url: ready[1]!,
    grpcPort: ready[2] ? Number(ready[2]) : null,
    dataDir,
    child,
    output: () => out,
    stop: async (signal = "SIGTERM") => {
      // a clean stop takes a few seconds; one that hangs fails with the server's last words, not a bare hook timeout
      let hung = false;
      const code = await new Promise<number | null>((resolve) => {
        if (child.exitCode !== null) return resolve(child.exitCode);
        const timer = setTimeout(() => {
          hung = true;
          child.kill("SIGKILL");
        }, 30_000);
        child.once("exit", (c) => {
          clearTimeout(timer);
          resolve(c);
        });
        child.kill(signal);
      });
      await stopOrphanPostgres(dataDir);
      if (hung) throw new Error(`server did not exit within 30 s of ${signal}; killed. Last output:\n${out.split("\n").slice(-40).join("\n")}`);
      return code;
    },
  };
}

/** After a SIGKILL (or a crash) the embedded PostgreSQL outlives the server; stop it. */
export async function stopOrphanPostgres(dataDir: string) {
  const pidFile = path.join(dataDir, "pg", "postmaster.pid");
  const pid = Number((await fs.readFile(pidFile, "utf8").catch(() => "")).split("\n")[0]);
  if (!pid) return;
  try {
    process.kill(pid, "SIGINT");
  } catch {
    return;
  }
  for (let i = 0; i < 100; i++) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function launchBrowser(): Promise<Browser> {
  // playwright gives every launch a fresh temporary profile
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

/** A browser page on a fresh server, signed in as the first administrator, collecting console errors. */
export async function signedInPage(browser: Browser, server: RunningServer, contextOptions: Parameters<Browser["newContext"]>[0] = {}) {
  const consoleErrors: string[] = [];
  const context = await browser.newContext(contextOptions);
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: server.url });
  const page = await context.newPage();
  page.on("console", (m) => m.type() === "error" && consoleErrors.push(m.text()));
  page.on("pageerror", (e) => consoleErrors.push(e.message));
  await page.goto(`${server.url}/setup`);
  await page.getByLabel("Username").fill("admin");
  await page.getByLabel("Password").fill("operator-password-1");
  await page.getByRole("button", { name: "Create administrator" }).click();
  await page.waitForURL(/\/agents$/);
  return { context, page, consoleErrors };
}

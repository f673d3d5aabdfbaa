// The README's first command as a supervisor runs it: `npm start`, then SIGTERM
// to npm itself. The server must drain and stop its embedded database.
import { spawn } from "node:child_process";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT, stopOrphanPostgres } from "./harness.ts";

describe("npm start", () => {
  it("starts on a fresh data directory and stops cleanly on SIGTERM to npm", async () => {
    const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "switchyard-npm-"));
    const child = spawn("npm", ["start"], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: "", SWITCHYARD_DATA_DIR: dataDir, PORT: "0", HOST: "127.0.0.1", MANAGER_GRPC_PORT: "0", AGENT_API_KEY: "npm-start-key-0123456789" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout!.on("data", (d) => (out += d));
    child.stderr!.on("data", (d) => (out += d));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`not ready:\n${out}`)), 90_000);
        child.stdout!.on("data", () => {
          const m = /UI and agent HTTP: (http:\/\/\S+)/.exec(out);
          if (m) {
            clearTimeout(t);
            resolve(m[1]!);
          }
        });
      });
      expect((await fetch(`${url}/readyz`)).status).toBe(200);
      const code = await new Promise<number | null>((r) => {
        child.once("exit", (c) => r(c));
        child.kill("SIGTERM");
      });
      expect(code).toBe(0);
      expect(out).toMatch(/"msg":"stopped"/);
      // a clean stop logs no error (e.g. connections cut by the database stopping under them)
      expect(out.split("\n").filter((l) => /"level":(50|60)/.test(l))).toEqual([]);
      // postgres removes its pid file when it has shut down
      await expect(fs.access(path.join(dataDir, "pg", "postmaster.pid"))).rejects.toThrow();
    } finally {
      if (child.exitCode === null) child.kill("SIGKILL");
      await stopOrphanPostgres(dataDir);
      await fs.rm(dataDir, { recursive: true, force: true });
    }
  });
});

import { spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { EnvError, parseEnv } from "./env.ts";

describe("parseEnv", () => {
  it("applies the documented defaults", () => {
    const env = parseEnv({});
    expect(env.PORT).toBe(3000);
    expect(env.MANAGER_GRPC_PORT).toBe(50051);
    expect(env.AGENT_TIMEOUT).toBe(120_000);
    expect(env.AGENT_HEARTBEAT_INTERVAL).toBe(30_000);
    expect(env.MANAGER_GRPC_MAX_MESSAGE_BYTES).toBe(16_777_216);
    expect(env.MANAGER_GRPC_ENABLED).toBe(true);
    expect(env.SWITCHYARD_ROLES).toEqual(["web", "grpc", "worker"]);
    expect(env.AGENT_API_KEY).toBeUndefined();
    expect(env.DATABASE_URL).toBeUndefined();
  });

  it("names every bad variable in one message", () => {
    let message = "";
    try {
      parseEnv({ PORT: "http", AGENT_TIMEOUT: "-5", SWITCHYARD_ROLES: "web,cook", DATABASE_URL: "mysql://x", AGENT_API_KEY: "short" });
    } catch (err) {
      expect(err).toBeInstanceOf(EnvError);
      message = (err as Error).message;
    }
    for (const name of ["PORT", "AGENT_TIMEOUT", "SWITCHYARD_ROLES", "DATABASE_URL", "AGENT_API_KEY"]) expect(message).toContain(name);
    expect(message).toContain("cook");
  });

  it("parses booleans and role lists", () => {
    const env = parseEnv({ MANAGER_GRPC_ENABLED: "false", SWITCHYARD_ROLES: "worker, web" });
    expect(env.MANAGER_GRPC_ENABLED).toBe(false);
    expect(env.SWITCHYARD_ROLES).toEqual(["worker", "web"]);
  });
});

describe("start-up with bad configuration", () => {
  it("exits non-zero before touching any database, naming each bad variable", () => {
    const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
    const r = spawnSync(process.execPath, ["--import", "tsx", "server/main.ts"], {
      cwd: root,
      env: { ...process.env, PORT: "http", AGENT_TIMEOUT: "soon", DATABASE_URL: "" },
      encoding: "utf8",
      timeout: 30_000,
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/Invalid configuration:\n {2}PORT: .*\n {2}AGENT_TIMEOUT: /);
    expect(r.stdout).not.toMatch(/ready/);
  });
});

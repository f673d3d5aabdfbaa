// npm run backup / restore / status against real databases: a backup restored
// into a fresh database is identical table by table, and the product starts
// on it with its data.
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import zlib from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp } from "../helpers/app.ts";
import { createEmptyDatabase } from "../helpers/db.ts";
import { createSystemService } from "../../server/services/system.ts";
import { tableDigests } from "../../scripts/lib/backup.ts";
import { runScript, signIn, startSwitchyard, trpcMutation, trpcQuery, waitUntil } from "./spawn.ts";

let src: Awaited<ReturnType<typeof createTestApp>>;
let dst: Awaited<ReturnType<typeof createEmptyDatabase>>;
let dir: string;
beforeAll(async () => {
  src = await createTestApp();
  dst = await createEmptyDatabase();
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "switchyard-backup-"));
});
afterAll(async () => {
  await src.close();
  await dst.drop();
  await fs.rm(dir, { recursive: true, force: true });
});

async function seed() {
  const s = src.app.services;
  const client = { ip: "127.0.0.1", userAgent: "vitest", secure: false };
  const { cookie } = await s.auth.setup({ username: "admin", password: "correct horse battery" }, client);
  const user = (await s.auth.validate(/sy_session=([^;]+)/.exec(cookie)![1]!, false)).user!;
  const agent = await s.agentReports.register({ name: "edge-1", host: "10.0.0.1", port: 8123, version: "0.4.2", capabilities: ["cisco_ios"], connections_count: 2, templates_count: 0 }, "http");
  await s.agentReports.reportDevices({ name: "edge-1", devices: [{ name: "core-1", host: "10.1.0.1", port: 22, device_profile: "cisco_ios" }, { name: "core-2", host: "10.1.0.2", port: 22, device_profile: "cisco_ios" }] });
  const task = await s.taskEngine.create({ name: "nightly ✓ «quotes» \"and\" \\ back\nslash", type: "exec", targets: [{ agentId: agent.id, connection: "core-1" }], payload: { command: "show run", mode: "Enable" } }, user.id);
  await createSystemService(src.app).lockMaintenance({ reason: "core upgrade", owner: "alice", minutes: 60 });
  return { task, agent };
}

describe("backup and restore", () => {
  it("restores into an empty database table for table; the product starts on it with the data; its maintenance lock holds a SIGTERM", { timeout: 60_000 }, async () => {
    const { task, agent } = await seed();
    const file = path.join(dir, "b.jsonl.gz");
    const b = await runScript("backup", [file], src.database.url);
    expect(b.stderr).toBe("");
    expect(b.code).toBe(0);
    expect(b.stdout).toMatch(/^Backed up .*: \d+ rows from \d+ tables to .*b\.jsonl\.gz/);

    const r = await runScript("restore", [file], dst.url);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Restored \d+ rows/);

    const before = await tableDigests(src.database.url);
    const after = await tableDigests(dst.url);
    expect(Object.keys(after).length).toBeGreaterThan(10);
    expect(after).toEqual(before);
    expect(after["public.tasks"]).toMatch(/^1:/);
    expect(after["graphile_worker._private_jobs"]).toMatch(/^1:/); // the run's dispatch job survives

    // a second restore into the now non-empty database is refused and changes nothing
    const again = await runScript("restore", [file], dst.url);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain("The target database is not empty");
    expect(await tableDigests(dst.url)).toEqual(before);

    const status = await runScript("status", [], dst.url);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/^agents: +1 online, 0 offline, 0 error$/m);
    expect(status.stdout).toMatch(/^migrations: +(\d+)\/\1 applied/m);
    expect(status.stdout).toMatch(/^maintenance: core upgrade \(by alice/m);

    const server = await startSwitchyard(dst.url, { SWITCHYARD_ROLES: "web", MAINTENANCE_LOCK_MAX_WAIT_MS: "20000" });
    try {
      expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
      const cookie = await signIn(server.url, "admin", "correct horse battery");
      const t = await trpcQuery<{ id: string; name: string; runs: Array<{ connection: string }> }>(server.url, "tasks.get", cookie, { id: task.id });
      expect(t.name).toBe("nightly ✓ «quotes» \"and\" \\ back\nslash");
      expect(t.runs.map((x) => x.connection)).toEqual(["core-1"]);
      const locks = await trpcQuery<Array<{ id: string; owner: string }>>(server.url, "system.maintenanceLocks", cookie);
      expect(locks.map((l) => l.owner)).toEqual(["alice"]);

      // the restored maintenance lock holds a SIGTERM: the process drains, says why, and waits for the unlock
      const exited = new Promise<number | null>((resolve) => server.child.once("exit", (c) => resolve(c)));
      server.child.kill("SIGTERM");
      await waitUntil(() => server.output().includes("shutdown waits: maintenance lock held by alice (core upgrade)"));
      expect(server.child.exitCode).toBeNull();
      const ready = await fetch(`${server.url}/readyz`);
      expect(ready.status).toBe(503);
      const create = await trpcMutation(server.url, "tasks.create", cookie, { type: "exec", targets: [{ agentId: agent.id, connection: "core-1" }], payload: { command: "x", mode: "Enable" } });
      expect(create.status).toBe(503);
      expect(JSON.stringify(create.body)).toContain("Switchyard is shutting down; submit again in a moment.");
      const unlockedAt = Date.now();
      expect((await trpcMutation(server.url, "system.unlockMaintenance", cookie, { id: locks[0]!.id })).status).toBe(200);
      expect(await exited).toBe(0);
      expect(Date.now() - unlockedAt).toBeLessThan(5000);
    } finally {
      await server.stop();
    }
  });

  it("refuses a file that is not a backup, and a truncated backup loads no rows", async () => {
    const junk = path.join(dir, "junk.gz");
    await fs.writeFile(junk, "hello");
    const r = await runScript("restore", [junk], dst.url);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^Restore failed: /);

    const good = zlib.gunzipSync(await fs.readFile(path.join(dir, "b.jsonl.gz"))).toString("utf8");
    expect(good).toMatch(/\nE\t\{.*\}\n$/);
    const cut = path.join(dir, "cut.jsonl.gz");
    await fs.writeFile(cut, zlib.gzipSync(good.replace(/E\t\{.*\}\n$/, "")));
    const empty = await createEmptyDatabase();
    try {
      const t = await runScript("restore", [cut], empty.url);
      expect(t.code).toBe(1);
      expect(t.stderr).toContain("truncated");
      const digests = await tableDigests(empty.url);
      expect(Object.values(digests).every((d) => d === "0:-")).toBe(true);
    } finally {
      await empty.drop();
    }
  });
});

// Agent utilities through tRPC, on both transports, against emulated agents.
import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFleet, type Fleet } from "../../test/helpers/fleet.ts";

let f: Fleet;
beforeAll(async () => {
  f = await startFleet();
});
afterAll(async () => f.close());

describe.each(["http", "grpc"] as const)("agent utilities over %s", (mode) => {
  let a: Awaited<ReturnType<Fleet["agent"]>>;
  beforeAll(async () => {
    a = await f.agent(`util-${mode}`, mode, { devices: ["sw-a", "sw-b", "sw-c"] });
  });

  it("health, info, status", async () => {
    expect((await f.caller.agents.health({ id: a.id })).ok).toBe(true);
    expect(await f.caller.agents.info({ id: a.id })).toMatchObject({ name: a.name, version: "0.4.2", managed: true, uptime_seconds: 99 });
    expect(await f.caller.agents.status({ id: a.id })).toMatchObject({ status: "online", running_tasks: 0 });
    const calls = a.received.map((r) => r.call);
    expect(calls).toContain(mode === "grpc" ? "GetAgentStatus" : "GET /api/agent/status");
  });

  it("saves, lists, reads and tests connections", async () => {
    await f.caller.agents.saveConnection({ id: a.id, name: "lab-1", connection: { host: "10.9.9.9", port: 22, username: "ops", password: "pw", device_profile: "cisco_ios" } });
    const list = await f.caller.agents.connections({ id: a.id });
    expect(list.map((c) => c.name)).toContain("lab-1");
    expect(await f.caller.agents.connection({ id: a.id, name: "lab-1" })).toMatchObject({ name: "lab-1", host: "10.9.9.9", has_password: true });
    expect(await f.caller.agents.testConnection({ id: a.id, connection: { host: "10.9.9.9", username: "ops" } })).toMatchObject({ ok: true, host: "10.9.9.9" });
    expect((await f.caller.agents.testConnection({ id: a.id, connection: { host: "10.255.255.1" } })).ok).toBe(false);
  });

  it("refuses to save or test inline connection details over gRPC with a rauto 0.5 agent, before sending anything", async () => {
    await f.database.pool.query("UPDATE agents SET version = '0.5.1' WHERE id = $1", [a.id]);
    try {
      const before = a.received.length;
      const save = f.caller.agents.saveConnection({ id: a.id, name: "lab-2", connection: { host: "10.9.9.8", username: "ops", password: "pw" } });
      const test = f.caller.agents.testConnection({ id: a.id, connection: { host: "10.9.9.8" } });
      if (mode === "grpc") {
        await expect(save).rejects.toThrow(/^Agent util-grpc runs rauto 0\.5\.1, whose gRPC connection message is not the one this manager speaks \(0\.4\); saving a connection/);
        await expect(test).rejects.toMatchObject({ code: "PRECONDITION_FAILED" });
        expect(a.received.length).toBe(before);
      } else {
        // HTTP carries the same fields by name: nothing to refuse
        await save;
        expect((await test).ok).toBe(true);
      }
    } finally {
      await f.database.pool.query("UPDATE agents SET version = '0.4.2' WHERE id = $1", [a.id]);
    }
  });

  it("lists and edits templates, profiles and modes", async () => {
    await f.caller.agents.saveTemplate({ id: a.id, kind: "command", name: "show-int", content: "show interface {{ intf }}", mode: "create" });
    await f.caller.agents.saveTemplate({ id: a.id, kind: "command", name: "show-int", content: "show interfaces {{ intf }}", mode: "update" });
    expect((await f.caller.agents.templates({ id: a.id, kind: "command" })).map((t) => t.name)).toEqual(["show-int"]);
    expect(await f.caller.agents.template({ id: a.id, kind: "command", name: "show-int" })).toMatchObject({ name: "show-int", content: "show interfaces {{ intf }}" });
    const profiles = await f.caller.agents.deviceProfiles({ id: a.id });
    expect(profiles.builtins.map((p) => p.name)).toContain("cisco_ios");
    expect(await f.caller.agents.profileModes({ id: a.id, profile: "cisco_ios" })).toEqual({ name: "cisco_ios", default_mode: "Enable", modes: ["Login", "Enable", "Config"] });
  });

  it("probes devices and records reachability in the inventory", async () => {
    const res = await f.caller.agents.probeDevices({ id: a.id, connections: ["sw-a", "sw-b", "sw-c"], timeoutSecs: 2 });
    expect(res).toMatchObject({ total: 3, reachable_count: 2, unreachable_count: 1, synced: 3 });
    const devs = await f.caller.devices.list({ agentId: a.id });
    expect(devs.items.map((d) => [d.name, d.status])).toEqual([["sw-a", "reachable"], ["sw-b", "unreachable"], ["sw-c", "reachable"]]);
  });
});

// The emulated agent answers a probe by position: the 1st, 3rd, ... named
// connection is reachable, the 2nd, 4th, ... unreachable ("timeout").
describe.each(["http", "grpc"] as const)("probe results as reachability history over %s", (mode) => {
  const statusChanges = async () => (await f.caller.dashboard.activity()).perMinute.reduce((n, m) => n + m.statusChanges, 0);
  const history = async (id: string) => (await f.caller.devices.statusHistory({ id })).items.map((e) => [e.status, e.error]);

  it("records only real changes of status, like an agent's own status report", async () => {
    const a = await f.agent(`probe-hist-${mode}`, mode, { devices: ["px-a", "px-b", "px-c"] });
    const devs = Object.fromEntries((await f.caller.devices.list({ agentId: a.id })).items.map((d) => [d.name, d.id]));
    const [pa, pb, pc] = [devs["px-a"]!, devs["px-b"]!, devs["px-c"]!];
    expect(await history(pa)).toEqual([]);
    const before = await statusChanges();

    // unknown -> reachable / unreachable / reachable
    expect(await f.caller.agents.probeDevices({ id: a.id, connections: ["px-a", "px-b", "px-c"], timeoutSecs: 2 })).toMatchObject({ synced: 3 });
    expect(await statusChanges()).toBe(before + 3);

    // px-c stays reachable, px-a becomes unreachable; px-b is not probed
    expect(await f.caller.agents.probeDevices({ id: a.id, connections: ["px-c", "px-a"], timeoutSecs: 2 })).toMatchObject({ reachable_count: 1, unreachable_count: 1, synced: 2 });
    // the event and the row come from the same statement
    const [change] = (await f.caller.devices.statusHistory({ id: pa })).items;
    expect(await f.caller.devices.get({ id: pa })).toMatchObject({ status: "unreachable", lastError: "timeout", lastCheckedAt: change!.at });
    // the same answer again is no change at all
    await f.caller.agents.probeDevices({ id: a.id, connections: ["px-c", "px-a"], timeoutSecs: 2 });
    // nor is the agent reporting the state the probe already recorded
    expect((await a.reporter.updateDeviceStatus([{ name: "px-a", host: "10.1.0.2", reachable: false }])).ok).toBe(true);

    // newest first, with what the probe said
    expect(await history(pa)).toEqual([["unreachable", "timeout"], ["reachable", null]]);
    expect(await history(pb)).toEqual([["unreachable", "timeout"]]);
    expect(await history(pc)).toEqual([["reachable", null]]);
    expect(await statusChanges()).toBe(before + 4);

    // an agent's report of a real change still adds to the same history
    await a.reporter.updateDeviceStatus([{ name: "px-a", host: "10.1.0.2", reachable: true }]);
    expect(await history(pa)).toEqual([["reachable", null], ["unreachable", "timeout"], ["reachable", null]]);
    expect(await statusChanges()).toBe(before + 5);

    // a device first seen in a probe starts from "unknown"
    await f.caller.agents.probeDevices({ id: a.id, connections: ["px-new"], timeoutSecs: 2 });
    const fresh = (await f.caller.devices.list({ agentId: a.id })).items.find((d) => d.name === "px-new");
    expect(fresh).toMatchObject({ status: "reachable" });
    expect(await history(fresh!.id)).toEqual([["reachable", null]]);
    expect(await statusChanges()).toBe(before + 6);
  });
});

describe("agent call failures", () => {
  it("says which agent did not answer, and why", async () => {
    const a = await f.agent("gone-1", "http");
    await a.close();
    const err = await f.caller.agents.status({ id: a.id }).catch((e: TRPCError) => e);
    expect(err).toBeInstanceOf(TRPCError);
    expect((err as TRPCError).code).toBe("SERVICE_UNAVAILABLE");
    expect((err as TRPCError).message).toMatch(/^Agent gone-1 refused the connection at 127\.0\.0\.1:\d+: is rauto running there\?$/);
  });
});

describe("template store", () => {
  it("validates JSON plans, versions edits, refuses stale saves, pulls and pushes", async () => {
    const a = await f.agent("tpl-1", "http");
    const bad = await f.caller.templates.save({ kind: "tx_workflow", name: "wf", content: "{ not json" }).catch((e: TRPCError) => e);
    expect((bad as TRPCError).code).toBe("BAD_REQUEST");
    const invalid = await f.caller.templates.save({ kind: "tx_workflow", name: "wf", content: JSON.stringify({ name: "wf", blocks: "x" }) }).catch((e: TRPCError) => e);
    expect((invalid as TRPCError).message).toMatch(/not a valid plan: .*blocks must be a list of blocks/);
    const t = await f.caller.templates.save({ kind: "command", name: "show-ver", content: "show version" });
    const t2 = await f.caller.templates.save({ id: t.id, kind: "command", name: "show-ver", content: "show version | i uptime", version: 1 });
    expect(t2.version).toBe(2);
    const stale = await f.caller.templates.save({ id: t.id, kind: "command", name: "show-ver", content: "x", version: 1 }).catch((e: TRPCError) => e);
    expect((stale as TRPCError).code).toBe("CONFLICT");
    expect((await f.caller.templates.push({ id: t.id, agentIds: [a.id] })).results).toEqual([{ agentId: a.id, ok: true, action: "created" }]);
    expect((await f.caller.templates.push({ id: t.id, agentIds: [a.id] })).results[0]).toMatchObject({ action: "updated" });
    const pulled = await f.caller.templates.pull({ agentId: a.id, kind: "command", name: "show-ver" });
    expect(pulled).toMatchObject({ name: "show-ver", version: 3, sourceAgent: "tpl-1", content: "show version | i uptime" });
  });

  it("keeps drafts per user", async () => {
    const d = await f.caller.templates.saveDraft({ kind: "tx_workflow", name: "draft 1", document: { nodes: [1, 2] } });
    await f.caller.templates.saveDraft({ id: d.id, kind: "tx_workflow", name: "draft 1b", document: { nodes: [1, 2, 3] } });
    expect(await f.caller.templates.draft({ id: d.id })).toMatchObject({ name: "draft 1b", document: { nodes: [1, 2, 3] } });
    expect((await f.caller.templates.drafts()).map((x) => x.name)).toEqual(["draft 1b"]);
  });
});

describe("data management", () => {
  it("requires the typed phrase to reset", async () => {
    const e = await f.caller.settings.reset({ confirm: "reset" }).catch((x: TRPCError) => x);
    expect((e as TRPCError).code).toBe("BAD_REQUEST");
    expect(await f.database.db.agent.count()).toBeGreaterThan(0);
    const res = await f.caller.settings.reset({ confirm: "RESET SWITCHYARD" });
    expect(res.agents).toBeGreaterThan(0);
    expect(await f.database.db.agent.count()).toBe(0);
    expect(await f.database.db.user.count()).toBe(1);
  });
});

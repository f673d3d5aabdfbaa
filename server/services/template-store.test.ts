// The manager-side template store (tRPC templates.*): kind is fixed on update,
// pulls follow save's rules and version checks, drafts report missing ids.
import { randomUUID } from "node:crypto";
import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AppError } from "../errors.ts";
import { startFleet, type Fleet } from "../../test/helpers/fleet.ts";

type Err = TRPCError & { cause?: AppError };
const fail = (p: Promise<unknown>) =>
  p.then(
    (v) => {
      throw new Error(`expected a failure, got ${JSON.stringify(v)}`);
    },
    (e: unknown) => {
      expect(e).toBeInstanceOf(TRPCError);
      return e as Err;
    },
  );
const fieldPaths = (e: Err) => (e.cause?.details?.fields ?? []).map((x) => x.path);

const WORKFLOW = JSON.stringify({
  name: "wf",
  fail_fast: true,
  blocks: [{ name: "b", fail_fast: true, rollback_policy: "none", steps: [{ run: { kind: "command", mode: "Enable", command: "show version", timeout: 10 } }] }],
});

let f: Fleet;
let a: Awaited<ReturnType<Fleet["agent"]>>;
beforeAll(async () => {
  f = await startFleet();
  a = await f.agent("tpl-store-1", "http");
});
afterAll(async () => f.close());

const agentHas = (kind: "command" | "tx_workflow", name: string, content: string, mode: "create" | "update" = "create") =>
  f.caller.agents.saveTemplate({ id: a.id, kind, name, content, mode });

describe("templates.save on update", () => {
  it("refuses to change a JSON template's kind to command (which would skip JSON validation)", async () => {
    const t = await f.caller.templates.save({ kind: "tx_workflow", name: "kind-wf", content: WORKFLOW });
    expect(t.contentType).toBe("application/json");
    const e = await fail(f.caller.templates.save({ id: t.id, kind: "command", name: "kind-wf", content: "not json at all", version: 1 }));
    expect(e.code).toBe("BAD_REQUEST");
    expect(e.message).toMatch(/is a tx_workflow template; an update cannot change its kind to command/);
    expect(fieldPaths(e)).toEqual(["kind"]);
    const stored = await f.database.db.template.findUniqueOrThrow({ where: { id: t.id } });
    expect(stored).toMatchObject({ kind: "tx_workflow", content: WORKFLOW, contentType: "application/json", version: 1 });
  });

  it("refuses to relabel a command template as JSON, and still saves with the stored kind", async () => {
    const t = await f.caller.templates.save({ kind: "command", name: "kind-cmd", content: "show clock" });
    const e = await fail(f.caller.templates.save({ id: t.id, kind: "tx_workflow", name: "kind-cmd", content: WORKFLOW, version: 1 }));
    expect(e.code).toBe("BAD_REQUEST");
    expect(fieldPaths(e)).toEqual(["kind"]);
    expect(await f.database.db.template.findUniqueOrThrow({ where: { id: t.id } })).toMatchObject({ kind: "command", contentType: "text/plain", content: "show clock", version: 1 });
    const ok = await f.caller.templates.save({ id: t.id, kind: "command", name: "kind-cmd", content: "show clock detail", version: 1 });
    expect(ok).toMatchObject({ kind: "command", contentType: "text/plain", content: "show clock detail", version: 2 });
    // an unknown id is still NOT_FOUND, not a kind error
    expect((await fail(f.caller.templates.save({ id: randomUUID(), kind: "command", name: "ghost", content: "x" }))).code).toBe("NOT_FOUND");
  });
});

describe("templates.pull", () => {
  it("refuses a name that breaks the store's name rule, saying which rule and what to do", async () => {
    await agentHas("command", "show:ver", "show version");
    const e = await fail(f.caller.templates.pull({ agentId: a.id, kind: "command", name: "show:ver" }));
    expect(e.code).toBe("BAD_REQUEST");
    expect(e.message).toMatch(/"show:ver" cannot be stored: its name breaks the store's name rule \(letters, digits, space and _ \. @ - only/);
    expect(e.message).toMatch(/Rename it on the agent .* then pull it again/);
    expect(fieldPaths(e)).toEqual(["name"]);

    const long = "x".repeat(201);
    await agentHas("command", long, "show version");
    const e2 = await fail(f.caller.templates.pull({ agentId: a.id, kind: "command", name: long }));
    expect(e2.code).toBe("BAD_REQUEST");
    expect(e2.message).toMatch(/name rule .*200/);
    expect(await f.database.db.template.count({ where: { name: { in: ["show:ver", long] } } })).toBe(0);
  });

  it("validates pulled JSON templates like save does", async () => {
    await agentHas("tx_workflow", "pulled-bad-json", "{ not json");
    const e = await fail(f.caller.templates.pull({ agentId: a.id, kind: "tx_workflow", name: "pulled-bad-json" }));
    expect(e.code).toBe("BAD_REQUEST");
    expect(e.message).toMatch(/tx_workflow template is not valid JSON/);

    await agentHas("tx_workflow", "pulled-bad-plan", JSON.stringify({ name: "wf", blocks: "x" }));
    const e2 = await fail(f.caller.templates.pull({ agentId: a.id, kind: "tx_workflow", name: "pulled-bad-plan" }));
    expect(e2.message).toMatch(/not a valid plan: .*blocks must be a list of blocks/);
    expect(await f.database.db.template.count({ where: { name: { startsWith: "pulled-bad-" } } })).toBe(0);

    await agentHas("tx_workflow", "pulled-good", WORKFLOW);
    expect(await f.caller.templates.pull({ agentId: a.id, kind: "tx_workflow", name: "pulled-good" })).toMatchObject({
      kind: "tx_workflow",
      contentType: "application/json",
      content: WORKFLOW,
      version: 1,
      sourceAgent: "tpl-store-1",
    });
  });

  it("does not overwrite a different stored template without the expected version, but replaces an identical one", async () => {
    const t = await f.caller.templates.save({ kind: "command", name: "diverged", content: "show ip route" });
    await agentHas("command", "diverged", "show ip route vrf mgmt");
    const e = await fail(f.caller.templates.pull({ agentId: a.id, kind: "command", name: "diverged" }));
    expect(e.code).toBe("CONFLICT");
    expect(e.message).toMatch(/already has a different command template "diverged" \(version 1\); pulling from tpl-store-1 would overwrite it\. To replace it, compare it with agent tpl-store-1's copy, then choose "Replace the stored copy" \(API: pull again with version 1\)/);
    expect(await f.database.db.template.findUniqueOrThrow({ where: { id: t.id } })).toMatchObject({ content: "show ip route", version: 1, sourceAgent: null });

    // identical content: create-or-replace records the source and bumps the version
    const same = await f.caller.templates.save({ kind: "command", name: "same", content: "show users" });
    await agentHas("command", "same", "show users");
    expect(await f.caller.templates.pull({ agentId: a.id, kind: "command", name: "same" })).toMatchObject({ id: same.id, content: "show users", version: 2, sourceAgent: "tpl-store-1" });
  });

  it("replaces with the expected version and refuses a stale one", async () => {
    const t = await f.caller.templates.save({ kind: "command", name: "versioned", content: "v1" });
    await agentHas("command", "versioned", "agent v1");
    const store = f.app.services.templateStore;
    const pulled = await store.pull(a.id, "command", "versioned", null, { version: 1 });
    expect(pulled).toMatchObject({ id: t.id, content: "agent v1", version: 2, sourceAgent: "tpl-store-1" });

    await agentHas("command", "versioned", "agent v2", "update");
    const e = await store.pull(a.id, "command", "versioned", null, { version: 1 }).catch((x: unknown) => x);
    expect(e).toMatchObject({ name: "AppError", code: "CONFLICT" });
    expect((e as Error).message).toMatch(/meanwhile \(now version 2, you expected 1\); compare it with agent tpl-store-1's copy, then choose "Replace the stored copy" \(API: pull again with version 2\)/);
    expect(await f.database.db.template.findUniqueOrThrow({ where: { id: t.id } })).toMatchObject({ content: "agent v1", version: 2 });
  });
});

describe("templates.deleteDraft", () => {
  it("says NOT_FOUND for a missing draft, like templates.delete", async () => {
    const d = await f.caller.templates.saveDraft({ kind: "tx_workflow", name: "to delete", document: { nodes: [] } });
    expect(await f.caller.templates.deleteDraft({ id: d.id })).toEqual({ id: d.id });
    const again = await fail(f.caller.templates.deleteDraft({ id: d.id }));
    expect(again.code).toBe("NOT_FOUND");
    expect(again.message).toBe(`Draft ${d.id} was not found.`);
    expect((await fail(f.caller.templates.deleteDraft({ id: randomUUID() }))).code).toBe("NOT_FOUND");
  });

  it("says NOT_FOUND for another user's draft and leaves it alone", async () => {
    const other = await f.database.db.user.create({ data: { username: "someone-else", passwordHash: "x", role: "operator" } });
    const theirs = await f.database.db.draft.create({ data: { userId: other.id, kind: "tx_workflow", name: "theirs", document: {} } });
    expect((await fail(f.caller.templates.deleteDraft({ id: theirs.id }))).code).toBe("NOT_FOUND");
    expect(await f.database.db.draft.count({ where: { id: theirs.id } })).toBe(1);
  });
});

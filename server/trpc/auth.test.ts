import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callerFor, createTestApp } from "../../test/helpers/app.ts";
import { createCaller } from "./router.ts";
import { createContextInner } from "./trpc.ts";

type T = Awaited<ReturnType<typeof createTestApp>>;
let t: T;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

const anon = () => createCaller(createContextInner({ app: t.app }));
const client = { ip: "10.1.1.1", userAgent: "vitest", secure: false };

async function codeOf(p: Promise<unknown>) {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(TRPCError);
  return (err as TRPCError).code;
}

describe("auth", () => {
  it("requires setup first, creates the first admin exactly once even under concurrency", async () => {
    expect(await anon().auth.status()).toEqual({ setupRequired: true, user: null });
    const attempts = await Promise.allSettled(
      ["first-admin", "second-admin", "third-admin"].map((username) => anon().auth.setup({ username, password: "a-long-password-1" })),
    );
    expect(attempts.filter((a) => a.status === "fulfilled")).toHaveLength(1);
    const refused = attempts.filter((a): a is PromiseRejectedResult => a.status === "rejected");
    expect(refused.map((r) => (r.reason as TRPCError).code)).toEqual(["FORBIDDEN", "FORBIDDEN"]);
    expect(await t.database.db.user.count()).toBe(1);
    expect((await anon().auth.status()).setupRequired).toBe(false);
    const admin = await t.database.db.user.findFirstOrThrow();
    expect(admin.role).toBe("admin");
    expect(admin.passwordHash).toMatch(/^\$argon2id\$/);
  });

  it("rejects bad setup input with field errors and stores nothing", async () => {
    const err = await anon()
      .auth.setup({ username: "x", password: "short" })
      .catch((e: TRPCError) => e);
    expect(err).toBeInstanceOf(TRPCError);
    expect((err as TRPCError).code).toBe("BAD_REQUEST");
    expect(await t.database.db.user.count()).toBe(1);
  });

  it("logs in, validates the session with sliding expiry, and logs out", async () => {
    const username = (await t.database.db.user.findFirstOrThrow()).username;
    const cookies: string[] = [];
    const ctx = createContextInner({ app: t.app, client, setCookie: (c) => cookies.push(c) });
    await createCaller(ctx).auth.login({ username, password: "a-long-password-1" });
    expect(cookies[0]).toMatch(/^sy_session=[a-z0-9]+;/);
    expect(cookies[0]).toMatch(/HttpOnly/);
    expect(cookies[0]).toMatch(/SameSite=Lax/);
    const sid = /sy_session=([^;]+)/.exec(cookies[0]!)![1]!;
    const v = await t.app.services.auth.validate(sid, false);
    expect(v.user?.username).toBe(username);

    // sliding expiry: a session in its second half is extended and a new cookie issued
    await t.database.db.session.update({ where: { id: sid }, data: { expiresAt: new Date(Date.now() + 60_000) } });
    const refreshed = await t.app.services.auth.validate(sid, false);
    expect(refreshed.cookie).toMatch(/^sy_session=/);
    const row = await t.database.db.session.findUniqueOrThrow({ where: { id: sid } });
    expect(row.expiresAt.getTime()).toBeGreaterThan(Date.now() + 24 * 3600_000);

    const authed = createCaller(createContextInner({ app: t.app, user: v.user, sessionId: sid, setCookie: (c) => cookies.push(c) }));
    await authed.auth.logout();
    expect(cookies.at(-1)).toMatch(/sy_session=;/);
    expect((await t.app.services.auth.validate(sid, false)).user).toBeNull();
  });

  it("throttles repeated failures per user, even with the right password afterwards", async () => {
    const username = (await t.database.db.user.findFirstOrThrow()).username;
    for (let i = 0; i < 5; i++) {
      expect(await codeOf(anon().auth.login({ username, password: "wrong-password!" }))).toBe("UNAUTHORIZED");
    }
    const err = await anon()
      .auth.login({ username, password: "a-long-password-1" })
      .catch((e: TRPCError) => e);
    expect((err as TRPCError).code).toBe("TOO_MANY_REQUESTS");
    expect((err as TRPCError).message).toMatch(/Try again in \d+ minute/);
    await t.database.db.loginThrottle.deleteMany();
  });

  it("changes the password, ending the other sessions", async () => {
    const username = (await t.database.db.user.findFirstOrThrow()).username;
    await callerFor(t.app, { username, password: "a-long-password-1" });
    const before = (await t.database.db.session.findMany({ select: { id: true } })).map((s) => s.id);
    expect(before.length).toBeGreaterThan(0);
    const me = await callerFor(t.app, { username, password: "a-long-password-1" });
    expect(await codeOf(me.auth.changePassword({ currentPassword: "nope-nope-nope", newPassword: "another-long-pass" }))).toBe("BAD_REQUEST");
    await me.auth.changePassword({ currentPassword: "a-long-password-1", newPassword: "another-long-pass" });
    for (const sid of before) expect((await t.app.services.auth.validate(sid, false)).user).toBeNull();
    expect(await t.database.db.session.count()).toBe(1);
    await expect(anon().auth.login({ username, password: "another-long-pass" })).resolves.toEqual({ ok: true });
  });

  it("requires a session for every procedure but status, setup and login", async () => {
    const c = anon();
    const calls: Array<[string, () => Promise<unknown>]> = [
      ["agents.list", () => c.agents.list({})],
      ["agents.get", () => c.agents.get({ id: "00000000-0000-0000-0000-000000000000" })],
      ["agents.delete", () => c.agents.delete({ id: "00000000-0000-0000-0000-000000000000" })],
      ["agents.connectInfo", () => c.agents.connectInfo()],
      ["devices.list", () => c.devices.list({})],
      ["tasks.list", () => c.tasks.list({})],
      ["history.list", () => c.history.list({})],
      ["templates.list", () => c.templates.list({})],
      ["notifications.list", () => c.notifications.list({})],
      ["notifications.markAllRead", () => c.notifications.markAllRead()],
      ["settings.get", () => c.settings.get()],
      ["dashboard.summary", () => c.dashboard.summary()],
      ["search.query", () => c.search.query({ q: "x" })],
      ["auth.logout", () => c.auth.logout()],
      ["auth.changePassword", () => c.auth.changePassword({ currentPassword: "x", newPassword: "yyyyyyyyyyyy" })],
    ];
    for (const [name, call] of calls) expect(`${name}:${await codeOf(call())}`).toBe(`${name}:UNAUTHORIZED`);
  });
});

describe("lists", () => {
  it("pages agents with keyset cursors and validates the cursor", async () => {
    const username = (await t.database.db.user.findFirstOrThrow()).username;
    const c = await callerFor(t.app, { username, password: "another-long-pass" });
    await t.database.db.agent.createMany({
      data: Array.from({ length: 7 }, (_, i) => ({ name: `edge-${i}`, host: `10.0.0.${i}`, port: 8123 })),
    });
    const seen: string[] = [];
    let cursor: string | null | undefined;
    do {
      const page = await c.agents.list({ limit: 3, cursor });
      seen.push(...page.items.map((a) => a.name));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(["edge-0", "edge-1", "edge-2", "edge-3", "edge-4", "edge-5", "edge-6"]);
    expect(await codeOf(c.agents.list({ cursor: "garbage" }))).toBe("BAD_REQUEST");
    expect(await codeOf(c.agents.list({ limit: 10_000 }))).toBe("BAD_REQUEST");
    expect((await c.agents.list({ search: "EDGE-4" })).items.map((a) => a.name)).toEqual(["edge-4"]);
  });
});

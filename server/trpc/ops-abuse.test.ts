// Abuse of the operator API over real HTTP: an authorization matrix over every
// procedure in the router, cookie flags, and a seeded fuzz of malformed input
// to every procedure, signed in and signed out: never a 5xx, never a row.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, startTestServer } from "../../test/helpers/app.ts";
import { tableDigests } from "../../scripts/lib/backup.ts";
import { appRouter } from "./router.ts";

let t: Awaited<ReturnType<typeof createTestApp>>;
let web: Awaited<ReturnType<typeof startTestServer>>;
let cookie = "";
let adminId = "";

const procedures = Object.entries(appRouter._def.procedures as unknown as Record<string, { _def: { type: "query" | "mutation" | "subscription"; inputs: unknown[] } }>).map(
  ([path, p]) => ({ path, type: p._def.type, hasInput: p._def.inputs.length > 0 }),
);
/** the only procedures a signed-out caller may reach; a new public one must be added here on purpose */
const PUBLIC = ["auth.status", "auth.setup", "auth.login"];

beforeAll(async () => {
  t = await createTestApp();
  web = await startTestServer(t.app, { remix: false });
  const res = await post("auth.setup", { json: { username: "admin", password: "correct horse battery" } });
  expect(res.status).toBe(200);
  cookie = /sy_session=[^;]+/.exec(res.headers.getSetCookie().join("\n"))![0];
  adminId = (await t.database.db.user.findFirstOrThrow()).id;
  // some data, so that a write that should not happen has something to change
  const r = t.app.services.agentReports;
  await r.register({ name: "abuse-1", host: "10.0.0.9", port: 8123, version: "1", capabilities: ["cisco_ios"], connections_count: 1, templates_count: 0 }, "http");
  await r.reportDevices({ name: "abuse-1", devices: [{ name: "sw-1", host: "10.9.0.1", port: 22, device_profile: "cisco_ios" }] });
  await r.offline("abuse-1");
}, 60_000);
afterAll(async () => {
  await web.close();
  await t.close();
});

function post(path: string, body: unknown, headers: Record<string, string> = {}) {
  return fetch(`${web.url}/trpc/${path}`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: typeof body === "string" ? body : JSON.stringify(body) });
}
function get(path: string, input: string | null, headers: Record<string, string> = {}) {
  return fetch(`${web.url}/trpc/${path}${input === null ? "" : `?input=${encodeURIComponent(input)}`}`, { headers });
}
/** one call of a procedure the way the tRPC client makes it */
async function call(p: (typeof procedures)[number], input: unknown, headers: Record<string, string> = {}) {
  if (p.type === "mutation") return post(p.path, input === undefined ? "" : input, headers);
  const res = await get(p.path, input === undefined ? null : typeof input === "string" ? input : JSON.stringify(input), { accept: p.type === "subscription" ? "text/event-stream" : "application/json", ...headers });
  return res;
}
/** status and body text; an SSE stream is read only until its first message */
async function outcome(res: Response) {
  if (res.headers.get("content-type")?.includes("text/event-stream")) {
    const reader = res.body!.getReader();
    const first = await Promise.race([reader.read(), new Promise<{ value: undefined }>((r) => setTimeout(() => r({ value: undefined }), 2000))]);
    await reader.cancel().catch(() => {});
    return { status: res.status, text: first.value ? new TextDecoder().decode(first.value) : "" };
  }
  return { status: res.status, text: await res.text() };
}

describe("authorization matrix", () => {
  it("lists every procedure from the router", () => {
    expect(procedures.length).toBeGreaterThan(50);
    expect(procedures.map((p) => p.path)).toEqual(expect.arrayContaining(["tasks.create", "system.drain", "tasks.events"]));
  });

  it("answers 401 to every procedure but sign-in and set-up without a session", async () => {
    const open: string[] = [];
    for (const p of procedures) {
      const o = await outcome(await call(p, p.hasInput ? { json: {} } : undefined));
      const refused = p.type === "subscription" ? o.status === 401 || /UNAUTHORIZED/.test(o.text) : o.status === 401;
      if (!refused) open.push(`${p.path} → ${o.status}`);
      else if (p.type !== "subscription") expect(o.text).toContain("Sign in to continue");
    }
    expect(open.map((o) => o.split(" →")[0]).sort()).toEqual([...PUBLIC].sort());
  });

  it("answers 403 to every mutation from another origin, signed in or not, before it runs", async () => {
    const before = await tableDigests(t.database.url);
    for (const p of procedures.filter((x) => x.type === "mutation")) {
      const variants: Array<Record<string, string>> = [{ origin: "https://evil.example", cookie }, { "sec-fetch-site": "cross-site", cookie }, { origin: "null" }];
      for (const headers of variants) {
        const res = await post(p.path, { json: {} }, headers);
        expect(`${p.path} ${res.status}`).toBe(`${p.path} 403`);
        expect(await res.text()).toContain("Cross-origin request refused");
      }
    }
    expect(await tableDigests(t.database.url)).toEqual(before);
    expect(t.app.runtime.draining).toBe(false); // system.drain never ran
  });

  it("lets a viewer read but refuses every change with 403 before it runs (its own session and notifications aside)", async () => {
    await t.database.pool.query(`INSERT INTO users (username, password_hash, role, updated_at) SELECT 'viewer', password_hash, 'viewer', now() FROM users WHERE username = 'admin'`);
    const login = await post("auth.login", { json: { username: "viewer", password: "correct horse battery" } });
    expect(login.status).toBe(200);
    const viewer = /sy_session=[^;]+/.exec(login.headers.getSetCookie().join("\n"))![0];
    const own = ["auth.setup", "auth.login", "auth.logout", "auth.changePassword", "notifications.markRead", "notifications.markAllRead"];
    const before = await tableDigests(t.database.url);
    const wrong: string[] = [];
    for (const p of procedures.filter((x) => x.type === "mutation" && !own.includes(x.path))) {
      const res = await post(p.path, { json: {} }, { cookie: viewer });
      const text = await res.text();
      if (res.status !== 403 || !/can view but not change|Only administrators/.test(text)) wrong.push(`${p.path} → ${res.status}`);
    }
    expect(wrong).toEqual([]);
    expect(await tableDigests(t.database.url)).toEqual(before);
    expect((await get("tasks.list", JSON.stringify({ json: {} }), { cookie: viewer })).status).toBe(200);
    expect((await get("devices.list", JSON.stringify({ json: {} }), { cookie: viewer })).status).toBe(200);
  });

  it("sets the session cookie HttpOnly, SameSite=Lax, Path=/, and Secure behind HTTPS", async () => {
    const plain = await post("auth.login", { json: { username: "admin", password: "correct horse battery" } });
    const c1 = plain.headers.getSetCookie().find((c) => c.startsWith("sy_session="))!;
    expect(c1).toMatch(/; HttpOnly/i);
    expect(c1).toMatch(/; SameSite=Lax/i);
    expect(c1).toMatch(/; Path=\//i);
    expect(c1).not.toMatch(/; Secure/i);
    // a TLS-terminating proxy on loopback says https: the cookie is Secure
    const tls = await post("auth.login", { json: { username: "admin", password: "correct horse battery" } }, { "x-forwarded-proto": "https" });
    expect(tls.headers.getSetCookie().find((c) => c.startsWith("sy_session="))).toMatch(/; Secure/i);
    const bad = await post("auth.login", { json: { username: "admin", password: "wrong password!!" } });
    expect(bad.status).toBe(401);
    expect(bad.headers.getSetCookie()).toEqual([]);
  });
});

// a small seeded PRNG, so a failure can be replayed
function rng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let x = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}
const KEYS = ["id", "ids", "name", "taskId", "agentId", "type", "targets", "payload", "limit", "cursor", "labels", "connection", "username", "password", "query", "status", "reason", "owner", "minutes", "__proto__", "constructor", "lastEventId", "page", "sort"];

function junk(r: () => number, depth = 0): unknown {
  const k = Math.floor(r() * (depth > 3 ? 9 : 12));
  switch (k) {
    case 0: return null;
    case 1: return Math.floor(r() * 2 ** 53) * (r() < 0.5 ? -1 : 1);
    case 2: return r() < 0.5 ? 1e308 * 10 : -0.5;
    case 3: return r() < 0.5 ? "" : "x".repeat(Math.floor(r() * 5000));
    case 4: return ["00000000-0000-0000-0000-000000000000", "not-a-uuid", "'; DROP TABLE agents; --", "\u0000\uffff\ud800", "../../etc/passwd", "<script>alert(1)</script>"][Math.floor(r() * 6)];
    case 5: return r() < 0.5;
    case 6: return "2026-13-45T99:99:99Z";
    case 7: return { $gt: "" };
    case 8: return [];
    case 9: return Array.from({ length: Math.floor(r() * 5) }, () => junk(r, depth + 1));
    default: {
      const o: Record<string, unknown> = {};
      for (let i = 0; i < 1 + Math.floor(r() * 4); i++) o[KEYS[Math.floor(r() * KEYS.length)]!] = junk(r, depth + 1);
      return o;
    }
  }
}

/** a body or query input: mostly {json: junk}, sometimes broken JSON or broken superjson meta */
function payload(r: () => number): unknown {
  const k = r();
  if (k < 0.08) return ["", "{", "null", "[]", '{"json":', "\u0000", '{"json":{},"meta":{"values":{"":["Date"]}}}', '{"0":{"json":{}}}'][Math.floor(r() * 8)];
  if (k < 0.16) return { json: junk(r), meta: { values: { [KEYS[Math.floor(r() * KEYS.length)]!]: [["Date", "bigint", "set", "map", "undefined", "regexp", "class"][Math.floor(r() * 7)]] } } };
  if (k < 0.2) return { json: { ...(junk(r) as object) }, meta: { referentialEqualities: { "": ["json.a"] } } };
  return { json: junk(r) };
}

describe("fuzzing every procedure", () => {
  it("answers thousands of malformed calls without a 5xx, a stack trace or a written row", { timeout: 60_000 }, async () => {
    const before = await tableDigests(t.database.url);
    const r = rng(20261122);
    const PER = 24;
    const calls: Array<{ p: (typeof procedures)[number]; input: unknown; signedIn: boolean }> = [];
    for (const p of procedures) {
      // a procedure without input ignores its body: fuzzing it signed in just calls it (system.drain, markAllRead)
      const signedInToo = p.hasInput && p.path !== "auth.logout";
      for (let i = 0; i < PER; i++) {
        calls.push({ p, input: payload(r), signedIn: false });
        if (signedInToo) calls.push({ p, input: payload(r), signedIn: true });
      }
    }
    const bad: string[] = [];
    const statuses = new Map<number, number>();
    let next = 0;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (next < calls.length) {
          const c = calls[next++]!;
          const o = await outcome(await call(c.p, c.input, c.signedIn ? { cookie } : {}));
          statuses.set(o.status, (statuses.get(o.status) ?? 0) + 1);
          if (o.status >= 500 || /\bat \/|node_modules|stack/i.test(o.text)) bad.push(`${c.p.path} (${c.signedIn ? "signed in" : "signed out"}) ${JSON.stringify(c.input).slice(0, 200)} → ${o.status} ${o.text.slice(0, 200)}`);
        }
      }),
    );
    process.stdout.write(`fuzz: ${calls.length} calls over ${procedures.length} procedures; statuses ${JSON.stringify(Object.fromEntries(statuses))}` + "\n");
    expect(calls.length).toBeGreaterThan(2000);
    expect(bad).toEqual([]);
    expect(statuses.get(400) ?? 0).toBeGreaterThan(500);
    // the session still works, nothing was written (sessions and sign-in throttles may move; they are not data)
    expect((await get("auth.status", null, { cookie }).then((x) => x.json())) as unknown).toMatchObject({ result: { data: { json: { user: { id: adminId } } } } });
    const after = await tableDigests(t.database.url);
    const data = (d: Record<string, string>) => Object.fromEntries(Object.entries(d).filter(([k]) => !["public.sessions", "public.login_throttles"].includes(k) && !k.startsWith("graphile_worker.")));
    expect(data(after)).toEqual(data(before));
    expect(t.app.runtime.draining).toBe(false);
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, startTestServer } from "../../test/helpers/app.ts";

let t: Awaited<ReturnType<typeof createTestApp>>;
let srv: Awaited<ReturnType<typeof startTestServer>>;
beforeAll(async () => {
  t = await createTestApp();
  srv = await startTestServer(t.app);
});
afterAll(async () => {
  await srv.close();
  await t.close();
});

describe("web server", () => {
  it("answers /healthz and /readyz", async () => {
    const h = await fetch(`${srv.url}/healthz`);
    expect(h.status).toBe(200);
    expect((await h.json()).status).toBe("ok");
    const r = await fetch(`${srv.url}/readyz`);
    expect(r.status).toBe(200);
    expect(await r.json()).toEqual({ status: "ready" });
  });

  it("/readyz is 503 while draining and when migrations are missing", async () => {
    t.app.runtime.draining = true;
    expect((await fetch(`${srv.url}/readyz`)).status).toBe(503);
    t.app.runtime.draining = false;
    await t.database.pool.query(`UPDATE "_prisma_migrations" SET rolled_back_at = now()`);
    const r = await fetch(`${srv.url}/readyz`);
    expect(r.status).toBe(503);
    expect(await r.json()).toEqual({ status: "migrations pending" });
    await t.database.pool.query(`UPDATE "_prisma_migrations" SET rolled_back_at = NULL`);
  });

  it("serves tRPC with typed errors: unknown procedure 404, bad input 400 with field errors, no stack traces", async () => {
    const unknown = await fetch(`${srv.url}/trpc/nope.nothing`);
    expect(unknown.status).toBe(404);
    const bad = await fetch(`${srv.url}/trpc/auth.setup`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ json: { username: 1, password: "x" } }),
    });
    expect(bad.status).toBe(400);
    const body = await bad.json();
    expect(body.error.json.data.code).toBe("BAD_REQUEST");
    expect(body.error.json.data.fieldErrors.map((f: { path: string }) => f.path).sort()).toEqual(["password", "username"]);
    expect(JSON.stringify(body)).not.toMatch(/stack|at .*\.ts:\d+/);
    const unauth = await fetch(`${srv.url}/trpc/agents.list?input=${encodeURIComponent(JSON.stringify({ json: {} }))}`);
    expect(unauth.status).toBe(401);
  });

  it("refuses tRPC mutations from another origin", async () => {
    const res = await fetch(`${srv.url}/trpc/auth.login`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: "https://evil.example" },
      body: JSON.stringify({ json: { username: "a", password: "b" } }),
    });
    expect(res.status).toBe(403);
    const same = await fetch(`${srv.url}/trpc/auth.login`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: srv.url },
      body: JSON.stringify({ json: { username: "nobody", password: "b" } }),
    });
    expect(same.status).toBe(401);
  });

  it("refuses every agent endpoint without the agent token", async () => {
    const res = await fetch(`${srv.url}/api/agents/register`, { method: "POST", body: "{}" });
    expect(res.status).toBe(401);
    expect((await res.json()).success).toBe(false);
  });
});

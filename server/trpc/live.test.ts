import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callerFor, createTestApp } from "../../test/helpers/app.ts";

let t: Awaited<ReturnType<typeof createTestApp>>;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t?.close());

describe("live.events", () => {
  it("says hello, then streams bus events published through PostgreSQL NOTIFY, and stops when closed", async () => {
    const caller = await callerFor(t.app, { username: "admin" });
    const stream = await caller.live.events();
    const it = stream[Symbol.asyncIterator]();
    // tracked messages arrive as [id, data]
    const data = async () => ((await it.next()).value as unknown as [string, unknown])[1];
    expect(await data()).toEqual({ type: "hello" });
    await t.app.bus.publish({ type: "task", taskId: "00000000-0000-4000-8000-000000000001", status: "running" });
    await t.app.bus.publish({ type: "notification", id: "00000000-0000-4000-8000-000000000002", level: "info" });
    expect(await data()).toMatchObject({ type: "task", status: "running" });
    expect(await data()).toMatchObject({ type: "notification", level: "info" });
    // closing the stream unsubscribes from the bus
    const end = await Promise.race([it.return?.(undefined), new Promise((r) => setTimeout(() => r("timeout"), 5000))]);
    expect(end).toMatchObject({ done: true });
  });

  it("refuses a signed-out caller", async () => {
    const anon = await callerFor(t.app);
    await expect(anon.live.events()).rejects.toMatchObject({ code: "UNAUTHORIZED" });
  });
});

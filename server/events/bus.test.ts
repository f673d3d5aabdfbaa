// The live-event bus over real PostgreSQL NOTIFY: concurrent publishes are
// batched into fewer round trips but arrive complete and in order.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp } from "../../test/helpers/app.ts";
import { waitFor } from "../../test/helpers/fleet.ts";
import type { BusEvent } from "./bus.ts";

let t: Awaited<ReturnType<typeof createTestApp>>;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t?.close());

describe("event bus", () => {
  it("delivers 500 concurrent publishes, each once and in publish order, in far fewer NOTIFY statements", async () => {
    const seen: number[] = [];
    const off = t.app.bus.subscribe((e: BusEvent) => {
      if (e.type === "task_event" && e.taskId === "bus-order") seen.push(e.seq);
    });
    const queries = { n: 0 };
    const pool = t.database.pool as unknown as { query: (...a: unknown[]) => unknown };
    const original = pool.query.bind(pool);
    pool.query = (...a: unknown[]) => {
      if ((a[0] as { name?: string })?.name === "switchyard-bus-notify") queries.n++;
      return original(...a);
    };
    try {
      await Promise.all(Array.from({ length: 500 }, (_, i) => t.app.bus.publish({ type: "task_event", taskId: "bus-order", seq: i + 1 })));
      await waitFor(async () => seen.length, (n) => n >= 500, 10_000, "500 events");
      expect(seen).toEqual(Array.from({ length: 500 }, (_, i) => i + 1));
      expect(queries.n).toBeGreaterThanOrEqual(2); // the first went alone, the rest queued behind it
      expect(queries.n).toBeLessThan(50);
    } finally {
      pool.query = original;
      off();
    }
  });
});

// The pool under Prisma: a connection that dies inside an interactive
// transaction must not keep its pool client checked out forever (Prisma's
// transaction manager only releases it after a successful ROLLBACK/COMMIT, so
// every database restart used to leak the clients of the transactions in flight
// until the pool was exhausted and shutdown hung on pool.end()).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp } from "../../test/helpers/app.ts";
import { waitFor } from "../../test/helpers/fleet.ts";

let t: Awaited<ReturnType<typeof createTestApp>>;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t?.close());

describe("database pool", () => {
  it("gives back the client of a Prisma transaction whose connection is killed mid-way", async () => {
    const { db, pool } = t.database;
    for (let i = 0; i < 3; i++) {
      await expect(
        db.$transaction(async (tx) => {
          const [{ pid }] = await tx.$queryRaw<{ pid: number }[]>`SELECT pg_backend_pid() AS pid`;
          await pool.query("SELECT pg_terminate_backend($1)", [pid]);
          await tx.$queryRaw`SELECT 1`;
        }),
      ).rejects.toThrow();
    }
    await waitFor(async () => pool.totalCount - pool.idleCount, (busy) => busy === 0, 5000, "no pool client left checked out");
    expect((await pool.query<{ one: number }>("SELECT 1 AS one")).rows[0]!.one).toBe(1);
    expect(await db.$transaction(async (tx) => (await tx.$queryRaw<{ two: number }[]>`SELECT 2 AS two`)[0]!.two)).toBe(2);
    // the pool can still be closed (it waits for every checked-out client)
  });
});

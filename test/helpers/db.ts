import { randomBytes } from "node:crypto";
import pg from "pg";
import { inject } from "vitest";
import { createPool, createPrisma } from "../../server/db/database.ts";

/** A fresh, migrated database for one test file (cloned from the template). */
export async function createTestDatabase() {
  const adminUrl = inject("pgAdminUrl");
  const template = inject("pgTemplate");
  const name = `t_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name} TEMPLATE ${template}`);
  await admin.end();
  const url = adminUrl.replace(/\/postgres$/, `/${name}`);
  const pool = createPool(url, 10);
  const db = createPrisma(pool);
  return {
    name,
    url,
    pool,
    db,
    async drop() {
      await db.$disconnect().catch(() => {});
      await pool.end().catch(() => {});
      const a = new pg.Client({ connectionString: adminUrl });
      await a.connect();
      await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await a.end();
    },
  };
}

/** An empty database (no migrations), for migration tests. */
export async function createEmptyDatabase() {
  const adminUrl = inject("pgAdminUrl");
  const name = `e_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = adminUrl.replace(/\/postgres$/, `/${name}`);
  return {
    name,
    url,
    async drop() {
      const a = new pg.Client({ connectionString: adminUrl });
      await a.connect();
      await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await a.end();
    },
  };
}

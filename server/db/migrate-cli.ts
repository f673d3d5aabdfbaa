// `npm run db:migrate`: applies pending migrations to DATABASE_URL (or the
// embedded database under SWITCHYARD_DATA_DIR) without starting the server.
import { parseEnv } from "../env.ts";
import { openDatabase } from "./database.ts";
import { migrate, MigrationError } from "./migrate.ts";

const env = parseEnv();
const database = await openDatabase({ databaseUrl: env.DATABASE_URL, dataDir: env.dataDir, embeddedPort: env.EMBEDDED_PG_PORT, poolSize: 2, log: (m) => console.warn(m) });
try {
  const res = await migrate(database.pool, { log: (m) => console.warn(m) });
  console.warn(res.applied.length ? `applied ${res.applied.join(", ")}` : `up to date (${res.total} migrations)`);
} catch (err) {
  console.error(err instanceof MigrationError ? err.message : err);
  process.exitCode = 1;
} finally {
  await database.close();
}

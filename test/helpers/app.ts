import http from "node:http";
import type { AddressInfo } from "node:net";
import { parseEnv } from "../../server/env.ts";
import { createLogger } from "../../server/log.ts";
import { createAppContext, type AppContext } from "../../server/app-context.ts";
import { createWebApp } from "../../server/http/web.ts";
import { createCaller } from "../../server/trpc/router.ts";
import { createContextInner } from "../../server/trpc/trpc.ts";
import { createTestDatabase } from "./db.ts";

export const TEST_AGENT_KEY = "test-agent-key-0123456789abcdef";

export async function createTestApp(envOverrides: Record<string, string | undefined> = {}) {
  const database = await createTestDatabase();
  const env = parseEnv({
    NODE_ENV: "test",
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? "silent",
    AGENT_API_KEY: TEST_AGENT_KEY,
    DATABASE_URL: database.url,
    PORT: "0",
    MANAGER_GRPC_PORT: "0",
    ...envOverrides,
  });
  const log = createLogger(env.LOG_LEVEL);
  const app = createAppContext({ env, db: database.db, pool: database.pool, databaseUrl: database.url, log });
  await app.bus.start();
  return {
    app,
    database,
    async close() {
      await app.bus.stop();
      await database.drop();
    },
  };
}

/** A tRPC caller; with `as`, signed in as a fresh admin. */
export async function callerFor(app: AppContext, as?: { username: string; password?: string }) {
  if (!as) return createCaller(createContextInner({ app }));
  const password = as.password ?? "correct horse battery";
  const client = { ip: "127.0.0.1", userAgent: "vitest", secure: false };
  const { setupRequired } = await app.services.auth.status();
  const res = setupRequired ? await app.services.auth.setup({ username: as.username, password }, client) : await app.services.auth.login({ username: as.username, password }, client);
  const sessionId = /sy_session=([^;]+)/.exec(res.cookie)?.[1] ?? null;
  const v = await app.services.auth.validate(sessionId, false);
  return createCaller(createContextInner({ app, user: v.user, sessionId }));
}

/** The web role on an ephemeral port. */
export async function startTestServer(app: AppContext, opts: { remix?: boolean } = {}) {
  const server = http.createServer(createWebApp(app, opts));
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

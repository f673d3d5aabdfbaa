// Entry point: `npm start [-- --roles web,grpc,worker]`.
// Order: config → database (embedded unless DATABASE_URL) → migrations →
// listeners. SIGTERM/SIGINT drain in reverse order.
import http from "node:http";
import { parseArgs } from "node:util";
import type { Runner } from "graphile-worker";
import { EnvError, parseEnv, type Role } from "./env.ts";
import { createLogger } from "./log.ts";
import { openDatabase } from "./db/database.ts";
import { migrate, MigrationError } from "./db/migrate.ts";
import { createAppContext } from "./app-context.ts";
import { createWebApp } from "./http/web.ts";
import { startGrpcServer, type GrpcHandle } from "./grpc/server.ts";
import { startWorker } from "./jobs/worker.ts";

async function main() {
  const started = Date.now();
  const { values } = parseArgs({ options: { roles: { type: "string" } }, allowPositionals: false });
  const env = parseEnv({ ...process.env, ...(values.roles ? { SWITCHYARD_ROLES: values.roles } : {}) });
  const log = createLogger(env.LOG_LEVEL);
  const roles = new Set<Role>(env.SWITCHYARD_ROLES);

  const database = await openDatabase({
    databaseUrl: env.DATABASE_URL,
    dataDir: env.dataDir,
    embeddedPort: env.EMBEDDED_PG_PORT,
    poolSize: env.DATABASE_POOL_SIZE,
    log: (m) => log.info(m),
  });
  const closeAll: Array<() => Promise<unknown>> = [];
  let shuttingDown = false;

  try {
    const res = await migrate(database.pool, { log: (m) => log.info(m) });
    log.info({ applied: res.applied.length, total: res.total }, "database schema up to date");
  } catch (err) {
    await database.close();
    throw err;
  }

  const app = createAppContext({ env, db: database.db, pool: database.pool, databaseUrl: database.url, log });
  await app.bus.start();
  if (!env.AGENT_API_KEY) {
    log.warn("AGENT_API_KEY is not set: every agent request will be refused (401). Set it and give agents the same --agent-token.");
  }

  let server: http.Server | undefined;
  let grpc: GrpcHandle | undefined;
  let worker: Runner | undefined;

  if (roles.has("worker")) worker = await startWorker(app);
  if (roles.has("grpc") && env.MANAGER_GRPC_ENABLED) {
    grpc = await startGrpcServer(app, { host: env.MANAGER_GRPC_HOST, port: env.MANAGER_GRPC_PORT });
  }
  if (roles.has("web")) {
    server = http.createServer(createWebApp(app));
    server.keepAliveTimeout = 65_000;
    await new Promise<void>((resolve, reject) => {
      server!.once("error", reject);
      server!.listen(env.PORT, env.HOST, () => resolve());
    });
  }

  const webAddr = server?.address();
  const webPort = typeof webAddr === "object" && webAddr ? webAddr.port : undefined;
  const shownHost = env.HOST === "0.0.0.0" || env.HOST === "::" ? "localhost" : env.HOST;
  log.info(
    {
      roles: [...roles],
      web: webPort ? `http://${shownHost}:${webPort}` : null,
      grpc: grpc ? `${shownHost}:${grpc.port}` : null,
      startupMs: Date.now() - started,
    },
    "Switchyard is ready",
  );
  // a plain line for people reading a terminal (and for scripts that wait on it)
  process.stdout.write(
    `Switchyard ready in ${Date.now() - started} ms` +
      (webPort ? ` — UI and agent HTTP: http://${shownHost}:${webPort}` : "") +
      (grpc ? ` — agent gRPC: ${shownHost}:${grpc.port}` : "") +
      "\n",
  );

  closeAll.push(async () => server && (await closeHttp(server, env.SHUTDOWN_GRACE_MS)));
  closeAll.push(async () => grpc && (await grpc.stop(env.SHUTDOWN_GRACE_MS)));
  closeAll.push(async () => worker && (await worker.stop()));
  closeAll.push(() => app.bus.stop());
  closeAll.push(() => database.close());

  const shutdown = async (signal: string) => {
    if (shuttingDown) return;
    shuttingDown = true;
    app.runtime.draining = true;
    log.info({ signal }, "shutting down: finishing in-flight work");
    for (const step of closeAll) {
      try {
        await step();
      } catch (err) {
        log.error({ err }, "error during shutdown");
      }
    }
    log.info("stopped");
    process.exit(0);
  };
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));
}

function closeHttp(server: http.Server, graceMs: number) {
  return new Promise<void>((resolve) => {
    const timer = setTimeout(() => {
      server.closeAllConnections();
      resolve();
    }, graceMs);
    timer.unref();
    server.close(() => {
      clearTimeout(timer);
      resolve();
    });
    server.closeIdleConnections();
  });
}

main().catch((err) => {
  if (err instanceof EnvError || err instanceof MigrationError) {
    process.stderr.write(`${err.message}\n`);
  } else {
    process.stderr.write(`Switchyard failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  }
  process.exit(1);
});

// Entry point: `npm start [-- --roles web,grpc,worker]`.
// Order: config → database (embedded unless DATABASE_URL) → migrations →
// roles. SIGTERM/SIGINT stop the roles, then the database.
import http from "node:http";
import { parseArgs } from "node:util";
import { runMigrations as runQueueMigrations } from "graphile-worker";
import { EnvError, parseEnv, type Env, type Role } from "./env.ts";
import { createLogger, type Logger } from "./log.ts";
import { openDatabase, type Database } from "./db/database.ts";
import { migrate, MigrationError, withMigrationLock } from "./db/migrate.ts";
import { createAppContext } from "./app-context.ts";
import { createWebApp } from "./http/web.ts";
import { startGrpcServer } from "./grpc/server.ts";
import { startWorker } from "./jobs/worker.ts";
import { metricsFor } from "./metrics/registry.ts";
import { createSystemService, startDraining } from "./services/system.ts";

/** A step of shutdown; `label` names it in the log if it fails or hangs. */
type Stop = (() => Promise<unknown>) & { label?: string };
const named = (label: string, fn: () => Promise<unknown>): Stop => Object.assign(fn, { label });

/** Starts the selected roles; every role started is added to `stops` at once, so a later failure can undo it. */
async function startRoles(env: Env, log: Logger, database: Database, roles: Set<Role>, stops: Stop[]) {
  const res = await migrate(database.pool, { log: (m) => log.info(m) });
  // the job queue's own schema, so that any role can enqueue; under the
  // migration lock, or two replicas starting together race to create it
  await withMigrationLock(database.pool, () => runQueueMigrations({ pgPool: database.pool }));
  log.info({ applied: res.applied.length, total: res.total }, "database schema up to date");

  const app = createAppContext({ env, db: database.db, pool: database.pool, databaseUrl: database.url, log });
  await app.bus.start();
  stops.push(named("live-event bus", () => app.bus.stop()));
  if (!env.AGENT_API_KEY) {
    log.warn("AGENT_API_KEY is not set: every agent request will be refused (401). Set it and give agents the same --agent-token.");
  }

  let stopWorker: Stop | undefined;
  if (roles.has("worker")) {
    const worker = await startWorker(app);
    metricsFor(app).observeWorker(worker);
    let stopping: Promise<unknown> | undefined;
    stopWorker = named("queue worker", () => (stopping ??= worker.stop()));
    stops.push(stopWorker);
  }
  let grpcPort: number | undefined;
  if (roles.has("grpc") && env.MANAGER_GRPC_ENABLED) {
    const grpc = await startGrpcServer(app, { host: env.MANAGER_GRPC_HOST, port: env.MANAGER_GRPC_PORT });
    stops.push(named("gRPC listener", () => grpc.stop(env.SHUTDOWN_GRACE_MS)));
    grpcPort = grpc.port;
  }
  let webPort: number | undefined;
  if (roles.has("web")) {
    const server = http.createServer(createWebApp(app));
    server.keepAliveTimeout = 65_000;
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(env.PORT, env.HOST, () => resolve());
    });
    stops.push(named("HTTP listener", () => closeHttp(server, env.SHUTDOWN_GRACE_MS)));
    const addr = server.address();
    webPort = typeof addr === "object" && addr ? addr.port : undefined;
  }
  return { app, webPort, grpcPort, stopWorker };
}

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
  const stops: Stop[] = [];
  // every step is bounded: a stop that hangs (a connection that never closes)
  // is logged and left behind, so SIGTERM always ends the process
  const stepLimitMs = env.SHUTDOWN_GRACE_MS + env.AGENT_CALL_TIMEOUT;
  const stopAll = async () => {
    // reverse start order: listeners first, the database last
    for (const stop of [...stops].reverse()) await bounded(stop.label ?? "shutdown step", stop, stepLimitMs, log);
    await bounded("database", () => database.close(), 10_000, log);
  };

  let started2: Awaited<ReturnType<typeof startRoles>>;
  try {
    started2 = await startRoles(env, log, database, roles, stops);
  } catch (err) {
    // a failed start must not leave the embedded database running
    await stopAll();
    throw err;
  }
  const { app, webPort, grpcPort, stopWorker } = started2;

  const shownHost = env.HOST === "0.0.0.0" || env.HOST === "::" ? "localhost" : env.HOST;
  const shownGrpcHost = env.MANAGER_GRPC_HOST === "0.0.0.0" || env.MANAGER_GRPC_HOST === "::" ? "localhost" : env.MANAGER_GRPC_HOST;
  log.info({ roles: [...roles], webPort, grpcPort, startupMs: Date.now() - started }, "Switchyard is ready");
  // a plain line for people reading a terminal (and for scripts that wait on it)
  process.stdout.write(
    `Switchyard ready in ${Date.now() - started} ms` +
      (webPort ? ` — UI and agent HTTP: http://${shownHost}:${webPort}` : "") +
      (grpcPort ? ` — agent gRPC: ${shownGrpcHost}:${grpcPort}` : "") +
      "\n",
  );

  let shuttingDown = false;
  const shutdown = async (signal: string) => {
    if (shuttingDown) return;
    shuttingDown = true;
    // refuse new tasks and report not-ready at once; agent reports are still accepted
    startDraining(app, { shutdown: true });
    log.info({ signal }, "shutting down: finishing in-flight work");
    await waitForMaintenanceLocks(app, env, log);
    // no new dispatch jobs are taken; in-flight ones finish while the listeners still take reports
    if (stopWorker) await bounded("queue worker", stopWorker, stepLimitMs, log);
    log.info("worker stopped; closing listeners and the database");
    await stopAll();
    log.info("stopped");
    process.exit(0);
  };
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));
}

/** An operator holding a maintenance lock keeps this process up until the lock goes (or the wait limit). */
async function waitForMaintenanceLocks(app: Parameters<typeof createSystemService>[0], env: Env, log: Logger) {
  const system = createSystemService(app);
  const until = Date.now() + env.MAINTENANCE_LOCK_MAX_WAIT_MS;
  let lastLog = 0;
  for (;;) {
    const locks = await system.maintenanceLocks().catch(() => []);
    if (locks.length === 0) return;
    if (Date.now() >= until) {
      log.warn({ locks: locks.map((l) => l.id) }, "maintenance lock still held after MAINTENANCE_LOCK_MAX_WAIT_MS; stopping anyway");
      return;
    }
    if (Date.now() - lastLog >= 10_000) {
      lastLog = Date.now();
      const l = locks[0]!;
      log.warn(
        { locks: locks.length, owner: l.owner, reason: l.reason, expiresAt: l.expiresAt, waitLeftMs: until - Date.now() },
        `shutdown waits: maintenance lock held by ${l.owner} (${l.reason}); release it with system.unlockMaintenance`,
      );
    }
    await new Promise((r) => setTimeout(r, Math.min(1000, Math.max(0, until - Date.now()))));
  }
}

async function bounded(what: string, step: () => Promise<unknown>, limitMs: number, log: Logger) {
  let timer: NodeJS.Timeout | undefined;
  const outcome = await Promise.race([
    step().then(
      () => "done" as const,
      (err: unknown) => {
        log.error({ err, step: what }, "error during shutdown");
        return "done" as const;
      },
    ),
    new Promise<"late">((resolve) => (timer = setTimeout(() => resolve("late"), limitMs))),
  ]);
  clearTimeout(timer);
  if (outcome === "late") log.error({ step: what, waitedMs: limitMs }, "shutdown step did not finish in time; going on without it");
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

// Everything a process shares: config, database, logger, live-event bus and
// the services. Built once per process (and once per test database).
import type pg from "pg";
import type { Env } from "./env.ts";
import type { Db } from "./db/database.ts";
import type { Logger } from "./log.ts";
import { createBus, type Bus } from "./events/bus.ts";
import { createAuthService, DEFAULT_THROTTLE } from "./services/auth.ts";
import { createAgentService } from "./services/agents.ts";
import { createDeviceService } from "./services/devices.ts";
import { createNotificationService } from "./services/notifications.ts";
import { createSettingsService } from "./services/settings.ts";
import { createQueryServices } from "./services/queries.ts";
import { createAgentReportService } from "./services/agent-reports.ts";
import { createTaskService } from "./services/tasks.ts";
import { createAgentOpsService } from "./services/agent-ops.ts";
import { createTemplateStore } from "./services/template-store.ts";
import { createDataAdmin } from "./services/data-admin.ts";
import { createTransportFactory, type TransportFactory } from "./agents/index.ts";

export interface AppContextInput {
  env: Env;
  db: Db;
  pool: pg.Pool;
  databaseUrl: string;
  log: Logger;
  throttle?: typeof DEFAULT_THROTTLE;
  /** how the manager reaches agents (tests may point it elsewhere) */
  transports?: TransportFactory;
}

export function createAppContext({ env, db, pool, databaseUrl, log, throttle, transports }: AppContextInput) {
  const bus: Bus = createBus(pool, databaseUrl, log.child({ part: "bus" }));
  const notifications = createNotificationService({ db, bus });
  const settings = createSettingsService({
    db,
    defaults: { taskDefaultDeadlineSeconds: env.TASK_DEFAULT_DEADLINE_SECONDS, historyRetentionDays: 90 },
  });
  const transportFactory = transports ?? createTransportFactory(env);
  const agentOps = createAgentOpsService({ db, pool, bus, transports: transportFactory });
  const services = {
    auth: createAuthService({ db, sessionTtlHours: env.SESSION_TTL_HOURS, throttle }),
    agents: createAgentService({ db, bus, notifications }),
    devices: createDeviceService({ db }),
    notifications,
    settings,
    taskEngine: createTaskService({ db, pool, bus, log: log.child({ part: "tasks" }), settings }),
    agentOps,
    templateStore: createTemplateStore({ db, agentOps }),
    dataAdmin: createDataAdmin({ db }),
    agentReports: createAgentReportService({ db, pool, bus, notifications, log: log.child({ part: "agents" }) }),
    ...createQueryServices({ db }),
  };
  return {
    env,
    db,
    pool,
    log,
    bus,
    services,
    transports: transportFactory,
    /** state the web role reports on /readyz and the UI shows */
    runtime: { draining: false, startedAt: new Date() },
  };
}
export type AppContext = ReturnType<typeof createAppContext>;

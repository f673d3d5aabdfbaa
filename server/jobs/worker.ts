// The worker role: background jobs on a PostgreSQL-backed queue
// (graphile-worker). Any replica can run any job; each job runs once.
import { Logger as GraphileLogger, run, type Runner, type TaskList, type JobHelpers } from "graphile-worker";
import type { AppContext } from "../app-context.ts";
import { runLivenessSweep } from "./liveness.ts";

export const SWEEP_TASK = "agents:liveness_sweep";

function graphileLogger(app: AppContext) {
  const log = app.log.child({ part: "queue" });
  return new GraphileLogger(() => (level, message, meta) => {
    const l = level === "error" ? "error" : level === "warning" ? "warn" : "debug";
    log[l](meta ?? {}, message);
  });
}

/**
 * Periodic work that must run every few seconds (the queue's cron is per
 * minute): the job reschedules itself under a fixed job key, so however many
 * workers run, one sweep is queued at a time.
 */
async function rescheduleSweep(helpers: Pick<JobHelpers, "addJob">, inMs: number, mode: "replace" | "preserve_run_at") {
  await helpers.addJob(SWEEP_TASK, {}, { jobKey: SWEEP_TASK, jobKeyMode: mode, runAt: new Date(Date.now() + inMs), maxAttempts: 1 });
}

export function createTaskList(app: AppContext): TaskList {
  return {
    [SWEEP_TASK]: async (_payload, helpers) => {
      try {
        await runLivenessSweep(app);
      } finally {
        await rescheduleSweep(helpers, app.env.AGENT_SWEEP_INTERVAL, "replace");
      }
    },
    "sessions:cleanup": async () => {
      await app.services.auth.lucia.deleteExpiredSessions();
      app.log.debug("expired sessions removed");
    },
  };
}

export async function startWorker(app: AppContext, opts: { concurrency?: number } = {}): Promise<Runner> {
  const runner = await run({
    pgPool: app.pool,
    concurrency: opts.concurrency ?? 8,
    noHandleSignals: true,
    pollInterval: 2000,
    logger: graphileLogger(app),
    taskList: createTaskList(app),
    crontab: "17 * * * * sessions:cleanup\n",
  });
  await rescheduleSweep(runner, 0, "preserve_run_at");
  app.log.info({ sweepEveryMs: app.env.AGENT_SWEEP_INTERVAL }, "worker started");
  return runner;
}

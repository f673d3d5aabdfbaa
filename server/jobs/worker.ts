// The worker role: background jobs on a PostgreSQL-backed queue
// (graphile-worker). Any replica can run any job; each job runs once.
import { Logger as GraphileLogger, run, type Runner, type TaskList, type JobHelpers } from "graphile-worker";
import type { AppContext } from "../app-context.ts";
import { runLivenessSweep } from "./liveness.ts";
import { dispatchRun } from "./dispatch.ts";
import { runTaskSweep } from "./task-sweep.ts";
import { DISPATCH_TASK } from "../services/queue.ts";

export const SWEEP_TASK = "agents:liveness_sweep";
export const TASK_SWEEP_TASK = "tasks:sweep";
const TASK_SWEEP_INTERVAL_MS = 2000;

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
async function rescheduleSweep(helpers: Pick<JobHelpers, "addJob">, task: string, inMs: number, mode: "replace" | "preserve_run_at") {
  await helpers.addJob(task, {}, { jobKey: task, jobKeyMode: mode, runAt: new Date(Date.now() + inMs), maxAttempts: 1 });
}

export function createTaskList(app: AppContext): TaskList {
  return {
    [SWEEP_TASK]: async (_payload, helpers) => {
      try {
        await runLivenessSweep(app);
      } finally {
        await rescheduleSweep(helpers, SWEEP_TASK, app.env.AGENT_SWEEP_INTERVAL, "replace");
      }
    },
    [TASK_SWEEP_TASK]: async (_payload, helpers) => {
      try {
        await runTaskSweep(app);
      } finally {
        await rescheduleSweep(helpers, TASK_SWEEP_TASK, TASK_SWEEP_INTERVAL_MS, "replace");
      }
    },
    [DISPATCH_TASK]: async (payload) => {
      const runId = (payload as { runId?: unknown })?.runId;
      if (typeof runId === "string") await dispatchRun(app, runId);
    },
    "history:retention": async () => {
      const days = (await app.services.settings.get()).historyRetentionDays;
      const removed = await app.services.dataAdmin.clearHistory(days);
      // the dashboard charts the last hour; two days is plenty
      const heartbeatMinutes = await app.db.$executeRaw`DELETE FROM heartbeat_minutes WHERE minute < now() - interval '2 days'`;
      app.log.info({ days, ...removed, heartbeatMinutes }, "history retention applied");
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
    // dispatch jobs spend their time waiting on agents, not on this CPU
    concurrency: opts.concurrency ?? 16,
    noHandleSignals: true,
    pollInterval: 1000,
    logger: graphileLogger(app),
    taskList: createTaskList(app),
    crontab: "17 * * * * sessions:cleanup\n40 3 * * * history:retention\n",
  });
  await rescheduleSweep(runner, SWEEP_TASK, 0, "preserve_run_at");
  await rescheduleSweep(runner, TASK_SWEEP_TASK, 0, "preserve_run_at");
  app.log.info({ sweepEveryMs: app.env.AGENT_SWEEP_INTERVAL }, "worker started");
  return runner;
}

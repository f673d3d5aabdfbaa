// Enqueueing jobs from inside a service transaction: graphile-worker's own SQL
// API, so a job exists exactly when the transaction that needs it commits.
import type { Prisma } from "../db/generated/client.ts";

export const DISPATCH_TASK = "tasks:dispatch_run";

type Tx = Prisma.TransactionClient;

/**
 * The SQL call that queues the dispatch job of the run whose id is `idExpr`:
 * one job per run, keyed by run id (a newer job for the same run replaces a
 * queued one). Every statement that queues dispatches uses it, so the key
 * convention lives here only. `taskParam` is the parameter holding DISPATCH_TASK.
 */
export const dispatchJobSql = (idExpr: string, taskParam: string, runAtExpr = "NULL") =>
  `graphile_worker.add_job(${taskParam}, json_build_object('runId', ${idExpr}), run_at := ${runAtExpr}::timestamptz,
     max_attempts := 1, job_key := 'run:' || ${idExpr}::text, job_key_mode := 'replace')`;

/** One dispatch job per run (see dispatchJobSql). */
export async function enqueueDispatch(tx: Tx, runIds: string[], runAt?: Date) {
  if (runIds.length === 0) return;
  await tx.$executeRawUnsafe(`SELECT ${dispatchJobSql("id", "$1", "$2")} FROM unnest($3::uuid[]) AS id`, DISPATCH_TASK, runAt ?? null, runIds);
}

// Enqueueing jobs from inside a service transaction: graphile-worker's own SQL
// API, so a job exists exactly when the transaction that needs it commits.
import type { Prisma } from "../db/generated/client.ts";

export const DISPATCH_TASK = "tasks:dispatch_run";

type Tx = Prisma.TransactionClient;

/** One dispatch job per run, keyed by run id (a newer job for the same run replaces a queued one). */
export async function enqueueDispatch(tx: Tx, runIds: string[], runAt?: Date) {
  if (runIds.length === 0) return;
  await tx.$executeRaw`
    SELECT graphile_worker.add_job(
      ${DISPATCH_TASK}, json_build_object('runId', id), run_at := ${runAt ?? null}::timestamptz,
      max_attempts := 1, job_key := 'run:' || id::text, job_key_mode := 'replace')
      FROM unnest(${runIds}::uuid[]) AS id`;
}

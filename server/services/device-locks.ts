// Per-device locks: two runs that change the same device (agent + saved
// connection) never run at once. The device_locks primary key enforces it.
import type { Prisma } from "../db/generated/client.ts";
import { enqueueDispatch } from "./queue.ts";

type Tx = Prisma.TransactionClient;

export interface LockKey {
  agentId: string;
  connection: string;
}

function collectTargets(v: unknown, out: Set<string>) {
  if (typeof v === "string" && v.trim()) out.add(v.trim());
  else if (v && typeof v === "object") {
    const o = v as Record<string, unknown>;
    for (const k of ["connection", "connection_name", "name"]) if (typeof o[k] === "string" && (o[k] as string).trim()) return void out.add((o[k] as string).trim());
  }
}

/**
 * The devices a run changes. For an orchestration, the targets its plan names
 * (a plan given by template name is opaque here, so it locks nothing).
 */
export function lockKeysFor(run: { agentId: string | null; connection: string | null }, type: string, payload: unknown, dryRun: boolean): LockKey[] {
  if (dryRun || !run.agentId) return [];
  if (type !== "orchestrate") return run.connection ? [{ agentId: run.agentId, connection: run.connection }] : [];
  const names = new Set<string>();
  const plan = (payload as { plan?: { stages?: unknown } })?.plan;
  const stages = Array.isArray(plan?.stages) ? plan.stages : [];
  for (const stage of stages as Array<{ jobs?: unknown }>) {
    for (const job of (Array.isArray(stage?.jobs) ? stage.jobs : []) as Array<{ targets?: unknown }>) {
      for (const t of Array.isArray(job?.targets) ? job.targets : []) collectTargets(t, names);
    }
  }
  return [...names].sort().map((connection) => ({ agentId: run.agentId!, connection }));
}

/** Takes every key or none. Returns the run holding the first conflicting key, if any. */
export async function acquireLocks(tx: Tx, runId: string, keys: LockKey[]): Promise<{ ok: true } | { ok: false; heldBy: string; connection: string }> {
  if (keys.length === 0) return { ok: true };
  const held = await tx.deviceLock.findMany({
    where: { OR: keys.map((k) => ({ agentId: k.agentId, connection: k.connection })), NOT: { runId } },
    select: { runId: true, connection: true },
    take: 1,
  });
  if (held[0]) return { ok: false, heldBy: held[0].runId, connection: held[0].connection };
  const inserted = await tx.$executeRaw`
    INSERT INTO device_locks (agent_id, connection, run_id)
    SELECT agent_id, connection, ${runId}::uuid FROM unnest(${keys.map((k) => k.agentId)}::uuid[], ${keys.map((k) => k.connection)}::text[]) AS t(agent_id, connection)
    ON CONFLICT DO NOTHING`;
  if (inserted < keys.length) {
    // lost a race for one of them: give back what we took, report the holder
    await tx.deviceLock.deleteMany({ where: { runId } });
    const h = await tx.deviceLock.findFirst({ where: { OR: keys.map((k) => ({ agentId: k.agentId, connection: k.connection })) }, select: { runId: true, connection: true } });
    return { ok: false, heldBy: h?.runId ?? "another run", connection: h?.connection ?? keys[0]!.connection };
  }
  return { ok: true };
}

/** Releases a run's locks and wakes the runs of that agent that wait for one. */
export async function releaseLocks(tx: Tx, runId: string) {
  const released = await tx.deviceLock.findMany({ where: { runId }, select: { agentId: true } });
  if (released.length === 0) return;
  await tx.deviceLock.deleteMany({ where: { runId } });
  const agentIds = [...new Set(released.map((r) => r.agentId))];
  const waiting = await tx.taskRun.findMany({ where: { status: "waiting_lock", agentId: { in: agentIds } }, select: { id: true }, orderBy: { createdAt: "asc" }, take: 100 });
  await enqueueDispatch(tx, waiting.map((w) => w.id));
}

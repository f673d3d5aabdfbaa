// Resolves what an operator targets (explicit agent × connection pairs, or a
// label selector) into concrete runs, refusing at submit time what the agents
// could not do.
import { z } from "zod";
import type { Db } from "../db/database.ts";
import { AppError, type FieldError } from "../errors.ts";

const label = z.string().trim().min(1).max(200);
export const TargetSchema = z.object({
  agentId: z.string().uuid("must be an agent id"),
  connection: z.string().trim().min(1, "must not be empty").max(255).optional(),
});
export const SelectorSchema = z
  .object({
    deviceLabels: z.array(label).max(20).optional(),
    agentLabels: z.array(label).max(20).optional(),
    agentCapabilities: z.array(label).max(20).optional(),
    agentIds: z.array(z.string().uuid()).max(1000).optional(),
  })
  .refine((s) => Object.values(s).some((v) => v && v.length > 0), "give at least one label, capability or agent");

export type Target = z.infer<typeof TargetSchema>;
export type Selector = z.infer<typeof SelectorSchema>;

export interface ResolvedTarget {
  agent: { id: string; name: string; status: string; capabilities: string[]; lastHeartbeatAt: Date | null };
  connection: string | null;
  deviceId: string | null;
  deviceProfile: string | null;
}

const MAX_RUNS = 5000;

export async function resolveTargets(db: Db, type: string, spec: { targets?: Target[]; selector?: Selector }): Promise<ResolvedTarget[]> {
  const needsConnection = type !== "orchestrate";
  const fields: FieldError[] = [];
  let out: ResolvedTarget[] = [];
  const agentSelect = { id: true, name: true, status: true, capabilities: true, lastHeartbeatAt: true } as const;

  if (spec.targets) {
    const ids = [...new Set(spec.targets.map((t) => t.agentId))];
    const agents = new Map((await db.agent.findMany({ where: { id: { in: ids } }, select: agentSelect })).map((a) => [a.id, a]));
    const pairs = spec.targets.filter((t) => agents.has(t.agentId) && t.connection).map((t) => ({ agentId: t.agentId, name: t.connection! }));
    const devices = pairs.length
      ? await db.device.findMany({ where: { removedAt: null, OR: pairs }, select: { id: true, agentId: true, name: true, deviceProfile: true } })
      : [];
    const byKey = new Map(devices.map((d) => [`${d.agentId}\u0000${d.name}`, d]));
    spec.targets.forEach((t, i) => {
      const agent = agents.get(t.agentId);
      if (!agent) return void fields.push({ path: `targets.${i}.agentId`, message: "no such agent (it may have been deleted)" });
      if (!needsConnection) {
        if (t.connection) fields.push({ path: `targets.${i}.connection`, message: "orchestrate targets an agent; its plan names the devices" });
        return void out.push({ agent, connection: null, deviceId: null, deviceProfile: null });
      }
      if (!t.connection) return void fields.push({ path: `targets.${i}.connection`, message: `a saved connection on ${agent.name} is required for ${type}` });
      const d = byKey.get(`${t.agentId}\u0000${t.connection}`);
      if (!d) {
        return void fields.push({
          path: `targets.${i}.connection`,
          message: `agent ${agent.name} has no saved connection "${t.connection}"; check the name, or probe and sync the agent's devices`,
        });
      }
      out.push({ agent, connection: d.name, deviceId: d.id, deviceProfile: d.deviceProfile });
    });
  } else if (spec.selector) {
    const s = spec.selector;
    const agentWhere = {
      ...(s.agentIds?.length ? { id: { in: s.agentIds } } : {}),
      ...(s.agentLabels?.length ? { labels: { hasEvery: s.agentLabels } } : {}),
      ...(s.agentCapabilities?.length ? { capabilities: { hasEvery: s.agentCapabilities } } : {}),
    };
    if (needsConnection) {
      const devices = await db.device.findMany({
        where: { removedAt: null, ...(s.deviceLabels?.length ? { labels: { hasEvery: s.deviceLabels } } : {}), agent: agentWhere },
        select: { id: true, name: true, deviceProfile: true, agent: { select: agentSelect } },
        orderBy: [{ agentId: "asc" }, { name: "asc" }],
        take: MAX_RUNS + 1,
      });
      out = devices.map((d) => ({ agent: d.agent, connection: d.name, deviceId: d.id, deviceProfile: d.deviceProfile }));
    } else {
      if (s.deviceLabels?.length) fields.push({ path: "selector.deviceLabels", message: "orchestrate targets agents; select them by agent label, capability or id" });
      const agents = await db.agent.findMany({ where: agentWhere, select: agentSelect, orderBy: { name: "asc" }, take: MAX_RUNS + 1 });
      out = agents.map((agent) => ({ agent, connection: null, deviceId: null, deviceProfile: null }));
    }
    if (out.length === 0 && fields.length === 0) fields.push({ path: "selector", message: "matches no device or agent; check the labels" });
  }
  if (fields.length) {
    throw new AppError("INVALID_ARGUMENT", `Invalid targets: ${fields.map((f) => `${f.path} ${f.message}`).join("; ")}`, { fields });
  }
  if (out.length > MAX_RUNS) throw new AppError("INVALID_ARGUMENT", `A task may have at most ${MAX_RUNS} targets; narrow the selection.`, { fields: [{ path: "targets", message: `more than ${MAX_RUNS}` }] });
  // one run per agent × connection
  const seen = new Set<string>();
  return out.filter((t) => {
    const k = `${t.agent.id}\u0000${t.connection ?? ""}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** An agent only runs what it advertises: rauto lists its device profiles as capabilities. */
export function checkCapabilities(targets: ResolvedTarget[]) {
  const missing = targets.filter((t) => t.deviceProfile && !t.agent.capabilities.includes(t.deviceProfile));
  if (missing.length) {
    const t = missing[0]!;
    throw new AppError(
      "FAILED_PRECONDITION",
      `Agent ${t.agent.name} does not advertise the device profile "${t.deviceProfile}" that connection ${t.connection} needs` +
        `${missing.length > 1 ? ` (and ${missing.length - 1} more target(s))` : ""}; it offers: ${t.agent.capabilities.join(", ") || "nothing"}. Add the profile on the agent or pick another agent.`,
    );
  }
}

export function checkOnline(targets: ResolvedTarget[], queueIfOffline: boolean) {
  if (queueIfOffline) return;
  const offline = [...new Map(targets.filter((t) => t.agent.status !== "online").map((t) => [t.agent.id, t.agent])).values()];
  if (offline.length) {
    const names = offline.map((a) => a.name).join(", ");
    throw new AppError(
      "FAILED_PRECONDITION",
      `Agent${offline.length > 1 ? "s" : ""} ${names} ${offline.length > 1 ? "are" : "is"} offline. Start ${offline.length > 1 ? "them" : "it"} again, or submit with "queue until the agent returns".`,
    );
  }
}

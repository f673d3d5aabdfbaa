// A manager (web + grpc on port 0, a worker) plus emulated agents on both
// transports, for dispatch tests.
import type { Runner } from "graphile-worker";
import { startWorker } from "../../server/jobs/worker.ts";
import { callerFor, TEST_AGENT_KEY } from "./app.ts";
import { startEmulatedAgent, type Behaviour, type EmulatedAgentServer } from "./emulated-agent.ts";
import { startManager } from "./servers.ts";

export async function startFleet(envOverrides: Record<string, string | undefined> = {}) {
  const m = await startManager({ AGENT_CALL_TIMEOUT: "2000", ...envOverrides });
  const workers: Runner[] = [await startWorker(m.app, { concurrency: 8 })];
  const agents: EmulatedAgentServer[] = [];
  const caller = await callerFor(m.app, { username: "operator" });

  async function agent(name: string, mode: "http" | "grpc", opts: { behaviour?: Partial<Behaviour>; devices?: string[]; profiles?: string[] } = {}) {
    const a = await startEmulatedAgent({ name, mode, token: TEST_AGENT_KEY, managerHttpUrl: m.web.url, managerGrpcAddress: m.grpcAddress, behaviour: opts.behaviour, profiles: opts.profiles });
    agents.push(a);
    await a.register();
    await a.reportDevices(opts.devices ?? ["core-1", "core-2"]);
    const row = await m.database.db.agent.findUniqueOrThrow({ where: { name } });
    return Object.assign(a, { id: row.id });
  }

  return {
    ...m,
    caller,
    agent,
    workers,
    async close() {
      for (const w of workers) await w.stop();
      for (const a of agents) await a.close();
      await m.close();
    },
  };
}
export type Fleet = Awaited<ReturnType<typeof startFleet>>;

export async function waitFor<T>(fn: () => Promise<T>, ok: (v: T) => boolean, ms = 15_000, what = "condition"): Promise<T> {
  const until = Date.now() + ms;
  let last: T;
  for (;;) {
    last = await fn();
    if (ok(last)) return last;
    if (Date.now() > until) throw new Error(`${what} not met within ${ms} ms; last value: ${JSON.stringify(last, (_k, v) => (typeof v === "bigint" ? String(v) : v)).slice(0, 2000)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

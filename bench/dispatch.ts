// Dispatch benchmark: how fast work reaches agents.
//
//   npx tsx bench/dispatch.ts [--agents=100] [--runs=1000] [--concurrency=16] [--profile-server=DIR]
//
// Starts Switchyard exactly as `npm start` does (embedded PostgreSQL, all
// roles) as a child process, starts N emulated rauto agents in this process
// (real HTTP servers on loopback that accept the task, then report events and
// a callback back to the manager), and measures:
//  1. latency: tasks submitted one at a time on an otherwise idle system; time
//     from calling tasks.create to the agent receiving the dispatch request;
//  2. throughput: R single-target exec tasks submitted with C in flight; runs
//     completed (callback stored) per second, and the same latency percentiles.
import fs from "node:fs/promises";
import os from "node:os";
import { parseArgs } from "node:util";
import { createTRPCClient, httpLink } from "@trpc/client";
import superjson from "superjson";
import type { AppRouter } from "../server/trpc/router.ts";
import { startServer } from "../e2e/harness.ts";
import { startEmulatedAgent, type EmulatedAgentServer } from "../test/helpers/emulated-agent.ts";

const { values: args } = parseArgs({
  options: {
    agents: { type: "string", default: "100" },
    runs: { type: "string", default: "1000" },
    concurrency: { type: "string", default: "16" },
    "latency-samples": { type: "string", default: "200" },
    // writes a V8 CPU profile of the server to this directory (open it in Chrome DevTools)
    "profile-server": { type: "string" },
  },
});
const AGENTS = Number(args.agents);
const RUNS = Number(args.runs);
const CONCURRENCY = Number(args.concurrency);
const LATENCY_SAMPLES = Number(args["latency-samples"]);
const TOKEN = "bench-agent-token-0123456789";

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
};
const fmt = (ms: number) => `${ms.toFixed(1)} ms`;

async function main() {
  const nodeArgs = args["profile-server"] ? ["--cpu-prof", `--cpu-prof-dir=${args["profile-server"]}`] : [];
  const server = await startServer({ AGENT_API_KEY: TOKEN, LOG_LEVEL: "error" }, { nodeArgs });
  const agents: EmulatedAgentServer[] = [];
  try {
    // a session for the operator API
    const setup = await fetch(`${server.url}/trpc/auth.setup`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ json: { username: "bench", password: "bench-password-1" } }),
    });
    const cookie = /sy_session=[^;]+/.exec(setup.headers.get("set-cookie") ?? "")?.[0];
    if (!cookie) throw new Error(`setup failed: ${setup.status} ${await setup.text()}`);
    const api = createTRPCClient<AppRouter>({ links: [httpLink({ url: `${server.url}/trpc`, transformer: superjson, headers: { cookie } })] });

    const grpcAddress = `127.0.0.1:${server.grpcPort}`;
    for (let i = 0; i < AGENTS; i++) {
      const a = await startEmulatedAgent({ name: `bench-${i}`, mode: "http", token: TOKEN, managerHttpUrl: server.url, managerGrpcAddress: grpcAddress, behaviour: { completeAfterMs: 5 } });
      await a.register();
      await a.reportDevices(["dev-0", "dev-1", "dev-2", "dev-3", "dev-4", "dev-5", "dev-6", "dev-7", "dev-8", "dev-9"]);
      agents.push(a);
    }
    const ids = new Map<string, string>();
    for (const a of (await api.agents.list.query({ limit: 200 })).items) ids.set(a.name, a.id);

    const receivedAt = new Map<string, number>();
    for (const a of agents) {
      const push = a.received.push.bind(a.received);
      a.received.push = (...items) => {
        for (const r of items) if (typeof r.body.command === "string") receivedAt.set(r.body.command, r.at);
        return push(...items);
      };
    }

    let seq = 0;
    const submit = async () => {
      const n = seq++;
      const agent = agents[n % agents.length]!;
      const command = `show bench ${n}`;
      const t0 = Date.now();
      const { id } = await api.tasks.create.mutate({ type: "exec", targets: [{ agentId: ids.get(agent.name)!, connection: `dev-${n % 10}` }], payload: { command } });
      return { id, command, t0 };
    };
    const waitReceived = async (commands: string[], timeoutMs: number) => {
      const until = Date.now() + timeoutMs;
      while (commands.some((c) => !receivedAt.has(c))) {
        if (Date.now() > until) throw new Error(`${commands.filter((c) => !receivedAt.has(c)).length} dispatches never arrived`);
        await new Promise((r) => setTimeout(r, 5));
      }
    };

    // warm-up
    for (let i = 0; i < 20; i++) {
      const s = await submit();
      await waitReceived([s.command], 10_000);
    }

    // 1. idle-system latency, one at a time
    const idle: number[] = [];
    for (let i = 0; i < LATENCY_SAMPLES; i++) {
      const s = await submit();
      await waitReceived([s.command], 10_000);
      idle.push(receivedAt.get(s.command)! - s.t0);
      await new Promise((r) => setTimeout(r, 20)); // let the previous run's events and callback settle
    }

    // 2. throughput with C in flight
    const submitted: Array<{ id: string; command: string; t0: number }> = [];
    const start = Date.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < RUNS) {
          next++;
          submitted.push(await submit());
        }
      }),
    );
    const submitMs = Date.now() - start;
    try {
      await waitReceived(submitted.map((s) => s.command), 120_000);
    } catch (err) {
      for (const s of submitted.filter((x) => !receivedAt.has(x.command)).slice(0, 5)) {
        const t = await api.tasks.get.query({ id: s.id });
        console.error(s.command, t.status, JSON.stringify(t.runs[0]), t.events.map((e) => e.eventType));
      }
      throw err;
    }
    // completion: every task's run has its callback stored
    const until = Date.now() + 180_000;
    let done = 0;
    for (const s of submitted) {
      for (;;) {
        const t = await api.tasks.get.query({ id: s.id });
        if (t.status === "success") break;
        if (t.status !== "pending" && t.status !== "running") throw new Error(`task ${s.id} ended ${t.status}: ${t.runs[0]?.error}`);
        if (Date.now() > until) throw new Error("runs did not complete in time");
        await new Promise((r) => setTimeout(r, 20));
      }
      done++;
    }
    const allMs = Date.now() - start;
    const loaded = submitted.map((s) => receivedAt.get(s.command)! - s.t0);

    const lines = [
      `Switchyard dispatch benchmark — ${new Date().toISOString()}`,
      `machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? "cpu"}, node ${process.version}; server, embedded PostgreSQL 18 and the ${AGENTS} emulated agents share the machine`,
      `agents: ${AGENTS} (HTTP), 10 devices each; exec tasks with one target; agents accept, then report 3 events and a callback after 5 ms`,
      ``,
      `submit → agent receives the request, one task at a time (${LATENCY_SAMPLES} samples, idle system):`,
      `  p50 ${fmt(pct(idle, 50))}   p90 ${fmt(pct(idle, 90))}   p99 ${fmt(pct(idle, 99))}   max ${fmt(Math.max(...idle))}`,
      `${RUNS} runs submitted with ${CONCURRENCY} in flight:`,
      `  submitted in ${(submitMs / 1000).toFixed(2)} s (${(RUNS / (submitMs / 1000)).toFixed(0)} tasks/s accepted by tasks.create)`,
      `  all ${done} runs completed (callback stored) in ${(allMs / 1000).toFixed(2)} s: ${(done / (allMs / 1000)).toFixed(0)} runs/s sustained`,
      `  submit → agent receives: p50 ${fmt(pct(loaded, 50))}   p99 ${fmt(pct(loaded, 99))}`,
    ];
    console.log(lines.join("\n"));
    await fs.mkdir("bench/results", { recursive: true });
    await fs.writeFile(`bench/results/dispatch-${Date.now()}.txt`, lines.join("\n") + "\n");
  } finally {
    for (const a of agents) await a.close();
    await server.stop();
    await fs.rm(server.dataDir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

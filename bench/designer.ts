// Designer benchmark: the pure functions behind the visual designer on a
// generated 300-node plan (and larger, for the trend), no browser.
//
//   npx tsx bench/designer.ts [--quick] [--nodes=300]
//
// For each plan kind it measures plan → graph (planToGraph), auto-layout
// (dagre, layoutGraph), graph → plan (graphToPlan), and validation with the
// server's own schemas (checkGraph = export + validatePlan + pinning issues),
// which the designer runs after every edit. Median and p95 of N runs, after warm-up.
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { isDeepStrictEqual } from "node:util";
import { generatePlan } from "../app/designer/generate.ts";
import { layoutGraph } from "../app/designer/layout.ts";
import { graphToPlan, planToGraph } from "../app/designer/plan-graph.ts";
import type { DesignerKind } from "../app/designer/types.ts";
import { checkGraph } from "../app/designer/validate.ts";

const { values: args } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    nodes: { type: "string", default: "300" },
  },
});
const RUNS = args.quick ? 20 : 200;
const sizes = [Number(args.nodes), ...(args.quick ? [] : [1000])];

function measure(fn: () => unknown) {
  for (let i = 0; i < Math.min(20, RUNS); i++) fn();
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return { median: times[Math.floor(times.length / 2)], p95: times[Math.floor(times.length * 0.95)] };
}

const fmt = (ms: number) => `${ms.toFixed(2)} ms`;
console.log(`Node ${process.version}, ${RUNS} runs each (median / p95)\n`);
console.log("| plan | nodes | plan → graph | layout (dagre) | graph → plan | validate (export + zod) |");
console.log("|---|---:|---:|---:|---:|---:|");
for (const n of sizes) {
  for (const kind of ["tx_workflow", "orchestrate"] as DesignerKind[]) {
    const plan = generatePlan(kind, n);
    const graph = layoutGraph(planToGraph(kind, plan));
    if (!isDeepStrictEqual(graphToPlan(graph).plan, plan)) throw new Error(`${kind}: the round trip changed the plan`);
    if (checkGraph(graph).issues.length) throw new Error(`${kind}: the generated plan does not validate`);
    const toGraph = measure(() => planToGraph(kind, plan));
    const layout = measure(() => layoutGraph(graph));
    const toPlan = measure(() => graphToPlan(graph));
    const validate = measure(() => checkGraph(graph));
    console.log(
      `| ${kind} | ${graph.nodes.length} | ${fmt(toGraph.median)} / ${fmt(toGraph.p95)} | ${fmt(layout.median)} / ${fmt(layout.p95)} | ${fmt(toPlan.median)} / ${fmt(toPlan.p95)} | ${fmt(validate.median)} / ${fmt(validate.p95)} |`,
    );
  }
}

import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { validatePlan } from "../../server/domain/plans";
import { generatePlan } from "./generate";
import { layoutGraph } from "./layout";
import { detectKind, graphToPlan, planToGraph, PlanShapeError } from "./plan-graph";
import type { DesignerKind } from "./types";

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const EXAMPLES = path.join(REPO, "../shared/contract/examples");
const files = fs.readdirSync(EXAMPLES).filter((f) => f.endsWith(".json"));

function roundTrip(kind: DesignerKind, doc: unknown) {
  return graphToPlan(layoutGraph(planToGraph(kind, doc)));
}

describe("plan → graph → plan", () => {
  it("finds the examples", () => {
    expect(files.length).toBeGreaterThanOrEqual(8);
  });

  it.each(files)("%s round-trips exactly and stays valid", (file) => {
    const doc = JSON.parse(fs.readFileSync(path.join(EXAMPLES, file), "utf8"));
    const kind = detectKind(doc)!;
    expect(kind).toBe(file.includes("orchestration") ? "orchestrate" : "tx_workflow");
    expect(validatePlan(kind, doc).ok).toBe(true);
    const out = roundTrip(kind, doc);
    expect(out.detached).toEqual([]);
    expect(out.plan).toStrictEqual(doc);
    expect(JSON.stringify(out.plan)).toBe(JSON.stringify(doc)); // key order too
  });

  it.each(["tx_workflow", "orchestrate"] as const)("generated %s plans of 1, 12 and 300 nodes round-trip", (kind) => {
    for (const n of [1, 12, 300]) {
      const doc = generatePlan(kind, n);
      const graph = planToGraph(kind, doc);
      expect(graph.nodes.length).toBe(n === 1 ? 3 : n); // a 1-node request still needs a group and a child
      expect(graph.edges.length).toBe(graph.nodes.length - 1);
      expect(validatePlan(kind, doc).ok).toBe(true);
      expect(roundTrip(kind, doc).plan).toStrictEqual(doc);
    }
  });

  it("keeps unknown fields at every level, nulls apart from absent, and template expressions", () => {
    const doc = {
      name: "w",
      fail_fast: "{{ ff }}",
      x_top: [1, 2],
      blocks: [
        { name: "b", fail_fast: true, rollback_policy: "none", x_block: { a: 1 }, steps: [{ run: { kind: "command", mode: "Config", command: "x", x_run: true }, rollback: null, x_step: "s" }, { run: { kind: "command", mode: "Config", command: "y" } }] },
        { tx_block_template_name: "saved", tx_block_template_vars: { vlan: 10 }, name: null, x_ref: 1 },
      ],
    };
    expect(roundTrip("tx_workflow", doc).plan).toStrictEqual(doc);
    const orch = {
      name: "o",
      x_plan: true,
      stages: [{ name: "s", strategy: "{{ strat }}", x_stage: 1, jobs: [{ strategy: "serial", targets: "{{ hosts }}", action: { kind: "tx_workflow", workflow: { name: "inline", fail_fast: true, blocks: [] } }, x_job: null }] }],
    };
    expect(roundTrip("orchestrate", orch).plan).toStrictEqual(orch);
  });

  it("keeps invalid values as given so validation still reports them", () => {
    const doc = { name: 42, fail_fast: true, blocks: [{ name: "b", fail_fast: true, rollback_policy: "sometimes", steps: [{ run: "nope" }] }] };
    const out = roundTrip("tx_workflow", doc).plan;
    expect(out).toStrictEqual(doc);
    const orch = { name: "o", stages: [{ name: "s", strategy: "serial", jobs: [{ strategy: "serial", targets: ["a"], action: "run it" }] }] };
    expect(roundTrip("orchestrate", orch).plan).toStrictEqual(orch);
  });

  it("omits lists the document did not have, and writes them once something is added", () => {
    const doc = { name: "w", fail_fast: true };
    expect(roundTrip("tx_workflow", doc).plan).toStrictEqual(doc);
    expect(roundTrip("orchestrate", { name: "o" }).plan).toStrictEqual({ name: "o" });
  });

  it("refuses documents it cannot draw, naming the field", () => {
    expect(() => planToGraph("tx_workflow", [])).toThrow(PlanShapeError);
    expect(() => planToGraph("tx_workflow", { blocks: {} })).toThrow("blocks must be a list");
    expect(() => planToGraph("tx_workflow", { blocks: [{ name: "a", steps: [1] }] })).toThrow("blocks.0.steps.0 must be an object");
    expect(() => planToGraph("orchestrate", { stages: [{ jobs: "x" }] })).toThrow("stages.0.jobs must be a list");
    expect(detectKind({ stages: [] })).toBe("orchestrate");
    expect(detectKind({ steps: [] })).toBeNull();
  });

  it("orders children by the edge chain, not by position", () => {
    const doc = generatePlan("tx_workflow", 12);
    const graph = layoutGraph(planToGraph("tx_workflow", doc));
    const shuffled = { ...graph, nodes: [...graph.nodes].reverse().map((n, i) => ({ ...n, position: { x: -i * 10, y: i * 7 } })) };
    expect(graphToPlan(shuffled).plan).toStrictEqual(doc);
  });

  it("lays out 300 nodes without overlaps between columns", () => {
    const graph = layoutGraph(planToGraph("tx_workflow", generatePlan("tx_workflow", 300)));
    const xs = new Set(graph.nodes.filter((n) => n.type === "block").map((n) => n.position.x));
    expect(xs.size).toBe(graph.nodes.filter((n) => n.type === "block").length);
    const steps = graph.nodes.filter((n) => n.type === "step");
    expect(new Set(steps.map((n) => `${n.position.x},${n.position.y}`)).size).toBe(steps.length);
  });
});

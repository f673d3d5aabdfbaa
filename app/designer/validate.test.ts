import { describe, expect, it } from "vitest";
import { addNode, emptyGraph } from "./edit-ops";
import { layoutGraph } from "./layout";
import { planToGraph } from "./plan-graph";
import type { DesignerGraph } from "./types";
import { checkGraph, describePath, issuePlace } from "./validate";

const messages = (g: DesignerGraph) => checkGraph(g).issues.map((i) => `${i.path} | ${i.field} | ${i.message}`);

describe("validation in the designer (the server's schemas)", () => {
  it("names each bad field and pins it on its node", () => {
    const doc = {
      name: "w",
      fail_fast: true,
      blocks: [
        { name: "a", fail_fast: true, rollback_policy: "sometimes", steps: [{ run: { kind: "command", mode: "Config", command: " " } }] },
        { name: "b", fail_fast: "yes", rollback_policy: { whole_resource: { rollback: { kind: "command", mode: "Config", command: "x" }, trigger_step_index: 3 } }, steps: [{ run: { kind: "template", mode: "Config", command: "x" } }] },
      ],
    };
    const g = planToGraph("tx_workflow", doc);
    const check = checkGraph(g);
    expect([...messages(g)].sort()).toEqual([
      'blocks.0.rollback_policy | rollback_policy | must be "per_step", "none" or { "whole_resource": { "rollback": {...} } }',
      "blocks.0.steps.0.run.command | run.command | must not be empty",
      "blocks.1.rollback_policy.whole_resource.trigger_step_index | rollback_policy.whole_resource.trigger_step_index | is 3 but the block has only 1 step (use 0)",
      'blocks.1.steps.0.run.kind | run.kind | must be "command" or "flow" (the agent does not run "template" operations inside transactions)',
      "blocks.1.fail_fast | fail_fast | must be true or false",
    ].sort());
    const [, blockA, stepA, blockB, stepB] = g.nodes;
    expect(check.byNode.get(blockA.id)?.map((i) => i.field)).toEqual(["rollback_policy"]);
    expect(check.byNode.get(stepA.id)?.map((i) => i.field)).toEqual(["run.command"]);
    expect(check.byNode.get(blockB.id)?.map((i) => i.field).sort()).toEqual(["fail_fast", "rollback_policy.whole_resource.trigger_step_index"]);
    expect(check.byNode.get(stepB.id)?.map((i) => i.field)).toEqual(["run.kind"]);
    expect(issuePlace(check.byNode.get(stepA.id)![0])).toBe("Block 1 › Step 1");
  });

  it("reports orchestration rules on the stage and job they belong to", () => {
    const doc = { name: "o", stages: [{ name: "s", strategy: "parallel", max_parallel: 0, jobs: [{ strategy: "serial", action: { kind: "tx_workflow", workflow_template_name: "x", extra: 1 } }] }] };
    expect(messages(planToGraph("orchestrate", doc))).toEqual([
      "stages.0.jobs.0.action.extra | action.extra | is not an action field: the agent accepts only kind, workflow, workflow_template_name and workflow_vars here",
      "stages.0.jobs.0.targets | targets | a job needs at least one entry in targets, target_groups or target_tags",
      'stages.0.max_parallel | max_parallel | must be at least 1 when strategy is "parallel"',
    ]);
  });

  it("flags an empty canvas, new nodes until they are filled in, and detached nodes", () => {
    let g = emptyGraph("tx_workflow");
    expect(messages(g)).toEqual(["blocks | blocks | a workflow needs at least one block"]);
    g = addNode(g, "block", null).graph;
    expect(messages(g)).toEqual(["blocks.0.steps | steps | a block needs at least one step"]);
    g = addNode(g, "step", null).graph;
    expect(messages(g)).toEqual(["blocks.0.steps.0.run.command | run.command | must not be empty"]);
    g = addNode(g, "blockRef", null).graph;
    expect(messages(g)).toContain("blocks.1 | tx_block_template_name | choose a tx-block template (or give tx_block_template_content)");
    const lone = { ...g, edges: g.edges.filter((e) => e.target !== g.nodes[2].id) };
    expect(checkGraph(lone).byNode.get(g.nodes[2].id)?.[0].message).toMatch(/^is not connected/);
  });

  it("passes every valid plan, and describes paths for people", () => {
    const g = layoutGraph(planToGraph("orchestrate", { name: "o", stages: [{ name: "s", strategy: "serial", jobs: [{ strategy: "serial", targets: ["a"], action: { kind: "tx_workflow", workflow_template_name: "w" } }] }] }));
    expect(checkGraph(g).issues).toEqual([]);
    expect(describePath("stages.1.jobs.0.action.kind")).toBe("Stage 2 › Job 1 › action.kind");
    expect(describePath("")).toBe("plan");
  });
});

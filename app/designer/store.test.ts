import { describe, expect, it } from "vitest";
import { canConnect, copy, deleteNodes, groupIntoNew, paste, reorderByPosition } from "./edit-ops";
import { en, zh } from "./i18n";
import { graphToPlan, planToGraph, readChains } from "./plan-graph";
import { layoutGraph } from "./layout";
import { changedPath, createDesignerStore } from "./store";
import type { DesignerGraph, StepData } from "./types";

const doc = {
  name: "w",
  fail_fast: true,
  blocks: [
    { name: "a", fail_fast: true, rollback_policy: "per_step", steps: [1, 2, 3].map((n) => ({ run: { kind: "command", mode: "Config", command: `a${n}` } })) },
    { name: "b", fail_fast: true, rollback_policy: "none", steps: [{ run: { kind: "command", mode: "Config", command: "b1" } }] },
  ],
};
const commands = (g: DesignerGraph) => (graphToPlan(g).plan.blocks as Array<{ name: string; steps: Array<{ run: { command: string } }> }>).map((b) => `${b.name}:${b.steps.map((s) => s.run.command).join(",")}`);
const byCommand = (g: DesignerGraph, c: string) => g.nodes.find((n) => n.type === "step" && (n.data as StepData).run?.command === c)!;
const byName = (g: DesignerGraph, name: string) => g.nodes.find((n) => n.data.name === name)!;

describe("editing", () => {
  it("connect moves a node in its chain; only meaningful connections are allowed", () => {
    const store = createDesignerStore(layoutGraph(planToGraph("tx_workflow", doc)));
    const g = () => store.getState();
    expect(canConnect(g(), byName(g(), "a").id, "first", byName(g(), "b").id)).toBe(false); // a block is not a step
    expect(canConnect(g(), byName(g(), "w").id, "first", byCommand(g(), "a1").id)).toBe(false);
    store.connect(byCommand(g(), "b1").id, "next", byCommand(g(), "a1").id);
    expect(commands(g())).toEqual(["a:a2,a3", "b:b1,a1"]);
    store.connect(byName(g(), "w").id, "first", byName(g(), "b").id);
    expect(commands(g())).toEqual(["b:b1,a1", "a:a2,a3"]);
    store.undo();
    store.undo();
    expect(commands(g())).toEqual(["a:a1,a2,a3", "b:b1"]);
    store.redo();
    expect(commands(g())).toEqual(["a:a2,a3", "b:b1,a1"]);
  });

  it("groups typing in one field into one undo step, and separates fields", () => {
    const store = createDesignerStore(planToGraph("tx_workflow", doc));
    const id = byCommand(store.getState(), "a1").id;
    for (const c of ["v", "vl", "vlan"]) store.update<Extract<DesignerGraph["nodes"][number], { type: "step" }>>(id, "run", (d) => ({ ...d, run: { ...(d.run as object), command: c } as StepData["run"] }));
    store.update<Extract<DesignerGraph["nodes"][number], { type: "step" }>>(id, "run", (d) => ({ ...d, run: { ...(d.run as object), timeout: 5 } as StepData["run"] }));
    const run = () => (store.getState().nodes.find((n) => n.id === id)!.data as StepData).run as { command: string; timeout?: number };
    expect(run()).toMatchObject({ command: "vlan", timeout: 5 });
    store.undo();
    expect(run()).toEqual({ kind: "command", mode: "Config", command: "vlan" });
    store.undo();
    expect(run().command).toBe("a1");
    expect(store.getState().canUndo).toBe(false);
    expect(changedPath({ run: { a: 1, b: 2 } }, { run: { a: 1, b: 3 } })).toBe("run.b");
  });

  it("a drag is one undo step and reorders by where the node was dropped", () => {
    const store = createDesignerStore(layoutGraph(planToGraph("tx_workflow", doc)));
    const g = () => store.getState();
    const a3 = byCommand(g(), "a3");
    const a1 = byCommand(g(), "a1");
    store.beginDrag();
    store.onNodesChange([{ type: "position", id: a3.id, position: { x: a1.position.x + 5, y: a1.position.y - 10 }, dragging: true }]);
    store.endDrag([a3.id]);
    expect(commands(g())).toEqual(["a:a3,a1,a2", "b:b1"]);
    // into the other block's column
    const b = byName(g(), "b");
    const a2 = byCommand(g(), "a2");
    store.beginDrag();
    store.onNodesChange([{ type: "position", id: a2.id, position: { x: b.position.x, y: b.position.y + 400 }, dragging: true }]);
    store.endDrag([a2.id]);
    expect(commands(g())).toEqual(["a:a3,a1", "b:b1,a2"]);
    store.undo();
    expect(commands(g())).toEqual(["a:a3,a1,a2", "b:b1"]);
    store.undo();
    expect(commands(g())).toEqual(["a:a1,a2,a3", "b:b1"]);
    expect(reorderByPosition(g(), [])).toBe(g());
  });

  it("deletes (a block with its steps), copies, pastes, duplicates and groups", () => {
    const g0 = planToGraph("tx_workflow", doc);
    expect(commands(deleteNodes(g0, [byCommand(g0, "a2").id]))).toEqual(["a:a1,a3", "b:b1"]);
    const noA = deleteNodes(g0, [byName(g0, "a").id, g0.nodes[0].id]);
    expect(commands(noA)).toEqual(["b:b1"]);
    expect(noA.nodes).toHaveLength(3);

    const pasted = paste(g0, copy(g0, [byCommand(g0, "a1").id, byCommand(g0, "a2").id]));
    expect(commands(pasted.graph)).toEqual(["a:a1,a2,a1,a2,a3", "b:b1"]);
    expect(pasted.ids).toHaveLength(2);
    const dupBlock = paste(g0, copy(g0, [byName(g0, "b").id]));
    expect(commands(dupBlock.graph)).toEqual(["a:a1,a2,a3", "b:b1", "b:b1"]);
    expect(new Set(dupBlock.graph.nodes.map((n) => n.id)).size).toBe(dupBlock.graph.nodes.length);

    const grouped = groupIntoNew(g0, [byCommand(g0, "a3").id, byCommand(g0, "a1").id]);
    expect(commands(grouped.graph)).toEqual(["a:a2", expect.stringMatching(/^block-\d+:a1,a3$/), "b:b1"]);
    expect(readChains(grouped.graph.edges).children(grouped.id!)).toHaveLength(2);
  });

  it("has every string in English and Chinese", () => {
    expect(Object.keys(zh).sort()).toEqual(Object.keys(en).sort());
    for (const [k, v] of Object.entries(zh)) expect(v.trim(), k).not.toBe("");
  });
});

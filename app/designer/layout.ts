// Auto-layout: dagre places the root and the level-1 nodes (blocks / stages)
// left to right, each sized to hold its column of children; the children
// (steps / jobs) are stacked under their parent in chain order. Detached nodes
// go in a row underneath.
import dagre from "@dagrejs/dagre";
import { readChains } from "./plan-graph";
import type { DesignerGraph, DesignerNode } from "./types";
import { LEVELS } from "./types";

export const SIZE = {
  root: { width: 220, height: 84 },
  parent: { width: 240, height: 92 },
  child: { width: 240, height: 76 },
};
const GAP = 18;

export function layoutGraph(graph: DesignerGraph): DesignerGraph {
  const levels = LEVELS[graph.kind];
  const chains = readChains(graph.edges);
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const root = graph.nodes.find((n) => n.type === levels.root);
  const pos = new Map<string, { x: number; y: number }>();
  const g = new dagre.graphlib.Graph();
  g.setGraph({ rankdir: "LR", nodesep: 40, ranksep: 48, marginx: 20, marginy: 20 });
  g.setDefaultEdgeLabel(() => ({}));
  const columns = new Map<string, string[]>();
  if (root) {
    g.setNode(root.id, { ...SIZE.root });
    const parents = chains.children(root.id).filter((id) => levels.parents.includes(byId.get(id)?.type as DesignerNode["type"]));
    let prev = root.id;
    for (const pid of parents) {
      const kids = chains.children(pid).filter((id) => byId.get(id)?.type && levels.children.includes(byId.get(id)!.type));
      columns.set(pid, kids);
      g.setNode(pid, { width: SIZE.parent.width, height: SIZE.parent.height + kids.length * (SIZE.child.height + GAP) });
      g.setEdge(prev, pid);
      prev = pid;
    }
    dagre.layout(g);
    // dagre centres each node vertically; align tops so the columns read as lanes
    const top = Math.min(...g.nodes().map((id) => g.node(id).y - g.node(id).height / 2));
    for (const id of g.nodes()) {
      const n = g.node(id);
      const x = n.x - n.width / 2;
      pos.set(id, { x, y: top });
      let cy = top + SIZE.parent.height + GAP;
      for (const kid of columns.get(id) ?? []) {
        pos.set(kid, { x, y: cy });
        cy += SIZE.child.height + GAP;
      }
    }
  }
  let maxY = 0;
  for (const [id, p] of pos) {
    const col = columns.get(id);
    const h = col ? SIZE.parent.height + col.length * (SIZE.child.height + GAP) : SIZE.root.height;
    maxY = Math.max(maxY, p.y + h);
  }
  let x = 20;
  const nodes = graph.nodes.map((n) => {
    let p = pos.get(n.id);
    if (!p) {
      p = { x, y: maxY + 60 };
      x += SIZE.child.width + GAP;
    }
    return { ...n, position: p };
  });
  return { ...graph, nodes };
}

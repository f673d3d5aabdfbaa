// Pure graph edits on the chain model. Each takes a graph and returns a new one;
// the store adds undo history and selection on top.
import { chainEdge, newId, readChains } from "./plan-graph";
import { SIZE } from "./layout";
import type { DesignerEdge, DesignerGraph, DesignerKind, DesignerNode, NodeKind } from "./types";
import { LEVELS, levelOf } from "./types";

const byId = (g: DesignerGraph) => new Map(g.nodes.map((n) => [n.id, n]));

/** Takes `id` out of its chain, joining its predecessor to its successor. Its own children stay with it. */
export function detach(edges: DesignerEdge[], id: string): DesignerEdge[] {
  const incoming = edges.find((e) => e.target === id);
  const outgoing = edges.find((e) => e.source === id && e.type === "next");
  const rest = edges.filter((e) => e !== incoming && e !== outgoing);
  if (incoming && outgoing) rest.push(chainEdge(incoming.type as "first" | "next", incoming.source, outgoing.target));
  return rest;
}

/** Puts `id` right after `anchor` (a sibling), or first under `anchor` when it is the parent. */
export function insertAfter(edges: DesignerEdge[], anchor: string, id: string, anchorIsParent: boolean): DesignerEdge[] {
  const type = anchorIsParent ? "first" : "next";
  const old = edges.find((e) => e.source === anchor && e.type === type);
  const rest = edges.filter((e) => e !== old);
  rest.push(chainEdge(type, anchor, id));
  if (old) rest.push(chainEdge("next", id, old.target));
  return rest;
}

/** Puts the run `head` … `tail` (already chained) right after the sibling `anchor`. */
function insertRunAfter(edges: DesignerEdge[], anchor: string, head: string, tail: string): DesignerEdge[] {
  const old = edges.find((e) => e.source === anchor && e.type === "next");
  const rest = edges.filter((e) => e !== old);
  rest.push(chainEdge("next", anchor, head));
  if (old) rest.push(chainEdge("next", tail, old.target));
  return rest;
}

/** Whether a drag from `source`'s handle to `target` means something: a parent's first child, or the next sibling. */
export function canConnect(g: DesignerGraph, source: string, handle: string | null | undefined, target: string): boolean {
  if (source === target) return false;
  const nodes = byId(g);
  const s = nodes.get(source);
  const t = nodes.get(target);
  if (!s || !t || t.type === LEVELS[g.kind].root) return false;
  const ls = levelOf(g.kind, s.type);
  const lt = levelOf(g.kind, t.type);
  if (handle === "first") return lt === ls + 1 && s.type !== "blockRef";
  return handle === "next" && lt === ls;
}

/** Moves `target` (with its children) to follow `source` as a drag from `handle` says. */
export function connect(g: DesignerGraph, source: string, handle: string | null | undefined, target: string): DesignerGraph {
  if (!canConnect(g, source, handle, target)) return g;
  const edges = insertAfter(detach(g.edges, target), source, target, handle === "first");
  return { ...g, edges };
}

/** The parent of a node (walking back through its chain), or null when detached. */
export function parentOf(g: DesignerGraph, id: string): string | null {
  const chains = readChains(g.edges);
  const seen = new Set<string>();
  let cur = id;
  while (!seen.has(cur)) {
    seen.add(cur);
    const e = chains.incoming.get(cur);
    if (!e) return null;
    if (e.type === "first") return e.source;
    cur = e.source;
  }
  return null;
}

function lastOf(g: DesignerGraph, parent: string): string | null {
  const kids = readChains(g.edges).children(parent);
  return kids.length ? kids[kids.length - 1] : null;
}

let counter = 0;
export function defaultData(kind: NodeKind, n = ++counter): DesignerNode["data"] {
  switch (kind) {
    case "workflow":
      return { name: "new-workflow", fail_fast: true, extra: {} };
    case "plan":
      return { name: "new-plan", fail_fast: true, rollback_on_stage_failure: true, rollback_completed_stages_on_failure: false, extra: {} };
    case "block":
      return { name: `block-${n}`, fail_fast: true, rollback_policy: "per_step", extra: {} };
    case "blockRef":
      return { name: undefined, fail_fast: undefined, tx_block_template_name: "", tx_block_template_content: undefined, tx_block_template_vars: undefined, extra: {} };
    case "step":
      return { run: { kind: "command", mode: "Config", command: "", timeout: 30 }, rollback: null, rollback_on_failure: undefined, extra: {} };
    case "stage":
      return { name: `stage-${n}`, strategy: "serial", max_parallel: undefined, fail_fast: undefined, extra: {} };
    case "job":
      return {
        name: `job-${n}`,
        strategy: "serial",
        max_parallel: undefined,
        fail_fast: undefined,
        target_groups: undefined,
        target_tags: undefined,
        targets: [],
        action: { kind: "tx_workflow", workflow: undefined, workflow_template_name: "", workflow_vars: undefined, extra: {} },
        extra: {},
      };
  }
}

export function emptyGraph(kind: DesignerKind): DesignerGraph {
  const type = LEVELS[kind].root;
  return { kind, nodes: [{ id: newId(type), type, position: { x: 20, y: 20 }, data: defaultData(type) } as DesignerNode], edges: [] };
}

/**
 * Adds a node of `type` where the operator is working: a block/stage after the
 * selected one (or last), a step/job after the selected one, at the end of the
 * selected block/stage, or at the end of the last one.
 */
export function addNode(g: DesignerGraph, type: NodeKind, selectedId: string | null): { graph: DesignerGraph; id: string } {
  const levels = LEVELS[g.kind];
  const nodes = byId(g);
  const root = g.nodes.find((n) => n.type === levels.root)!;
  const sel = selectedId ? nodes.get(selectedId) : undefined;
  const id = newId(type);
  const level = levelOf(g.kind, type);
  const parents = readChains(g.edges).children(root.id);
  let edges = g.edges;
  let position = { x: root.position.x, y: root.position.y + 200 };
  if (level === 1) {
    const selParent = sel ? (levelOf(g.kind, sel.type) === 1 ? sel.id : levelOf(g.kind, sel.type) === 2 ? parentOf(g, sel.id) : null) : null;
    const anchor = selParent ?? (parents.length ? parents[parents.length - 1] : root.id);
    edges = insertAfter(edges, anchor, id, anchor === root.id);
    const a = nodes.get(anchor)!;
    position = { x: a.position.x + (anchor === root.id ? SIZE.root.width : SIZE.parent.width) + 48, y: root.position.y };
  } else if (level === 2) {
    let anchor: string | null = null;
    let isParent = false;
    if (sel && levelOf(g.kind, sel.type) === 2) anchor = sel.id;
    else {
      const parent = sel && levelOf(g.kind, sel.type) === 1 && sel.type !== "blockRef" ? sel.id : [...parents].reverse().find((p) => nodes.get(p)?.type !== "blockRef");
      if (parent) {
        anchor = lastOf(g, parent) ?? parent;
        isParent = anchor === parent;
      }
    }
    if (anchor) {
      edges = insertAfter(edges, anchor, id, isParent);
      const a = nodes.get(anchor)!;
      position = { x: a.position.x, y: a.position.y + (isParent ? SIZE.parent.height : SIZE.child.height) + 18 };
    }
  }
  const node = { id, type, position, data: defaultData(type), selected: true } as DesignerNode;
  return { graph: { ...g, nodes: [...g.nodes.map((n) => (n.selected ? { ...n, selected: false } : n)), node], edges }, id };
}

/** Deletes nodes; a block/stage takes its children with it; the root is kept. Chains close over the gap. */
export function deleteNodes(g: DesignerGraph, ids: string[]): DesignerGraph {
  const chains = readChains(g.edges);
  const nodes = byId(g);
  const doomed = new Set<string>();
  for (const id of ids) {
    const n = nodes.get(id);
    if (!n || n.type === LEVELS[g.kind].root) continue;
    doomed.add(id);
    if (levelOf(g.kind, n.type) === 1) for (const c of chains.children(id)) doomed.add(c);
  }
  let edges = g.edges;
  for (const id of doomed) edges = detach(edges, id);
  edges = edges.filter((e) => !doomed.has(e.source) && !doomed.has(e.target));
  return { ...g, nodes: g.nodes.filter((n) => !doomed.has(n.id)), edges };
}

export interface Clip {
  kind: DesignerKind;
  nodes: DesignerNode[];
  edges: DesignerEdge[];
}

/** The selected nodes (plus the children of selected blocks/stages) and the edges among them. */
export function copy(g: DesignerGraph, ids: string[]): Clip {
  const chains = readChains(g.edges);
  const nodes = byId(g);
  const take = new Set<string>();
  for (const id of ids) {
    const n = nodes.get(id);
    if (!n || n.type === LEVELS[g.kind].root) continue;
    take.add(id);
    if (levelOf(g.kind, n.type) === 1) for (const c of chains.children(id)) take.add(c);
  }
  return {
    kind: g.kind,
    nodes: g.nodes.filter((n) => take.has(n.id)).map((n) => structuredClone({ ...n, selected: false })),
    edges: g.edges.filter((e) => take.has(e.source) && take.has(e.target)),
  };
}

/** Pastes a clip: copies of chain heads go right after their originals (or stay detached when those are gone). */
export function paste(g: DesignerGraph, clip: Clip): { graph: DesignerGraph; ids: string[] } {
  if (clip.kind !== g.kind || clip.nodes.length === 0) return { graph: g, ids: [] };
  const map = new Map(clip.nodes.map((n) => [n.id, newId(n.type)]));
  const present = new Set(g.nodes.map((n) => n.id));
  const copies = clip.nodes.map((n) => ({ ...structuredClone(n), id: map.get(n.id)!, position: { x: n.position.x + 40, y: n.position.y + 40 }, selected: true }) as DesignerNode);
  let edges = [...g.edges, ...clip.edges.map((e) => chainEdge(e.type as "first" | "next", map.get(e.source)!, map.get(e.target)!))];
  const heads = clip.nodes.filter((n) => !clip.edges.some((e) => e.target === n.id));
  const withCopies: DesignerGraph = { ...g, nodes: [...g.nodes.map((n) => (n.selected ? { ...n, selected: false } : n)), ...copies], edges };
  const clipNext = readChains(clip.edges).next;
  for (const h of heads) {
    if (!present.has(h.id)) continue;
    // a copied run of siblings lands, in order, right after the original run
    let tail = h.id;
    while (clipNext.has(tail)) tail = clipNext.get(tail)!;
    edges = insertRunAfter(edges, tail, map.get(h.id)!, map.get(tail)!);
  }
  return { graph: { ...withCopies, edges }, ids: copies.map((n) => n.id) };
}

/** Moves the selected steps/jobs into a new block/stage placed after the parent of the first one. */
export function groupIntoNew(g: DesignerGraph, ids: string[]): { graph: DesignerGraph; id: string | null } {
  const nodes = byId(g);
  const chains = readChains(g.edges);
  const levels = LEVELS[g.kind];
  const root = g.nodes.find((n) => n.type === levels.root)!;
  // in plan order: walk every parent's chain
  const order: string[] = [];
  for (const p of chains.children(root.id)) order.push(...chains.children(p));
  const picked = order.filter((id) => ids.includes(id) && levelOf(g.kind, nodes.get(id)!.type) === 2);
  if (picked.length === 0) return { graph: g, id: null };
  const firstParent = parentOf(g, picked[0]) ?? root.id;
  const parentType = g.kind === "tx_workflow" ? "block" : "stage";
  const id = newId(parentType);
  let edges = g.edges;
  for (const c of picked) edges = detach(edges, c);
  edges = insertAfter(edges, firstParent, id, firstParent === root.id);
  picked.forEach((c, i) => (edges = insertAfter(edges, i === 0 ? id : picked[i - 1], c, i === 0)));
  const fp = nodes.get(firstParent)!;
  const parent = { id, type: parentType, position: { x: fp.position.x + SIZE.parent.width + 48, y: fp.position.y }, data: defaultData(parentType) } as DesignerNode;
  return { graph: { ...g, nodes: [...g.nodes, parent], edges }, id };
}

/**
 * After a drag: a dropped step/job joins the column it was dropped on, at the
 * row it was dropped at; a dropped block/stage takes the place its x says.
 * Returns the same graph when the order did not change.
 */
export function reorderByPosition(g: DesignerGraph, draggedIds: string[]): DesignerGraph {
  const levels = LEVELS[g.kind];
  const root = g.nodes.find((n) => n.type === levels.root);
  if (!root) return g;
  let out = g;
  const dragged = draggedIds.map((id) => g.nodes.find((n) => n.id === id)).filter((n): n is DesignerNode => !!n && n.type !== levels.root);
  for (const n of dragged.sort((a, b) => a.position.y - b.position.y || a.position.x - b.position.x)) {
    const nodes = byId(out);
    const chains = readChains(out.edges);
    const level = levelOf(out.kind, n.type);
    const cx = n.position.x + SIZE.child.width / 2;
    if (level === 1) {
      const siblings = chains.children(root.id).filter((id) => id !== n.id);
      const before = siblings.filter((id) => nodes.get(id)!.position.x + SIZE.parent.width / 2 < cx);
      const anchor = before.length ? before[before.length - 1] : root.id;
      if (chains.incoming.get(n.id)?.source === anchor) continue;
      out = { ...out, edges: insertAfter(detach(out.edges, n.id), anchor, n.id, anchor === root.id) };
    } else if (level === 2) {
      const columns = chains.children(root.id).filter((id) => nodes.get(id)!.type !== "blockRef");
      const column = columns.find((id) => {
        const p = nodes.get(id)!;
        return cx >= p.position.x - 24 && cx <= p.position.x + SIZE.parent.width + 24 && n.position.y > p.position.y;
      });
      if (!column) continue;
      const siblings = chains.children(column).filter((id) => id !== n.id);
      const before = siblings.filter((id) => nodes.get(id)!.position.y < n.position.y);
      const anchor = before.length ? before[before.length - 1] : column;
      if (chains.incoming.get(n.id)?.source === anchor) continue;
      out = { ...out, edges: insertAfter(detach(out.edges, n.id), anchor, n.id, anchor === column) };
    }
  }
  return out;
}

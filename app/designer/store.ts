// One store per editor instance (created by the designer component, passed
// down by context): the graph, selection, undo/redo history and clipboard.
import { applyNodeChanges, type NodeChange } from "@xyflow/react";
import { createContext, useContext, useSyncExternalStore } from "react";
import * as ops from "./edit-ops";
import { layoutGraph } from "./layout";
import type { DesignerEdge, DesignerGraph, DesignerKind, DesignerNode, NodeKind } from "./types";

interface Snapshot {
  nodes: DesignerNode[];
  edges: DesignerEdge[];
}

export interface DesignerState extends DesignerGraph {
  /** bumps on every change to the document (not on moves or selection): validation and autosave key on it */
  docRev: number;
  /** bumps on every change (moves too) */
  rev: number;
  canUndo: boolean;
  canRedo: boolean;
}

const HISTORY = 200;
/** edits to the same field within this window are one undo step */
const GROUP_MS = 1200;

/** The one path that differs between two values ("run.command"), or null when several do. */
export function changedPath(a: unknown, b: unknown, depth = 4): string | null {
  if (a === b) return "";
  const isObj = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
  if (depth === 0 || !isObj(a) || !isObj(b)) return "";
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((k) => a[k] !== b[k]);
  if (keys.length !== 1) return keys.length === 0 ? "" : null;
  const rest = changedPath(a[keys[0]], b[keys[0]], depth - 1);
  return rest === null ? keys[0] : rest ? `${keys[0]}.${rest}` : keys[0];
}

export function createDesignerStore(initial: DesignerGraph) {
  let state: DesignerState = { ...initial, docRev: 0, rev: 0, canUndo: false, canRedo: false };
  let past: Snapshot[] = [];
  let future: Snapshot[] = [];
  let lastGroup: { key: string; at: number } | null = null;
  let clip: ops.Clip | null = null;
  const listeners = new Set<() => void>();

  const emit = () => listeners.forEach((l) => l());
  const snap = (): Snapshot => ({ nodes: state.nodes, edges: state.edges });
  const graph = (): DesignerGraph => ({ kind: state.kind, nodes: state.nodes, edges: state.edges });

  function set(next: Partial<DesignerState>, doc: boolean) {
    state = { ...state, ...next, rev: state.rev + 1, docRev: doc ? state.docRev + 1 : state.docRev, canUndo: past.length > 0, canRedo: future.length > 0 };
    emit();
  }

  /** Records the current state as an undo step; `group` merges repeated edits of one field. */
  function checkpoint(group?: string) {
    const now = Date.now();
    if (group && lastGroup && lastGroup.key === group && now - lastGroup.at < GROUP_MS) {
      lastGroup.at = now;
      return;
    }
    lastGroup = group ? { key: group, at: now } : null;
    past.push(snap());
    if (past.length > HISTORY) past = past.slice(-HISTORY);
    future = [];
  }

  function commit(g: DesignerGraph, group?: string) {
    if (g.nodes === state.nodes && g.edges === state.edges) return;
    checkpoint(group);
    set({ nodes: g.nodes, edges: g.edges }, true);
  }

  const selectedIds = () => state.nodes.filter((n) => n.selected).map((n) => n.id);
  const select = (nodes: DesignerNode[], ids: string[]) => nodes.map((n) => (n.selected === ids.includes(n.id) ? n : ({ ...n, selected: ids.includes(n.id) } as DesignerNode)));

  return {
    getState: () => state,
    subscribe(l: () => void) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    selectedIds,
    /** React Flow's changes: moves, selection, measured sizes. Removals go through deleteSelected. */
    onNodesChange(changes: NodeChange<DesignerNode>[]) {
      const kept = changes.filter((c) => c.type !== "remove" && c.type !== "add" && c.type !== "replace");
      if (kept.length === 0) return;
      set({ nodes: applyNodeChanges(kept, state.nodes) }, false);
    },
    /** A drag is one undo step: the state before it. */
    beginDrag() {
      checkpoint();
    },
    endDrag(ids: string[]) {
      const g = ops.reorderByPosition(graph(), ids);
      if (g.edges !== state.edges) set({ ...layoutGraph(g), kind: state.kind }, true);
      else set({}, false);
    },
    connect(source: string, handle: string | null | undefined, target: string) {
      const g = ops.connect(graph(), source, handle, target);
      if (g !== graph() && g.edges !== state.edges) commit(layoutGraph(g));
    },
    canConnect: (source: string, handle: string | null | undefined, target: string) => ops.canConnect(graph(), source, handle, target),
    add(type: NodeKind) {
      const sel = selectedIds();
      const { graph: g } = ops.addNode(graph(), type, sel.length === 1 ? sel[0] : null);
      commit(g);
    },
    /** Replaces a node's data with `data` (immutably); repeated edits of `field` merge into one undo step. */
    update<N extends DesignerNode>(id: string, field: string, patch: (data: N["data"]) => N["data"]) {
      let group = `${id}:${field}`;
      const nodes = state.nodes.map((n) => {
        if (n.id !== id) return n;
        const data = patch(n.data as N["data"]);
        group = `${id}:${changedPath(n.data, data) ?? field}`;
        return { ...n, data } as DesignerNode;
      });
      commit({ kind: state.kind, nodes, edges: state.edges }, group);
    },
    selectOnly(id: string) {
      set({ nodes: select(state.nodes, [id]) }, false);
    },
    deleteSelected() {
      const ids = selectedIds();
      if (ids.length) commit(ops.deleteNodes(graph(), ids));
    },
    copy() {
      const ids = selectedIds();
      if (ids.length) clip = ops.copy(graph(), ids);
      return clip?.nodes.length ?? 0;
    },
    paste() {
      if (!clip) return;
      const { graph: g } = ops.paste(graph(), clip);
      commit(g);
    },
    duplicate() {
      const ids = selectedIds();
      if (!ids.length) return;
      const { graph: g } = ops.paste(graph(), ops.copy(graph(), ids));
      commit(g);
    },
    group() {
      const { graph: g, id } = ops.groupIntoNew(graph(), selectedIds());
      if (id) commit({ ...layoutGraph(g), nodes: select(layoutGraph(g).nodes, [id]) });
    },
    layout() {
      checkpoint();
      set({ nodes: layoutGraph(graph()).nodes }, false);
    },
    /** Replaces the whole document (import, open); undoable. */
    load(g: DesignerGraph) {
      checkpoint();
      set({ kind: g.kind, nodes: g.nodes, edges: g.edges }, true);
    },
    undo() {
      const prev = past.pop();
      if (!prev) return;
      future.push(snap());
      lastGroup = null;
      set(prev, true);
    },
    redo() {
      const next = future.pop();
      if (!next) return;
      past.push(snap());
      lastGroup = null;
      set(next, true);
    },
  };
}

export type DesignerStore = ReturnType<typeof createDesignerStore>;
export type { DesignerKind };

export const StoreContext = createContext<DesignerStore | null>(null);

export function useStore(): DesignerStore {
  const store = useContext(StoreContext);
  if (!store) throw new Error("useStore outside the designer");
  return store;
}

export function useDesigner<T>(pick: (s: DesignerState) => T): T {
  const store = useStore();
  return useSyncExternalStore(store.subscribe, () => pick(store.getState()), () => pick(store.getState()));
}

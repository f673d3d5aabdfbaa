// Pure conversions between plan documents and the designer's graph. No React,
// no DOM: the unit tests and bench/designer.ts run them in Node.
//
// Order is the edge chain (parent -first-> child -next-> child ...), so the
// export walks chains and never depends on where a node happens to sit.
import type {
  BlockData,
  BlockRefData,
  DesignerEdge,
  DesignerGraph,
  DesignerKind,
  DesignerNode,
  Extra,
  JobAction,
  JobData,
  NodeKind,
  PlanData,
  StageData,
  StepData,
  WorkflowData,
} from "./types";
import { LEVELS } from "./types";

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

let seq = 0;
const prefix = Math.random().toString(36).slice(2, 7);
/** Unique within a page (and across loads): `<type>-<random>-<n>`. */
export function newId(type: string) {
  seq += 1;
  return `${type}-${prefix}-${seq}`;
}

export class PlanShapeError extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(path ? `${path} ${message}` : message);
  }
}

/** Which designer kind a document looks like: blocks → tx_workflow, stages → orchestrate. */
export function detectKind(doc: unknown): DesignerKind | null {
  if (!isObj(doc)) return null;
  if ("blocks" in doc) return "tx_workflow";
  if ("stages" in doc) return "orchestrate";
  return null;
}

/** True when the agent treats a workflow block as a template reference (same rule as plans.ts). */
function isTemplateRef(block: Obj) {
  const t = (v: unknown) => typeof v === "string" && v.trim() !== "";
  return t(block.tx_block_template_name) || t(block.tx_block_template_content);
}

/**
 * Splits `obj` into the fields the designer edits and the rest. A known field
 * whose value has a type the designer cannot edit stays in `extra` unchanged,
 * so the export is still identical and validation still reports it.
 */
function split<K extends string>(obj: Obj, fields: Record<K, (v: unknown) => boolean>) {
  const known = {} as Record<K, unknown>;
  const extra: Extra = {};
  for (const [key, value] of Object.entries(obj)) {
    const accepts = (fields as Record<string, (v: unknown) => boolean>)[key];
    if (accepts && accepts(value)) known[key as K] = value;
    else extra[key] = value;
  }
  return { known, extra };
}

const any = () => true;
const str = (v: unknown) => typeof v === "string";
const strOrNull = (v: unknown) => v === null || typeof v === "string";
const flag = (v: unknown) => typeof v === "boolean" || typeof v === "string";
const flagOrNull = (v: unknown) => v === null || flag(v);
const count = (v: unknown) => v === null || typeof v === "number" || typeof v === "string";
const objOrNull = (v: unknown) => v === null || isObj(v);
const nameList = (v: unknown) => typeof v === "string" || (Array.isArray(v) && v.every((x) => typeof x === "string"));

const WORKFLOW_FIELDS = { name: str, fail_fast: flag };
const BLOCK_FIELDS = { name: str, fail_fast: flag, rollback_policy: (v: unknown) => typeof v === "string" || isObj(v) };
const BLOCK_REF_FIELDS = {
  name: strOrNull,
  fail_fast: flagOrNull,
  tx_block_template_name: strOrNull,
  tx_block_template_content: strOrNull,
  tx_block_template_vars: objOrNull,
};
const STEP_FIELDS = { run: isObj, rollback: objOrNull, rollback_on_failure: flag };
const PLAN_FIELDS = { name: str, fail_fast: flag, rollback_on_stage_failure: flag, rollback_completed_stages_on_failure: flag };
const STAGE_FIELDS = { name: str, strategy: str, max_parallel: count, fail_fast: flagOrNull };
const JOB_FIELDS = { name: strOrNull, strategy: str, max_parallel: count, fail_fast: flagOrNull, target_groups: nameList, target_tags: nameList, targets: nameList, action: any };
const ACTION_FIELDS = { kind: str, workflow: any, workflow_template_name: strOrNull, workflow_vars: objOrNull };

function node<T extends DesignerNode>(type: T["type"], data: T["data"]): T {
  return { id: newId(type), type, position: { x: 0, y: 0 }, data } as T;
}

function chain(parentId: string, childIds: string[]): DesignerEdge[] {
  const edges: DesignerEdge[] = [];
  childIds.forEach((id, i) => {
    const source = i === 0 ? parentId : childIds[i - 1];
    const type = i === 0 ? "first" : "next";
    edges.push(chainEdge(type, source, id));
  });
  return edges;
}

export function chainEdge(type: "first" | "next", source: string, target: string): DesignerEdge {
  return { id: `${type}:${source}->${target}`, type, source, target, sourceHandle: type, targetHandle: "in" };
}

function list(doc: Obj, key: string, path: string): unknown[] {
  const v = doc[key];
  if (v === undefined) return [];
  if (!Array.isArray(v)) throw new PlanShapeError(path ? `${path}.${key}` : key, "must be a list");
  return v;
}

function element(v: unknown, path: string): Obj {
  if (!isObj(v)) throw new PlanShapeError(path, "must be an object");
  return v;
}

// ------------------------------------------------------------ plan → graph

/** Builds the graph of a plan document. Throws PlanShapeError when the document cannot be drawn at all. */
export function planToGraph(kind: DesignerKind, doc: unknown): DesignerGraph {
  const root = element(doc, "");
  return kind === "tx_workflow" ? workflowToGraph(root) : orchestrationToGraph(root);
}

function workflowToGraph(doc: Obj): DesignerGraph {
  const blocks = list(doc, "blocks", "");
  const { blocks: _b, ...rest } = doc;
  const { known, extra } = split(rest, WORKFLOW_FIELDS);
  const root = node<Extract<DesignerNode, { type: "workflow" }>>("workflow", { name: known.name as string, fail_fast: known.fail_fast as WorkflowData["fail_fast"], extra });
  const nodes: DesignerNode[] = [root];
  const edges: DesignerEdge[] = [];
  const blockIds: string[] = [];
  blocks.forEach((raw, bi) => {
    const path = `blocks.${bi}`;
    const block = element(raw, path);
    if (isTemplateRef(block)) {
      const { known: k, extra: x } = split(block, BLOCK_REF_FIELDS);
      const n = node<Extract<DesignerNode, { type: "blockRef" }>>("blockRef", { ...k, extra: x } as BlockRefData);
      nodes.push(n);
      blockIds.push(n.id);
      return;
    }
    const steps = list(block, "steps", path);
    const { steps: _s, ...blockRest } = block;
    const { known: k, extra: x } = split(blockRest, BLOCK_FIELDS);
    const b = node<Extract<DesignerNode, { type: "block" }>>("block", { ...k, extra: x } as BlockData);
    // a block written without "steps" must come back without it
    if (!("steps" in block)) b.data.extra = { ...x, [NO_LIST]: true };
    nodes.push(b);
    blockIds.push(b.id);
    const stepIds = steps.map((rawStep, si) => {
      const { known: sk, extra: sx } = split(element(rawStep, `${path}.steps.${si}`), STEP_FIELDS);
      const s = node<Extract<DesignerNode, { type: "step" }>>("step", { ...sk, extra: sx } as StepData);
      nodes.push(s);
      return s.id;
    });
    edges.push(...chain(b.id, stepIds));
  });
  if (!("blocks" in doc)) root.data.extra = { ...root.data.extra, [NO_LIST]: true };
  edges.push(...chain(root.id, blockIds));
  return { kind: "tx_workflow", nodes, edges };
}

function orchestrationToGraph(doc: Obj): DesignerGraph {
  const stages = list(doc, "stages", "");
  const { stages: _s, ...rest } = doc;
  const { known, extra } = split(rest, PLAN_FIELDS);
  const root = node<Extract<DesignerNode, { type: "plan" }>>("plan", { ...known, extra } as PlanData);
  if (!("stages" in doc)) root.data.extra = { ...extra, [NO_LIST]: true };
  const nodes: DesignerNode[] = [root];
  const edges: DesignerEdge[] = [];
  const stageIds = stages.map((raw, si) => {
    const path = `stages.${si}`;
    const stage = element(raw, path);
    const jobs = list(stage, "jobs", path);
    const { jobs: _j, ...stageRest } = stage;
    const { known: k, extra: x } = split(stageRest, STAGE_FIELDS);
    const s = node<Extract<DesignerNode, { type: "stage" }>>("stage", { ...k, extra: "jobs" in stage ? x : { ...x, [NO_LIST]: true } } as StageData);
    nodes.push(s);
    const jobIds = jobs.map((rawJob, ji) => {
      const job = element(rawJob, `${path}.jobs.${ji}`);
      const { known: jk, extra: jx } = split(job, JOB_FIELDS);
      const { action, ...fields } = jk as Omit<JobData, "extra" | "action"> & { action?: unknown };
      const data: JobData = { ...fields, action: undefined, extra: jx } as JobData;
      if (isObj(action)) {
        const { known: ak, extra: ax } = split(action, ACTION_FIELDS);
        data.action = { ...(ak as Omit<JobAction, "extra">), extra: ax };
      } else if (action !== undefined) data.rawAction = action;
      const j = node<Extract<DesignerNode, { type: "job" }>>("job", data);
      nodes.push(j);
      return j.id;
    });
    edges.push(...chain(s.id, jobIds));
    return s.id;
  });
  edges.push(...chain(root.id, stageIds));
  return { kind: "orchestrate", nodes, edges };
}

/** Marker in `extra`: the document had no list here (e.g. no "steps"), so the export writes none while it stays empty. */
export const NO_LIST = "__designer_no_list";

// ------------------------------------------------------------ graph → plan

export interface ExportResult {
  plan: Obj;
  /** plan path ("blocks.0.steps.1") → node id, for pinning validation issues on nodes */
  nodeAt: Map<string, string>;
  /** nodes not reachable from the root (they are left out of the plan) */
  detached: string[];
}

/** Reads a chain graph: children in order, per parent. */
export function readChains(edges: DesignerEdge[]) {
  const first = new Map<string, string>();
  const next = new Map<string, string>();
  const incoming = new Map<string, DesignerEdge>();
  for (const e of edges) {
    (e.type === "first" ? first : next).set(e.source, e.target);
    incoming.set(e.target, e);
  }
  return {
    first,
    next,
    incoming,
    children(parentId: string): string[] {
      const out: string[] = [];
      const seen = new Set<string>();
      let id = first.get(parentId);
      while (id !== undefined && !seen.has(id)) {
        seen.add(id);
        out.push(id);
        id = next.get(id);
      }
      return out;
    },
  };
}

function withExtra(known: Obj, extra: Extra): Obj {
  const out: Obj = {};
  for (const [k, v] of Object.entries(known)) if (v !== undefined) out[k] = v;
  for (const [k, v] of Object.entries(extra)) if (k !== NO_LIST && !(k in out)) out[k] = v;
  return out;
}

/** Writes `list` under `key` unless the document never had that list and it is still empty. */
function putList(out: Obj, key: string, list: unknown[], extra: Extra) {
  if (list.length === 0 && extra[NO_LIST]) return out;
  return { ...out, [key]: list };
}

export function graphToPlan(graph: DesignerGraph): ExportResult {
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const chains = readChains(graph.edges);
  const nodeAt = new Map<string, string>();
  const reached = new Set<string>();
  const levels = LEVELS[graph.kind];
  const root = graph.nodes.find((n) => n.type === levels.root);
  if (!root) return { plan: {}, nodeAt, detached: graph.nodes.map((n) => n.id) };
  reached.add(root.id);
  nodeAt.set("", root.id);
  const kids = (id: string, allowed: NodeKind[]) =>
    chains
      .children(id)
      .map((cid) => byId.get(cid))
      .filter((n): n is DesignerNode => n !== undefined && allowed.includes(n.type) && !reached.has(n.id));

  let plan: Obj;
  if (root.type === "workflow") {
    const blocks = kids(root.id, levels.parents).map((b, bi) => {
      reached.add(b.id);
      nodeAt.set(`blocks.${bi}`, b.id);
      if (b.type === "blockRef") {
        const { extra, ...known } = b.data;
        return withExtra(known, extra);
      }
      const data = b.data as BlockData;
      const steps = kids(b.id, levels.children).map((s, si) => {
        reached.add(s.id);
        nodeAt.set(`blocks.${bi}.steps.${si}`, s.id);
        const { extra, ...known } = s.data as StepData;
        return withExtra(known, extra);
      });
      const { extra, ...known } = data;
      return putList(withExtra(known, extra), "steps", steps, extra);
    });
    const { extra, ...known } = root.data;
    plan = putList(withExtra(known, extra), "blocks", blocks, extra);
  } else if (root.type === "plan") {
    const stages = kids(root.id, levels.parents).map((st, si) => {
      reached.add(st.id);
      nodeAt.set(`stages.${si}`, st.id);
      const jobs = kids(st.id, levels.children).map((j, ji) => {
        reached.add(j.id);
        nodeAt.set(`stages.${si}.jobs.${ji}`, j.id);
        const { extra, action, rawAction, ...known } = j.data as JobData;
        const out = withExtra(known, {});
        if (action) {
          const { extra: ax, ...ak } = action;
          out.action = withExtra(ak, ax);
        } else if (rawAction !== undefined) out.action = rawAction;
        return withExtra(out, extra);
      });
      const { extra, ...known } = st.data as StageData;
      return putList(withExtra(known, extra), "jobs", jobs, extra);
    });
    const { extra, ...known } = root.data;
    plan = putList(withExtra(known, extra), "stages", stages, extra);
  } else plan = {};
  return { plan, nodeAt, detached: graph.nodes.filter((n) => !reached.has(n.id)).map((n) => n.id) };
}

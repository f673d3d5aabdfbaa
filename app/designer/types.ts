// The designer's graph model: one React Flow node type per plan element, each
// with its own data type. Known fields keep the plan's own names and are
// `undefined` when the plan did not give them (so absence round-trips); keys
// the designer does not know are carried in `extra` and written back on export.
import type { Edge, Node } from "@xyflow/react";
import type { RollbackPolicy, SessionOperation } from "../../server/domain/plans";

/** A boolean field; the agent also accepts a template expression such as "{{ fail_fast }}". */
export type Flag = boolean | string;
/** A count field (timeout, max_parallel, ...), or a template expression. */
export type Count = number | string;
export type Extra = Record<string, unknown>;

export type DesignerKind = "tx_workflow" | "orchestrate";

// ------------------------------------------------------------- tx_workflow
export interface WorkflowData extends Record<string, unknown> {
  name: string;
  fail_fast: Flag | undefined;
  extra: Extra;
}
/** An inline tx block. */
export interface BlockData extends Record<string, unknown> {
  name: string;
  fail_fast: Flag | undefined;
  rollback_policy: RollbackPolicy | undefined;
  extra: Extra;
}
/** A block loaded by the agent from a saved or inline tx-block template. */
export interface BlockRefData extends Record<string, unknown> {
  name: string | null | undefined;
  fail_fast: Flag | null | undefined;
  tx_block_template_name: string | null | undefined;
  tx_block_template_content: string | null | undefined;
  tx_block_template_vars: Record<string, unknown> | null | undefined;
  extra: Extra;
}
export interface StepData extends Record<string, unknown> {
  run: SessionOperation | undefined;
  /** `null` is kept apart from absent: the examples write "rollback": null. */
  rollback: SessionOperation | null | undefined;
  rollback_on_failure: Flag | undefined;
  extra: Extra;
}

// ------------------------------------------------------------- orchestrate
export interface PlanData extends Record<string, unknown> {
  name: string;
  fail_fast: Flag | undefined;
  rollback_on_stage_failure: Flag | undefined;
  rollback_completed_stages_on_failure: Flag | undefined;
  extra: Extra;
}
export interface StageData extends Record<string, unknown> {
  name: string;
  strategy: string | undefined;
  max_parallel: Count | null | undefined;
  fail_fast: Flag | null | undefined;
  extra: Extra;
}
export interface JobAction {
  kind: string | undefined;
  workflow: unknown;
  workflow_template_name: string | null | undefined;
  workflow_vars: Record<string, unknown> | null | undefined;
  extra: Extra;
}
export type NameList = string[] | string | undefined;
export interface JobData extends Record<string, unknown> {
  name: string | null | undefined;
  strategy: string | undefined;
  max_parallel: Count | null | undefined;
  fail_fast: Flag | null | undefined;
  target_groups: NameList;
  target_tags: NameList;
  targets: NameList;
  action: JobAction | undefined;
  /** the action was not an object: kept as given so validation reports it */
  rawAction?: unknown;
  extra: Extra;
}

export type WorkflowNode = Node<WorkflowData, "workflow">;
export type BlockNode = Node<BlockData, "block">;
export type BlockRefNode = Node<BlockRefData, "blockRef">;
export type StepNode = Node<StepData, "step">;
export type PlanNode = Node<PlanData, "plan">;
export type StageNode = Node<StageData, "stage">;
export type JobNode = Node<JobData, "job">;

export type DesignerNode = WorkflowNode | BlockNode | BlockRefNode | StepNode | PlanNode | StageNode | JobNode;
export type NodeKind = DesignerNode["type"];

/**
 * "first": parent → its first child (workflow → block, block → step, plan → stage, stage → job).
 * "next": a child → the sibling that follows it. The chain is the order.
 */
export type ChainEdge = Edge<Record<string, never>, "first" | "next">;
export type DesignerEdge = ChainEdge;

export interface DesignerGraph {
  kind: DesignerKind;
  nodes: DesignerNode[];
  edges: DesignerEdge[];
}

/** The root node kind and the two levels below it, per plan kind. */
export const LEVELS: Record<DesignerKind, { root: NodeKind; parents: NodeKind[]; children: NodeKind[] }> = {
  tx_workflow: { root: "workflow", parents: ["block", "blockRef"], children: ["step"] },
  orchestrate: { root: "plan", parents: ["stage"], children: ["job"] },
};

export function levelOf(kind: DesignerKind, type: NodeKind): 0 | 1 | 2 {
  const l = LEVELS[kind];
  if (type === l.root) return 0;
  return l.parents.includes(type) ? 1 : 2;
}

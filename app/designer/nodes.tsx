// One node component per kind, registered once at module scope.
import { Handle, Position, type NodeProps, type NodeTypes } from "@xyflow/react";
import { createContext, memo, useContext, type ReactNode } from "react";
import type { DesignerIssue } from "./validate";
import type { BlockNode, BlockRefNode, JobNode, PlanNode, StageNode, StepNode, WorkflowNode } from "./types";
import { useDesignerT } from "./i18n";

export const IssuesContext = createContext<Map<string, DesignerIssue[]>>(new Map());

function Shell({ id, kind, title, selected, children, handles }: { id: string; kind: string; title: string; selected?: boolean; children: ReactNode; handles: ReactNode }) {
  const issues = useContext(IssuesContext).get(id);
  const t = useDesignerT();
  return (
    <div className={`dz-node dz-${kind}${selected ? " selected" : ""}${issues ? " invalid" : ""}`} data-testid={`node-${kind}`} aria-invalid={issues ? true : undefined}>
      <div className="dz-node-head">
        <span className="dz-kind">{title}</span>
        {issues ? (
          <span className="dz-errcount" title={issues.map((i) => `${i.field || t("issues.node")} ${i.message}`).join("\n")}>
            {issues.length} ⚠
          </span>
        ) : null}
      </div>
      {children}
      {issues ? (
        <div className="dz-node-err">
          {issues[0].field ? <code>{issues[0].field}</code> : null} {issues[0].message}
        </div>
      ) : null}
      {handles}
    </div>
  );
}

const text = (v: unknown, fallback = "—") => (typeof v === "string" && v.trim() ? v : typeof v === "number" || typeof v === "boolean" ? String(v) : fallback);

const rootHandles = <Handle type="source" position={Position.Right} id="first" />;
const parentHandles = (
  <>
    <Handle type="target" position={Position.Left} id="in" />
    <Handle type="source" position={Position.Right} id="next" />
    <Handle type="source" position={Position.Bottom} id="first" />
  </>
);
const refHandles = (
  <>
    <Handle type="target" position={Position.Left} id="in" />
    <Handle type="source" position={Position.Right} id="next" />
  </>
);
const childHandles = (
  <>
    <Handle type="target" position={Position.Top} id="in" />
    <Handle type="source" position={Position.Bottom} id="next" />
  </>
);

const WorkflowNodeView = memo(function WorkflowNodeView({ id, data, selected }: NodeProps<WorkflowNode>) {
  const t = useDesignerT();
  return (
    <Shell id={id} kind="workflow" title={t("kind.workflow")} selected={selected} handles={rootHandles}>
      <div className="dz-name">{text(data.name)}</div>
      <div className="dz-meta">fail_fast: {text(data.fail_fast)}</div>
    </Shell>
  );
});

export function policyLabel(p: unknown): string {
  if (typeof p === "string") return p;
  if (p && typeof p === "object" && "whole_resource" in p) return "whole_resource";
  return "—";
}

const BlockNodeView = memo(function BlockNodeView({ id, data, selected }: NodeProps<BlockNode>) {
  const t = useDesignerT();
  return (
    <Shell id={id} kind="block" title={t("kind.block")} selected={selected} handles={parentHandles}>
      <div className="dz-name">{text(data.name)}</div>
      <div className="dz-meta">
        {t("field.rollback_policy")}: {policyLabel(data.rollback_policy)} · fail_fast: {text(data.fail_fast)}
      </div>
    </Shell>
  );
});

const BlockRefNodeView = memo(function BlockRefNodeView({ id, data, selected }: NodeProps<BlockRefNode>) {
  const t = useDesignerT();
  return (
    <Shell id={id} kind="blockRef" title={t("kind.blockRef")} selected={selected} handles={refHandles}>
      <div className="dz-name">{text(data.tx_block_template_name, data.tx_block_template_content ? t("field.inlineContent") : "—")}</div>
      <div className="dz-meta">{text(data.name, "")}</div>
    </Shell>
  );
});

function opLabel(op: unknown): string {
  if (!op || typeof op !== "object") return "—";
  const o = op as Record<string, unknown>;
  if (o.kind === "flow") return `flow (${Array.isArray(o.steps) ? o.steps.length : 0})`;
  return `${text(o.mode, "?")}# ${text(o.command, "…")}`;
}

const StepNodeView = memo(function StepNodeView({ id, data, selected }: NodeProps<StepNode>) {
  const t = useDesignerT();
  return (
    <Shell id={id} kind="step" title={t("kind.step")} selected={selected} handles={childHandles}>
      <div className="dz-cmd">{opLabel(data.run)}</div>
      {data.rollback ? <div className="dz-meta">↶ {opLabel(data.rollback)}</div> : null}
    </Shell>
  );
});

const PlanNodeView = memo(function PlanNodeView({ id, data, selected }: NodeProps<PlanNode>) {
  const t = useDesignerT();
  return (
    <Shell id={id} kind="plan" title={t("kind.plan")} selected={selected} handles={rootHandles}>
      <div className="dz-name">{text(data.name)}</div>
      <div className="dz-meta">fail_fast: {text(data.fail_fast, "true")}</div>
    </Shell>
  );
});

const StageNodeView = memo(function StageNodeView({ id, data, selected }: NodeProps<StageNode>) {
  const t = useDesignerT();
  return (
    <Shell id={id} kind="stage" title={t("kind.stage")} selected={selected} handles={parentHandles}>
      <div className="dz-name">{text(data.name)}</div>
      <div className="dz-meta">
        {text(data.strategy)}
        {data.max_parallel != null ? ` ×${data.max_parallel}` : ""}
      </div>
    </Shell>
  );
});

function listLabel(v: unknown) {
  return Array.isArray(v) ? v.join(", ") : typeof v === "string" ? v : "";
}

const JobNodeView = memo(function JobNodeView({ id, data, selected }: NodeProps<JobNode>) {
  const t = useDesignerT();
  const targets = [listLabel(data.targets), listLabel(data.target_groups) && `@${listLabel(data.target_groups)}`, listLabel(data.target_tags) && `#${listLabel(data.target_tags)}`].filter(Boolean).join(" ");
  return (
    <Shell id={id} kind="job" title={t("kind.job")} selected={selected} handles={childHandles}>
      <div className="dz-name">
        {text(data.name)} <span className="dz-meta">{text(data.strategy)}</span>
      </div>
      <div className="dz-meta">→ {data.action?.workflow ? t("field.inlineWorkflow") : text(data.action?.workflow_template_name)}</div>
      <div className="dz-meta dz-targets">{targets || "—"}</div>
    </Shell>
  );
});

export const nodeTypes: NodeTypes = {
  workflow: WorkflowNodeView,
  block: BlockNodeView,
  blockRef: BlockRefNodeView,
  step: StepNodeView,
  plan: PlanNodeView,
  stage: StageNodeView,
  job: JobNodeView,
};

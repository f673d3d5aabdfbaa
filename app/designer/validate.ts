// Validation with the server's own schemas (server/domain/plans.ts, the same
// ones tasks.create uses), with each issue pinned on the node it is about.
import { validatePlan, type PlanIssue } from "../../server/domain/plans";
import { graphToPlan } from "./plan-graph";
import type { DesignerGraph } from "./types";

export interface DesignerIssue {
  /** the node the issue is about; null for the document as a whole */
  nodeId: string | null;
  /** full path in the plan ("blocks.0.steps.1.run.command") */
  path: string;
  /** path inside the node ("run.command"), "" for the node itself */
  field: string;
  message: string;
}

export interface GraphCheck {
  plan: Record<string, unknown>;
  issues: DesignerIssue[];
  byNode: Map<string, DesignerIssue[]>;
}

/** Pins a plan issue on the deepest node whose path is a prefix of the issue's path. */
export function pinIssues(issues: PlanIssue[], nodeAt: Map<string, string>): DesignerIssue[] {
  return issues.map((issue) => {
    const parts = issue.path === "" ? [] : issue.path.split(".");
    for (let i = parts.length; i >= 0; i--) {
      const prefix = parts.slice(0, i).join(".");
      const nodeId = nodeAt.get(prefix);
      if (nodeId !== undefined) return { nodeId, path: issue.path, field: parts.slice(i).join("."), message: issue.message };
    }
    return { nodeId: null, path: issue.path, field: issue.path, message: issue.message };
  });
}

const hasText = (v: unknown) => typeof v === "string" && v.trim() !== "";
const pathOf = (nodeAt: Map<string, string>, id: string) => [...nodeAt].find(([, v]) => v === id)?.[0] ?? "";

export function checkGraph(graph: DesignerGraph): GraphCheck {
  const { plan, nodeAt, detached } = graphToPlan(graph);
  const res = validatePlan(graph.kind, plan);
  let issues = res.ok ? [] : pinIssues(res.errors, nodeAt);
  // a template block without a template is read by the agent as an inline
  // block; say what is missing instead of listing an inline block's fields
  const emptyRefs = new Set(
    graph.nodes
      .filter((n) => n.type === "blockRef" && !hasText(n.data.tx_block_template_name) && !hasText(n.data.tx_block_template_content))
      .map((n) => n.id),
  );
  if (emptyRefs.size) {
    issues = issues.filter((i) => !(i.nodeId && emptyRefs.has(i.nodeId)));
    for (const id of emptyRefs)
      if (!detached.includes(id)) issues.push({ nodeId: id, path: pathOf(nodeAt, id), field: "tx_block_template_name", message: "choose a tx-block template (or give tx_block_template_content)" });
  }
  for (const id of detached)
    issues.push({
      nodeId: id,
      path: "",
      field: "",
      message: "is not connected, so it is not part of the plan: drag from a handle of the node it belongs after, or delete it",
    });
  const byNode = new Map<string, DesignerIssue[]>();
  for (const issue of issues) {
    if (issue.nodeId === null) continue;
    const list = byNode.get(issue.nodeId) ?? [];
    list.push(issue);
    byNode.set(issue.nodeId, list);
  }
  return { plan, issues, byNode };
}

/** "blocks.0.steps.1.run.command" → "Block 1 › Step 2 › run.command" */
export function describePath(path: string): string {
  const parts = path === "" ? [] : path.split(".");
  const out: string[] = [];
  const names: Record<string, string> = { blocks: "Block", steps: "Step", stages: "Stage", jobs: "Job" };
  for (let i = 0; i < parts.length; i++) {
    const label = names[parts[i]];
    if (label && /^\d+$/.test(parts[i + 1] ?? "")) {
      out.push(`${label} ${Number(parts[i + 1]) + 1}`);
      i++;
    } else {
      out.push(parts.slice(i).join("."));
      break;
    }
  }
  return out.join(" › ") || "plan";
}

/** Where an issue is, by node: "Block 1 › Step 2" (the field is shown apart). */
export function issuePlace(issue: DesignerIssue): string {
  const nodePath = issue.field ? issue.path.slice(0, issue.path.length - issue.field.length).replace(/\.$/, "") : issue.path;
  return describePath(nodePath);
}

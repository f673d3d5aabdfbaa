// The designer document kept in drafts: the graph itself (positions included)
// plus the exported plan. Checked with zod on load; when the graph does not
// check out, the plan is drawn instead.
import { z } from "zod";
import { planToGraph } from "./plan-graph";
import { layoutGraph } from "./layout";
import type { DesignerGraph, DesignerKind, DesignerNode, DesignerEdge } from "./types";

export const DRAFT_FORMAT = "switchyard.designer/1";

const NodeSchema = z.object({
  id: z.string().min(1),
  type: z.enum(["workflow", "block", "blockRef", "step", "plan", "stage", "job"]),
  position: z.object({ x: z.number(), y: z.number() }),
  data: z.looseObject({ extra: z.record(z.string(), z.unknown()) }),
});
const EdgeSchema = z.object({ id: z.string(), type: z.enum(["first", "next"]), source: z.string(), target: z.string() });

export const DraftDocumentSchema = z.object({
  format: z.literal(DRAFT_FORMAT),
  kind: z.enum(["tx_workflow", "orchestrate"]),
  plan: z.unknown(),
  graph: z.object({ nodes: z.array(NodeSchema), edges: z.array(EdgeSchema) }).optional(),
});

export function toDraftDocument(graph: DesignerGraph, plan: unknown) {
  return {
    format: DRAFT_FORMAT,
    kind: graph.kind,
    plan,
    graph: {
      nodes: graph.nodes.map(({ id, type, position, data }) => ({ id, type, position, data })),
      edges: graph.edges.map(({ id, type, source, target }) => ({ id, type, source, target })),
    },
  };
}

/** The graph a draft holds, or an error message saying why it cannot be opened. */
export function fromDraftDocument(doc: unknown): { graph: DesignerGraph } | { error: string } {
  const parsed = DraftDocumentSchema.safeParse(doc);
  if (!parsed.success) return { error: `This draft is not a designer document (${parsed.error.issues[0]?.path.join(".") || "document"}: ${parsed.error.issues[0]?.message}).` };
  const { kind, graph, plan } = parsed.data;
  const rootType = kind === "tx_workflow" ? "workflow" : "plan";
  if (graph && graph.nodes.filter((n) => n.type === rootType).length === 1) {
    return {
      graph: {
        kind: kind as DesignerKind,
        nodes: graph.nodes as DesignerNode[],
        edges: graph.edges.map((e) => ({ ...e, sourceHandle: e.type, targetHandle: "in" })) as DesignerEdge[],
      },
    };
  }
  try {
    return { graph: layoutGraph(planToGraph(kind, plan)) };
  } catch (err) {
    return { error: (err as Error).message };
  }
}

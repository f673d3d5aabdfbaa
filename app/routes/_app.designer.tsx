// The visual designer for tx_workflow and orchestrate plans. Its code (React
// Flow included) loads with this route only.
import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import xyflowStyles from "@xyflow/react/dist/style.css";
import { useEffect, useMemo, useState } from "react";
import { Designer } from "../designer/designer";
import designerStyles from "../designer/designer.css";
import { fromDraftDocument } from "../designer/draft";
import { emptyGraph } from "../designer/edit-ops";
import { parseImport } from "../designer/dialogs";
import type { DesignerKind } from "../designer/types";
import { formError } from "../lib/errors";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: xyflowStyles },
  { rel: "stylesheet", href: designerStyles },
];

export const meta: MetaFunction = () => [{ title: "Designer · Switchyard" }];

type Source =
  | { from: "new"; kind: DesignerKind }
  | { from: "draft"; id: string; document: unknown }
  | { from: "template"; id: string; name: string; version: number; kind: DesignerKind; content: string }
  | { from: "error"; kind: DesignerKind; message: string };

export async function loader({ context, request }: LoaderFunctionArgs) {
  const params = new URL(request.url).searchParams;
  const agents = await context.trpc.agents.list({ limit: 200 });
  const kind: DesignerKind = params.get("kind") === "orchestrate" ? "orchestrate" : "tx_workflow";
  let source: Source = { from: "new", kind };
  try {
    const draft = params.get("draft");
    const template = params.get("template");
    if (draft) {
      const d = await context.trpc.templates.draft({ id: draft });
      source = { from: "draft", id: d.id, document: d.document };
    } else if (template) {
      const t = await context.trpc.templates.get({ id: template });
      if (t.kind !== "tx_workflow" && t.kind !== "orchestration") throw new Error(`Template ${t.name} is a ${t.kind} template; the designer opens tx_workflow and orchestration templates.`);
      source = { from: "template", id: t.id, name: t.name, version: t.version, kind: t.kind === "orchestration" ? "orchestrate" : "tx_workflow", content: t.content };
    }
  } catch (err) {
    source = { from: "error", kind, message: formError(err).message };
  }
  return {
    agents: agents.items.map((a) => ({ id: a.id, name: a.name, status: a.status })),
    source,
    key: request.url,
  };
}

/**
 * Opening another document or the task page is a full page load: every
 * document starts with a fresh editor, and (at the time of writing) client-side
 * navigations in this app fetch the next route's data but never commit.
 */
function go(url: string) {
  window.location.assign(url);
}

export default function DesignerRoute() {
  const { agents, source, key } = useLoaderData<typeof loader>();
  // React Flow measures the DOM: the editor renders in the browser only
  const [mounted, setMounted] = useState(false);
  useEffect(() => setMounted(true), []);
  const opened = useMemo(() => {
    if (source.from === "draft") {
      const r = fromDraftDocument(source.document);
      return "graph" in r ? { graph: r.graph, error: null } : { graph: emptyGraph("tx_workflow"), error: r.error };
    }
    if (source.from === "template") {
      const r = parseImport(source.content, source.kind);
      return "graph" in r ? { graph: r.graph, error: null } : { graph: emptyGraph(source.kind), error: r.error };
    }
    return { graph: emptyGraph(source.kind), error: source.from === "error" ? source.message : null };
    // a new document for every navigation, even to the same URL
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);
  return (
    <>
      {opened.error ? (
        <div className="alert" role="alert">
          {opened.error}
        </div>
      ) : null}
      {mounted ? (
        <Designer
          key={key}
          initial={opened.graph}
          agents={agents}
          draftId={source.from === "draft" ? source.id : null}
          template={source.from === "template" ? { id: source.id, name: source.name, version: source.version } : null}
          onOpen={(to) => go("draft" in to ? `/designer?draft=${to.draft}` : "template" in to ? `/designer?template=${to.template}` : `/designer?kind=${to.kind}`)}
          onDispatched={(id) => go(`/tasks/${id}`)}
        />
      ) : (
        <p className="hint">…</p>
      )}
    </>
  );
}

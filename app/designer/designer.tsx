// The designer: canvas, palette, inspector, issue list and toolbar for one
// document. Everything that changes the document goes through the store.
import { Background, Controls, MiniMap, ReactFlow, ReactFlowProvider, useReactFlow, type Connection, type IsValidConnection } from "@xyflow/react";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { trpc } from "../lib/trpc.client";
import { AgentDataContext, useLoadAgentData, type AgentSummary } from "./agent-data";
import { ExportDialog, ImportDialog, OpenDialog, SaveTemplateDialog, type TemplateRef } from "./dialogs";
import { DispatchDialog } from "./dispatch-dialog";
import { toDraftDocument } from "./draft";
import { useDesignerT } from "./i18n";
import { Inspector } from "./inspector";
import { IssuesContext, nodeTypes } from "./nodes";
import { createDesignerStore, StoreContext, useDesigner, type DesignerStore } from "./store";
import type { DesignerGraph, DesignerKind, NodeKind } from "./types";
import { checkGraph, issuePlace } from "./validate";

const PALETTE: Record<DesignerKind, Array<Exclude<NodeKind, "workflow" | "plan">>> = {
  tx_workflow: ["block", "blockRef", "step"],
  orchestrate: ["stage", "job"],
};
const AUTOSAVE_MS = 1000;

export interface DesignerProps {
  initial: DesignerGraph;
  agents: AgentSummary[];
  draftId: string | null;
  template: TemplateRef | null;
  onOpen: (target: { draft: string } | { template: string } | { kind: DesignerKind }) => void;
  onDispatched: (taskId: string) => void;
}

export function Designer(props: DesignerProps) {
  const [store] = useState(() => createDesignerStore(props.initial));
  return (
    <StoreContext.Provider value={store}>
      <ReactFlowProvider>
        <Editor {...props} store={store} />
      </ReactFlowProvider>
    </StoreContext.Provider>
  );
}

type DialogName = "import" | "export" | "save" | "open" | "dispatch" | null;

function isTyping(target: EventTarget | null) {
  const el = target as HTMLElement | null;
  return !!el && (el.tagName === "INPUT" || el.tagName === "TEXTAREA" || el.tagName === "SELECT" || el.isContentEditable);
}

function Editor({ store, agents, draftId: initialDraft, template: initialTemplate, onOpen, onDispatched }: DesignerProps & { store: DesignerStore }) {
  const t = useDesignerT();
  const flow = useReactFlow();
  const kind = useDesigner((s) => s.kind);
  const nodes = useDesigner((s) => s.nodes);
  const edges = useDesigner((s) => s.edges);
  const docRev = useDesigner((s) => s.docRev);
  const canUndo = useDesigner((s) => s.canUndo);
  const canRedo = useDesigner((s) => s.canRedo);
  const [dialog, setDialog] = useState<DialogName>(null);
  const [agentId, setAgentId] = useState<string | null>(agents.find((a) => a.status === "online")?.id ?? agents[0]?.id ?? null);
  const agentData = useLoadAgentData(agentId);
  const [draftId, setDraftId] = useState(initialDraft);
  const [template, setTemplate] = useState(initialTemplate);
  const [saveState, setSaveState] = useState<{ at?: Date; error?: string; saving?: boolean }>({});

  // validation runs when the document changes, not on every drag frame
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const check = useMemo(() => checkGraph(store.getState()), [docRev, store]);
  const valid = check.issues.length === 0;
  const selected = nodes.filter((n) => n.selected);
  const one = selected.length === 1 ? selected[0] : null;
  const planName = typeof check.plan.name === "string" && check.plan.name.trim() ? check.plan.name : "untitled";

  // ------------------------------------------------------------ autosave
  const saving = useRef<Promise<unknown> | null>(null);
  const draftRef = useRef(draftId);
  const savedRev = useRef(0);
  const saveNow = useCallback(async () => {
    await saving.current;
    const s = store.getState();
    if (s.docRev === savedRev.current) return;
    savedRev.current = s.docRev;
    const plan = checkGraph(s).plan;
    const name = typeof plan.name === "string" && plan.name.trim() ? plan.name : "untitled";
    setSaveState((x) => ({ ...x, saving: true }));
    const p = trpc()
      .templates.saveDraft.mutate({ id: draftRef.current ?? undefined, kind: s.kind, name, document: toDraftDocument(s, plan) })
      .then(
        ({ id }) => {
          if (!draftRef.current) {
            draftRef.current = id;
            setDraftId(id);
            // a reload reopens this draft
            const url = new URL(window.location.href);
            url.search = `?draft=${id}`;
            window.history.replaceState(window.history.state, "", url);
          }
          setSaveState({ at: new Date() });
        },
        (err: Error) => {
          savedRev.current = -1;
          setSaveState({ error: err.message });
        },
      );
    saving.current = p;
    await p;
  }, [store]);
  useEffect(() => {
    if (docRev === 0) return;
    const timer = setTimeout(saveNow, AUTOSAVE_MS);
    return () => clearTimeout(timer);
  }, [docRev, saveNow]);
  const leave = (then: () => void) => void saveNow().finally(then);

  // ------------------------------------------------------------ keyboard
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (dialog || isTyping(e.target)) return;
      const mod = e.ctrlKey || e.metaKey;
      const key = e.key.toLowerCase();
      if (mod && key === "z") store[e.shiftKey ? "redo" : "undo"]();
      else if (mod && key === "y") store.redo();
      else if (mod && key === "c") store.copy();
      else if (mod && key === "v") store.paste();
      else if (mod && key === "d") store.duplicate();
      else if (mod && key === "g") store.group();
      else if (!mod && (e.key === "Delete" || e.key === "Backspace")) store.deleteSelected();
      else return;
      e.preventDefault();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [store, dialog]);

  const fit = useCallback(() => requestAnimationFrame(() => flow.fitView({ padding: 0.15, duration: 200 })), [flow]);
  const jumpTo = (nodeId: string | null) => {
    if (!nodeId) return;
    store.selectOnly(nodeId);
    const n = store.getState().nodes.find((x) => x.id === nodeId);
    if (n) flow.setCenter(n.position.x + 120, n.position.y + 40, { zoom: Math.max(flow.getZoom(), 1), duration: 250 });
  };
  const onConnect = useCallback((c: Connection) => store.connect(c.source, c.sourceHandle, c.target), [store]);
  const isValidConnection: IsValidConnection = useCallback((c) => store.canConnect(c.source, c.sourceHandle, c.target), [store]);
  const blockedReason = valid ? null : t("dispatch.blocked", { n: check.issues.length, first: `${issuePlace(check.issues[0])}: ${check.issues[0].field ? `${check.issues[0].field} ` : ""}${check.issues[0].message}` });

  return (
    <AgentDataContext.Provider value={agentData}>
      <IssuesContext.Provider value={check.byNode}>
        <div className="dz-root">
          <div className="dz-toolbar" role="toolbar" aria-label={t("toolbar.label")}>
            <strong className="dz-title">{t(kind === "tx_workflow" ? "kind.tx_workflow" : "kind.orchestrate")}</strong>
            <button type="button" onClick={() => setDialog("open")}>{t("toolbar.open")}</button>
            <button type="button" onClick={() => setDialog("import")}>{t("toolbar.import")}</button>
            <button type="button" onClick={() => setDialog("export")}>{t("toolbar.export")}</button>
            <button type="button" onClick={() => setDialog("save")}>{t("toolbar.saveTemplate")}</button>
            <span className="dz-sep" />
            <button type="button" onClick={() => store.undo()} disabled={!canUndo} title="Ctrl/⌘-Z">{t("toolbar.undo")}</button>
            <button type="button" onClick={() => store.redo()} disabled={!canRedo} title="Shift-Ctrl/⌘-Z">{t("toolbar.redo")}</button>
            <button type="button" onClick={() => { store.layout(); fit(); }}>{t("toolbar.layout")}</button>
            <button type="button" onClick={fit}>{t("toolbar.fit")}</button>
            <span className="dz-sep" />
            <span className="dz-save hint" aria-live="polite">
              {saveState.error ? t("draft.error", { message: saveState.error }) : saveState.at ? t("draft.saved", { time: saveState.at.toLocaleTimeString() }) : draftId ? t("draft.opened") : t("draft.unsaved")}
            </span>
            <span className="dz-grow" />
            <button type="button" className="primary" onClick={() => setDialog("dispatch")} disabled={!valid} aria-describedby="dz-blocked">
              {t("toolbar.dispatch")}
            </button>
          </div>
          {blockedReason ? (
            <div id="dz-blocked" className="dz-blocked" role="status">
              {blockedReason}
            </div>
          ) : null}
          <div className="dz-body">
            <aside className="dz-palette" aria-label={t("palette.label")}>
              <h2>{t("palette.add")}</h2>
              {PALETTE[kind].map((type) => (
                <button key={type} type="button" onClick={() => store.add(type)} title={t(`palette.hint.${type}`)}>
                  + {t(`kind.${type}`)}
                </button>
              ))}
              <h2>{t("palette.selection")}</h2>
              <button type="button" onClick={() => store.duplicate()} disabled={!selected.length} title="Ctrl/⌘-D">{t("palette.duplicate")}</button>
              <button type="button" onClick={() => store.group()} disabled={!selected.some((n) => n.type === "step" || n.type === "job")} title="Ctrl/⌘-G">
                {t(kind === "tx_workflow" ? "palette.groupBlock" : "palette.groupStage")}
              </button>
              <button type="button" onClick={() => store.copy()} disabled={!selected.length} title="Ctrl/⌘-C">{t("palette.copy")}</button>
              <button type="button" onClick={() => store.paste()} title="Ctrl/⌘-V">{t("palette.paste")}</button>
              <button type="button" onClick={() => store.deleteSelected()} disabled={!selected.length} title="Delete">{t("palette.delete")}</button>
              <h2>{t("palette.agent")}</h2>
              <label htmlFor="dz-agent" className="hint">{t("palette.agentHint")}</label>
              <select id="dz-agent" value={agentId ?? ""} onChange={(e) => setAgentId(e.target.value || null)}>
                {agents.length === 0 ? <option value="">{t("palette.noAgents")}</option> : null}
                {agents.map((a) => (
                  <option key={a.id} value={a.id}>
                    {a.name} ({a.status})
                  </option>
                ))}
              </select>
              {agentData.error ? <div className="field-error">{agentData.error}</div> : null}
              {agentData.agentId ? <div className="hint">{t("palette.agentLoaded", { connections: agentData.connections.length, templates: agentData.txWorkflowTemplates.length + agentData.txBlockTemplates.length })}</div> : null}
            </aside>
            <div className="dz-canvas" data-testid="canvas">
              <ReactFlow
                nodes={nodes}
                edges={edges}
                nodeTypes={nodeTypes}
                onNodesChange={store.onNodesChange}
                onNodeDragStart={() => store.beginDrag()}
                onSelectionDragStart={() => store.beginDrag()}
                onNodeDragStop={(_e, _n, dragged) => store.endDrag(dragged.map((n) => n.id))}
                onSelectionDragStop={(_e, dragged) => store.endDrag(dragged.map((n) => n.id))}
                onConnect={onConnect}
                isValidConnection={isValidConnection}
                deleteKeyCode={null}
                selectionKeyCode="Shift"
                multiSelectionKeyCode={["Meta", "Control"]}
                fitView
                minZoom={0.1}
                onlyRenderVisibleElements
                proOptions={{ hideAttribution: true }}
              >
                <Background gap={16} />
                <MiniMap pannable zoomable ariaLabel={t("canvas.minimap")} />
                <Controls showInteractive={false} />
              </ReactFlow>
            </div>
            <aside className="dz-side">
              <section className="dz-panel" aria-label={t("inspector.label")}>
                <Inspector node={one} issues={one ? (check.byNode.get(one.id) ?? []) : []} />
                {selected.length > 1 ? <p className="hint">{t("inspector.many", { n: selected.length })}</p> : null}
              </section>
              <section className="dz-panel dz-issues" aria-label={t("issues.label")}>
                <h2>{valid ? t("issues.none") : t("issues.title", { n: check.issues.length })}</h2>
                <ul>
                  {check.issues.map((i, k) => (
                    <li key={k}>
                      <button type="button" className="link" onClick={() => jumpTo(i.nodeId)}>
                        {issuePlace(i)}
                      </button>{" "}
                      {i.field ? <code>{i.field}</code> : null} {i.message}
                    </li>
                  ))}
                </ul>
              </section>
            </aside>
          </div>
          {dialog === "import" ? <ImportDialog kind={kind} onClose={() => setDialog(null)} onLoad={(g) => { store.load(g); setDialog(null); setTemplate(null); fit(); }} /> : null}
          {dialog === "export" ? <ExportDialog plan={check.plan} name={planName} issues={check.issues.length} onClose={() => setDialog(null)} /> : null}
          {dialog === "save" ? <SaveTemplateDialog kind={kind} plan={check.plan} name={planName} valid={valid} template={template} onSaved={setTemplate} onClose={() => setDialog(null)} /> : null}
          {dialog === "open" ? <OpenDialog kind={kind} onClose={() => setDialog(null)} onOpen={(to) => leave(() => onOpen(to))} /> : null}
          {dialog === "dispatch" ? <DispatchDialog kind={kind} plan={check.plan} name={planName} agents={agents} onClose={() => setDialog(null)} onDispatched={(id) => leave(() => onDispatched(id))} /> : null}
        </div>
      </IssuesContext.Provider>
    </AgentDataContext.Provider>
  );
}

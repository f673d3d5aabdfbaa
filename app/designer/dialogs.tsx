// Import / export, template store and open dialogs (and the modal they share).
import { useEffect, useRef, useState, type ReactNode } from "react";
import { validatePlan } from "../../server/domain/plans";
import { trpc } from "../lib/trpc.client";
import { useDesignerT } from "./i18n";
import { layoutGraph } from "./layout";
import { detectKind, planToGraph } from "./plan-graph";
import type { DesignerGraph, DesignerKind } from "./types";
import { describePath } from "./validate";

export interface TemplateRef {
  id: string;
  name: string;
  version: number;
}

export function Modal({ title, onClose, children, wide }: { title: string; onClose: () => void; children: ReactNode; wide?: boolean }) {
  const t = useDesignerT();
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (d && !d.open) d.showModal();
  }, []);
  return (
    <dialog ref={ref} aria-label={title} className={wide ? "dz-dialog wide" : "dz-dialog"} onClose={onClose} onCancel={onClose}>
      <div className="row" style={{ justifyContent: "space-between" }}>
        <h2>{title}</h2>
        <button type="button" onClick={onClose}>
          {t("dialog.close")}
        </button>
      </div>
      {children}
    </dialog>
  );
}

export function errorText(err: unknown): string {
  const e = err as { message?: string; data?: { fieldErrors?: Array<{ path: string; message: string }> } };
  const fields = e?.data?.fieldErrors ?? [];
  return [e?.message ?? String(err), ...fields.map((f) => `${f.path}: ${f.message}`)].join("\n");
}

// ------------------------------------------------------------------ import

type Parsed = { graph: DesignerGraph; issues: Array<{ path: string; message: string }> } | { error: string };

/** Parses and checks imported JSON: refused when it cannot be drawn, drawn with its issues otherwise. */
export function parseImport(text: string, current: DesignerKind): Parsed {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    return { error: `Not valid JSON: ${(err as Error).message}` };
  }
  const kind = detectKind(doc);
  if (!kind) return { error: `Neither a tx_workflow (with "blocks") nor an orchestration plan (with "stages"); this designer is editing a ${current}.` };
  try {
    const graph = layoutGraph(planToGraph(kind, doc));
    const res = validatePlan(kind, doc);
    return { graph, issues: res.ok ? [] : res.errors };
  } catch (err) {
    return { error: (err as Error).message };
  }
}

export function ImportDialog({ kind, onClose, onLoad }: { kind: DesignerKind; onClose: () => void; onLoad: (g: DesignerGraph) => void }) {
  const t = useDesignerT();
  const [text, setText] = useState("");
  const [result, setResult] = useState<Parsed | null>(null);
  const check = (s: string) => {
    setText(s);
    setResult(s.trim() ? parseImport(s, kind) : null);
  };
  return (
    <Modal title={t("import.title")} onClose={onClose} wide>
      <label htmlFor="dz-import-file">{t("import.file")}</label>
      <input id="dz-import-file" type="file" accept="application/json,.json" onChange={async (e) => check(await (e.target.files?.[0]?.text() ?? Promise.resolve("")))} />
      <label htmlFor="dz-import-text">{t("import.paste")}</label>
      <textarea id="dz-import-text" rows={10} className="dz-mono" value={text} onChange={(e) => check(e.target.value)} />
      <p>
        <button type="button" onClick={async () => check(await navigator.clipboard.readText())}>
          {t("import.clipboard")}
        </button>
      </p>
      {result && "error" in result ? (
        <div className="alert" role="alert">
          {result.error}
        </div>
      ) : null}
      {result && "graph" in result ? (
        <>
          {result.issues.length ? (
            <div className="alert warn" role="alert">
              {t("import.invalid", { n: result.issues.length })}
              <ul>
                {result.issues.map((i, k) => (
                  <li key={k}>
                    <code>{i.path || "(document)"}</code> ({describePath(i.path)}): {i.message}
                  </li>
                ))}
              </ul>
            </div>
          ) : (
            <div className="alert ok">{t("import.valid", { kind: result.graph.kind, n: result.graph.nodes.length })}</div>
          )}
          <button type="button" className="primary" onClick={() => onLoad(result.graph)}>
            {result.issues.length ? t("import.loadAnyway") : t("import.load")}
          </button>
        </>
      ) : null}
    </Modal>
  );
}

// ------------------------------------------------------------------ export

export function ExportDialog({ plan, name, issues, onClose }: { plan: unknown; name: string; issues: number; onClose: () => void }) {
  const t = useDesignerT();
  const json = JSON.stringify(plan, null, 2);
  const [copied, setCopied] = useState<string | null>(null);
  const download = () => {
    const url = URL.createObjectURL(new Blob([json + "\n"], { type: "application/json" }));
    const a = document.createElement("a");
    a.href = url;
    a.download = `${name.replace(/[^\w.-]+/g, "-")}.json`;
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  };
  return (
    <Modal title={t("export.title")} onClose={onClose} wide>
      {issues ? <div className="alert warn">{t("export.invalid", { n: issues })}</div> : null}
      <pre className="dz-preview" data-testid="export-json">
        {json}
      </pre>
      <div className="row">
        <button type="button" className="primary" onClick={download}>
          {t("export.download")}
        </button>
        <button
          type="button"
          onClick={() =>
            navigator.clipboard.writeText(json).then(
              () => setCopied(t("export.copied")),
              (e: Error) => setCopied(e.message),
            )
          }
        >
          {t("export.copy")}
        </button>
        {copied ? <span className="hint">{copied}</span> : null}
      </div>
    </Modal>
  );
}

// ------------------------------------------------------------- templates

const storeKind = (k: DesignerKind) => (k === "orchestrate" ? "orchestration" : "tx_workflow");

export function SaveTemplateDialog(props: { kind: DesignerKind; plan: unknown; name: string; valid: boolean; template: TemplateRef | null; onSaved: (t: TemplateRef) => void; onClose: () => void }) {
  const t = useDesignerT();
  const [name, setName] = useState(props.template?.name ?? props.name);
  const [description, setDescription] = useState("");
  const [state, setState] = useState<{ busy?: boolean; error?: string; saved?: string }>({});
  const save = async () => {
    setState({ busy: true });
    try {
      const same = props.template && props.template.name === name.trim();
      const r = await trpc().templates.save.mutate({
        ...(same ? { id: props.template!.id, version: props.template!.version } : {}),
        kind: storeKind(props.kind),
        name: name.trim(),
        description,
        content: JSON.stringify(props.plan, null, 2),
      });
      props.onSaved({ id: r.id, name: r.name, version: r.version });
      setState({ saved: t("save.saved", { name: r.name, version: r.version }) });
    } catch (err) {
      setState({ error: errorText(err) });
    }
  };
  return (
    <Modal title={t("save.title")} onClose={props.onClose}>
      {!props.valid ? <div className="alert warn">{t("save.invalid")}</div> : null}
      <label htmlFor="dz-tpl-name">{t("save.name")}</label>
      <input id="dz-tpl-name" value={name} onChange={(e) => setName(e.target.value)} maxLength={200} />
      <div className="hint">{t("save.nameHint")}</div>
      <label htmlFor="dz-tpl-desc">{t("save.description")}</label>
      <input id="dz-tpl-desc" value={description} onChange={(e) => setDescription(e.target.value)} maxLength={2000} />
      {state.error ? (
        <div className="alert" role="alert" style={{ whiteSpace: "pre-wrap" }}>
          {state.error}
        </div>
      ) : null}
      {state.saved ? (
        <div className="alert ok" role="status">
          {state.saved}
        </div>
      ) : null}
      <p>
        <button type="button" className="primary" onClick={save} disabled={state.busy || !props.valid || !name.trim()}>
          {t("save.submit")}
        </button>
      </p>
    </Modal>
  );
}

type Row = { id: string; name: string; kind: string; updatedAt: Date };

export function OpenDialog({ onClose, onOpen }: { kind: DesignerKind; onClose: () => void; onOpen: (target: { draft: string } | { template: string } | { kind: DesignerKind }) => void }) {
  const t = useDesignerT();
  const [drafts, setDrafts] = useState<Row[] | null>(null);
  const [templates, setTemplates] = useState<Row[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    trpc().templates.drafts.query().then((d) => setDrafts(d as Row[]), (e: Error) => setError(e.message));
    Promise.all([trpc().templates.list.query({ kind: "tx_workflow", limit: 200 }), trpc().templates.list.query({ kind: "orchestration", limit: 200 })]).then(
      ([a, b]) => setTemplates([...a.items, ...b.items] as Row[]),
      (e: Error) => setError(e.message),
    );
  }, []);
  const remove = async (id: string) => {
    await trpc().templates.deleteDraft.mutate({ id });
    setDrafts((d) => d?.filter((x) => x.id !== id) ?? null);
  };
  return (
    <Modal title={t("open.title")} onClose={onClose} wide>
      <div className="row">
        <button type="button" onClick={() => onOpen({ kind: "tx_workflow" })}>{t("open.newWorkflow")}</button>
        <button type="button" onClick={() => onOpen({ kind: "orchestrate" })}>{t("open.newPlan")}</button>
      </div>
      {error ? <div className="alert">{error}</div> : null}
      <h2>{t("open.drafts")}</h2>
      {drafts === null ? <p className="hint">…</p> : drafts.length === 0 ? <p className="hint">{t("open.noDrafts")}</p> : null}
      <ul className="dz-list" aria-label={t("open.drafts")}>
        {(drafts ?? []).map((d) => (
          <li key={d.id}>
            <button type="button" className="link" onClick={() => onOpen({ draft: d.id })}>{d.name}</button> <span className="muted">{d.kind} · {new Date(d.updatedAt).toLocaleString()}</span>{" "}
            <button type="button" onClick={() => remove(d.id)} aria-label={t("open.deleteDraft", { name: d.name })}>×</button>
          </li>
        ))}
      </ul>
      <h2>{t("open.templates")}</h2>
      {templates === null ? <p className="hint">…</p> : templates.length === 0 ? <p className="hint">{t("open.noTemplates")}</p> : null}
      <ul className="dz-list" aria-label={t("open.templates")}>
        {(templates ?? []).map((d) => (
          <li key={d.id}>
            <button type="button" className="link" onClick={() => onOpen({ template: d.id })}>{d.name}</button> <span className="muted">{d.kind}</span>
          </li>
        ))}
      </ul>
    </Modal>
  );
}

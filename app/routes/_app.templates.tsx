import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams, useSubmit } from "@remix-run/react";
import { useRef, useState } from "react";
import { ConfirmButton } from "../components/confirm";
import { Filters, SelectFilter, TextFilter } from "../components/filters";
import { ListPage } from "../components/list-page";
import { formError } from "../lib/errors";
import { usePrefs, useT } from "../lib/prefs";
import { trpc } from "../lib/trpc.client";
import { useQuery } from "../lib/use-query";

const KINDS = ["command", "tx_block", "tx_workflow", "orchestration"] as const;
type Kind = (typeof KINDS)[number];

export async function loader({ context, request }: LoaderFunctionArgs) {
  const q = new URL(request.url).searchParams;
  const id = q.get("id");
  const [page, agents, current] = await Promise.all([
    context.trpc.templates.list({ cursor: q.get("cursor") ?? undefined, limit: 50, kind: KINDS.find((k) => k === q.get("kind")), search: q.get("q") || undefined }),
    context.trpc.agents.list({ limit: 200, status: "online" }),
    id && /^[0-9a-f-]{36}$/i.test(id) ? context.trpc.templates.get({ id }).catch(() => null) : Promise.resolve(null),
  ]);
  return { page, agents: agents.items.map((a) => ({ id: a.id, name: a.name })), current };
}

export async function action({ context, request }: ActionFunctionArgs) {
  const f = await request.formData();
  const intent = String(f.get("intent"));
  try {
    if (intent === "save") {
      const id = String(f.get("id") ?? "") || undefined;
      const saved = await context.trpc.templates.save({
        id,
        kind: String(f.get("kind")) as Kind,
        name: String(f.get("name") ?? ""),
        description: String(f.get("description") ?? ""),
        content: String(f.get("content") ?? ""),
        version: f.get("version") ? Number(f.get("version")) : undefined,
      });
      return { ok: "saved" as const, id: saved.id, error: null, push: null, pullConflict: null };
    }
    if (intent === "delete") {
      await context.trpc.templates.delete({ id: String(f.get("id")) });
      return { ok: "deleted" as const, id: null, error: null, push: null, pullConflict: null };
    }
    if (intent === "push") {
      const res = await context.trpc.templates.push({ id: String(f.get("id")), agentIds: f.getAll("agentId").map(String) });
      return { ok: "pushed" as const, id: null, error: null, push: res.results, pullConflict: null };
    }
    if (intent === "pull") {
      const pull = { agentId: String(f.get("agentId")), kind: String(f.get("kind")) as Kind, name: String(f.get("name")) };
      try {
        const t = await context.trpc.templates.pull({ ...pull, version: f.get("version") ? Number(f.get("version")) : undefined });
        return { ok: "pulled" as const, id: t.id, error: null, push: null, pullConflict: null };
      } catch (err) {
        // the store has different content under that name: offer to replace exactly the version the operator saw
        const version = (err as { code?: string; cause?: { details?: { version?: unknown } } }).cause?.details?.version;
        if ((err as { code?: string }).code === "CONFLICT" && typeof version === "number") {
          return { ok: null, id: null, error: formError(err), push: null, pullConflict: { ...pull, version } };
        }
        throw err;
      }
    }
    return { ok: null, id: null, error: null, push: null, pullConflict: null };
  } catch (err) {
    return { ok: null, id: null, error: formError(err), push: null, pullConflict: null };
  }
}

export default function Templates() {
  const { page, agents, current } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const t = useT();
  const { locale } = usePrefs();
  const [params, setParams] = useSearchParams();
  const editing = current ?? (params.get("new") ? { id: "", kind: (KINDS.find((k) => k === params.get("new")) ?? "command") as Kind, name: "", description: "", content: "", version: 0 } : null);
  const fmt = new Intl.DateTimeFormat(locale, { dateStyle: "short", timeStyle: "short" });
  const open = (p: Record<string, string>) => {
    const next = new URLSearchParams(params);
    next.delete("id");
    next.delete("new");
    for (const [k, v] of Object.entries(p)) next.set(k, v);
    setParams(next);
  };
  return (
    <>
      <ListPage
        title={t("templates.title")}
        empty={params.get("q") || params.get("kind") ? t("common.noMatch") : t("templates.empty")}
        items={page.items}
        nextCursor={page.nextCursor}
        rowKey={(r) => r.id}
        actions={
          <div className="row">
            <PullFromAgent agents={agents} />
            <button type="button" className="primary" onClick={() => open({ new: params.get("kind") || "command" })}>
              {t("templates.new")}
            </button>
          </div>
        }
        filters={
          <Filters label={t("templates.filter")}>
            <TextFilter name="q" label={t("templates.search")} />
            <SelectFilter name="kind" label={t("templates.kind")} any={t("filters.anyKind")} options={KINDS.map((k) => [k, k])} />
          </Filters>
        }
        columns={[
          { header: t("agents.col.name"), cell: (r) => <Link to={`?id=${r.id}`}>{r.name}</Link> },
          { header: t("templates.kind"), cell: (r) => <code>{r.kind}</code> },
          { header: t("templates.version"), cell: (r) => r.version },
          { header: t("templates.source"), cell: (r) => r.sourceAgent ?? "—" },
          { header: t("templates.updated"), cell: (r) => <span suppressHydrationWarning>{fmt.format(new Date(r.updatedAt))}</span> },
        ]}
      />
      {data?.ok ? (
        <div className="alert ok" role="status">
          {t(`templates.${data.ok}`)}
          {data.push ? (
            <ul>
              {data.push.map((p) => (
                <li key={p.agentId}>
                  {agents.find((a) => a.id === p.agentId)?.name ?? p.agentId}: {p.ok ? p.action : p.error}
                </li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}
      {data?.error && (!editing || data.pullConflict) ? (
        <div className="alert" role="alert">
          {data.error.message}
          {data.pullConflict ? (
            <Form method="post" style={{ marginTop: ".5rem" }}>
              <input type="hidden" name="intent" value="pull" />
              <input type="hidden" name="agentId" value={data.pullConflict.agentId} />
              <input type="hidden" name="kind" value={data.pullConflict.kind} />
              <input type="hidden" name="name" value={data.pullConflict.name} />
              <input type="hidden" name="version" value={data.pullConflict.version} />
              <button type="submit">{t("templates.replaceStored").replace("{version}", String(data.pullConflict.version))}</button>
            </Form>
          ) : null}
        </div>
      ) : null}
      {editing ? <Editor key={`${editing.id}-${editing.version}`} tpl={editing} agents={agents} error={data?.pullConflict ? null : (data?.error ?? null)} /> : null}
    </>
  );
}

function Editor({ tpl, agents, error }: { tpl: { id: string; kind: string; name: string; description: string | null; content: string; version: number }; agents: Array<{ id: string; name: string }>; error: ReturnType<typeof formError> | null }) {
  const t = useT();
  const busy = useNavigation().state !== "idle";
  const submit = useSubmit();
  const del = useRef<HTMLFormElement>(null);
  const [kind, setKind] = useState(tpl.kind);
  const [content, setContent] = useState(tpl.content);
  let jsonError: string | null = null;
  if (kind !== "command" && content.trim()) {
    try {
      JSON.parse(content);
    } catch (e) {
      jsonError = (e as Error).message;
    }
  }
  const fe = error?.fieldErrors ?? {};
  return (
    <section className="card" style={{ marginTop: "1rem" }} aria-labelledby="tpl-h">
      <h2 id="tpl-h">{tpl.id ? t("templates.edit").replace("{name}", tpl.name) : t("templates.new")}</h2>
      {error ? (
        <div className="alert" role="alert">
          {error.message}
        </div>
      ) : null}
      <Form method="post">
        <input type="hidden" name="intent" value="save" />
        <input type="hidden" name="id" value={tpl.id} />
        {tpl.version ? <input type="hidden" name="version" value={tpl.version} /> : null}
        <div className="row">
          <div style={{ flex: 2 }}>
            <label htmlFor="tpl-name">{t("agents.col.name")}</label>
            <input id="tpl-name" name="name" defaultValue={tpl.name} required aria-invalid={fe.name ? true : undefined} />
            {fe.name ? <div className="field-error">{fe.name}</div> : null}
          </div>
          <div style={{ flex: 1 }}>
            <label htmlFor="tpl-kind">{t("templates.kind")}</label>
            <select id="tpl-kind" name="kind" value={kind} onChange={(e) => setKind(e.target.value)} disabled={!!tpl.id}>
              {KINDS.map((k) => (
                <option key={k}>{k}</option>
              ))}
            </select>
            {tpl.id ? <input type="hidden" name="kind" value={kind} /> : null}
          </div>
        </div>
        <label htmlFor="tpl-desc">{t("templates.description")}</label>
        <input id="tpl-desc" name="description" defaultValue={tpl.description ?? ""} />
        <label htmlFor="tpl-content">{t("templates.content")}</label>
        <textarea id="tpl-content" name="content" rows={14} value={content} onChange={(e) => setContent(e.target.value)} spellCheck={false} style={{ fontFamily: "ui-monospace, monospace" }} aria-invalid={jsonError || fe.content ? true : undefined} aria-describedby="tpl-hint" />
        <div id="tpl-hint" className={jsonError ? "field-error" : "hint"}>
          {jsonError ? `${t("templates.badJson")} ${jsonError}` : kind === "command" ? t("templates.commandHint") : t("templates.jsonHint")}
        </div>
        {Object.entries(fe)
          .filter(([k]) => k.startsWith("content"))
          .map(([k, v]) => (
            <div key={k} className="field-error">
              <code>{k}</code>: {v}
            </div>
          ))}
        <div className="row" style={{ marginTop: ".75rem" }}>
          <button type="submit" className="primary" disabled={busy || !!jsonError}>
            {t("settings.save")}
          </button>
          <Link className="button" to="?">
            {t("agents.close")}
          </Link>
        </div>
      </Form>
      {tpl.id ? (
        <>
          <Form method="post" style={{ marginTop: "1rem" }}>
            <input type="hidden" name="intent" value="push" />
            <input type="hidden" name="id" value={tpl.id} />
            <fieldset>
              <legend>{t("templates.pushTo")}</legend>
              {agents.length === 0 ? <p className="muted">{t("devices.noOnlineAgent")}</p> : null}
              {agents.map((a) => (
                <label key={a.id} style={{ fontWeight: 400, display: "inline-flex", gap: ".3rem", marginRight: "1rem" }}>
                  <input type="checkbox" name="agentId" value={a.id} style={{ width: "auto" }} /> {a.name}
                </label>
              ))}
              <div>
                <button type="submit" disabled={busy || agents.length === 0}>
                  {t("templates.push")}
                </button>
              </div>
            </fieldset>
          </Form>
          <Form method="post" ref={del}>
            <input type="hidden" name="intent" value="delete" />
            <input type="hidden" name="id" value={tpl.id} />
            <ConfirmButton title={t("templates.deleteTitle").replace("{name}", tpl.name)} body={<p>{t("templates.deleteBody")}</p>} confirmLabel={t("templates.delete")} onConfirm={() => submit(del.current)}>
              {t("templates.delete")}
            </ConfirmButton>
          </Form>
        </>
      ) : null}
    </section>
  );
}

function PullFromAgent({ agents }: { agents: Array<{ id: string; name: string }> }) {
  const t = useT();
  const ref = useRef<HTMLDialogElement>(null);
  const [agentId, setAgentId] = useState(agents[0]?.id ?? "");
  const [kind, setKind] = useState<Kind>("command");
  const [shown, setShown] = useState(false);
  const list = useQuery(shown && agentId ? () => trpc().agents.templates.query({ id: agentId, kind }) : null, [shown, agentId, kind]);
  return (
    <>
      <button type="button" onClick={() => (setShown(true), ref.current?.showModal())} disabled={agents.length === 0} title={agents.length === 0 ? t("devices.noOnlineAgent") : undefined}>
        {t("templates.pull")}
      </button>
      <dialog ref={ref} aria-labelledby="pull-h" onClose={() => setShown(false)}>
        <h2 id="pull-h">{t("templates.pull")}</h2>
        <div className="row">
          <div style={{ flex: 1 }}>
            <label htmlFor="pull-agent">{t("common.agent")}</label>
            <select id="pull-agent" value={agentId} onChange={(e) => setAgentId(e.target.value)}>
              {agents.map((a) => (
                <option key={a.id} value={a.id}>
                  {a.name}
                </option>
              ))}
            </select>
          </div>
          <div style={{ flex: 1 }}>
            <label htmlFor="pull-kind">{t("templates.kind")}</label>
            <select id="pull-kind" value={kind} onChange={(e) => setKind(e.target.value as Kind)}>
              {KINDS.map((k) => (
                <option key={k}>{k}</option>
              ))}
            </select>
          </div>
        </div>
        {list.error ? <div className="alert">{t("agent.listFailed")} {list.error}</div> : null}
        {list.loading ? <p className="muted">{t("common.loading")}</p> : null}
        {list.data && (list.data as unknown[]).length === 0 ? <p className="muted">{t("agent.noTemplates")}</p> : null}
        <ul className="plain-list">
          {((list.data as Array<{ name: string }> | undefined) ?? []).map((x) => (
            <li key={x.name}>
              <Form method="post" onSubmit={() => ref.current?.close()}>
                <input type="hidden" name="intent" value="pull" />
                <input type="hidden" name="agentId" value={agentId} />
                <input type="hidden" name="kind" value={kind} />
                <input type="hidden" name="name" value={x.name} />
                <button type="submit" className="link">
                  {x.name}
                </button>
              </Form>
            </li>
          ))}
        </ul>
        <form method="dialog">
          <button type="submit">{t("agents.close")}</button>
        </form>
      </dialog>
    </>
  );
}

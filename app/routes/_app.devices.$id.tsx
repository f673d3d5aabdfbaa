import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData, useRevalidator, useSearchParams } from "@remix-run/react";
import { useState } from "react";
import { usePrefs, useT } from "../lib/prefs";
import { trpc } from "../lib/trpc.client";
import { useLiveRevalidate } from "../lib/use-live";

export async function loader({ context, params, request }: LoaderFunctionArgs) {
  const id = params.id ?? "";
  const q = new URL(request.url).searchParams;
  const [device, history, runs] = await Promise.all([
    context.trpc.devices.get({ id }),
    context.trpc.devices.statusHistory({ id, cursor: q.get("hcursor") || undefined, limit: 20 }),
    context.trpc.devices.runs({ id, cursor: q.get("rcursor") || undefined, limit: 20 }),
  ]);
  return { device, history, runs };
}

export default function DeviceDetail() {
  const { device: d, history, runs } = useLoaderData<typeof loader>();
  const t = useT();
  const { locale } = usePrefs();
  const [params] = useSearchParams();
  const { revalidate } = useRevalidator();
  useLiveRevalidate(["device", "run"], (e) => ("agentId" in e && e.agentId === d.agentId) || e.type === "run");
  const [labels, setLabels] = useState(d.labels.join(", "));
  const [msg, setMsg] = useState<string | null>(null);
  const [probing, setProbing] = useState(false);
  const fmt = new Intl.DateTimeFormat(locale, { dateStyle: "short", timeStyle: "medium" });
  const with_ = (k: string, v: string | null) => {
    const p = new URLSearchParams(params);
    if (v) p.set(k, v);
    else p.delete(k);
    return `?${p.toString()}`;
  };
  const probe = async () => {
    setProbing(true);
    try {
      await trpc().agents.probeDevices.mutate({ id: d.agentId, connections: [d.name] });
      setMsg(t("device.probed"));
      revalidate();
    } catch (e) {
      setMsg(`${t("agent.probeFailed")} ${(e as Error).message}`);
    } finally {
      setProbing(false);
    }
  };
  return (
    <>
      <p>
        <Link to="/devices">← {t("devices.title")}</Link>
      </p>
      <div className="toolbar">
        <h1>
          {d.name} <span className={`badge ${d.status}`}>{t(`deviceStatus.${d.status}`)}</span>
          {d.removedAt ? <span className="badge cancelled"> {t("device.removed")}</span> : null}
        </h1>
        <div className="row">
          <button type="button" onClick={probe} disabled={probing || d.agent.status !== "online"}>
            {t("device.probe")}
          </button>
          <Link className="button primary" to={`/tasks/new?agent=${d.agentId}&connection=${encodeURIComponent(d.name)}`}>
            {t("tasks.new")}
          </Link>
        </div>
      </div>
      {msg ? <p role="status">{msg}</p> : null}
      <div className="card">
        <dl className="kv">
          <dt>{t("agents.col.address")}</dt>
          <dd>
            <code>
              {d.host}:{d.port}
            </code>
          </dd>
          <dt>{t("devices.profile")}</dt>
          <dd>{d.deviceProfile || "—"}</dd>
          <dt>{t("common.agent")}</dt>
          <dd>
            <Link to={`/agents/${d.agentId}`}>{d.agent.name}</Link> <span className={`badge ${d.agent.status}`}>{t(`status.${d.agent.status}`)}</span>
          </dd>
          <dt>{t("devices.checked")}</dt>
          <dd>
            <span suppressHydrationWarning>{d.lastCheckedAt ? fmt.format(new Date(d.lastCheckedAt)) : t("common.never")}</span>
            {d.latencyMs !== null ? ` · ${d.latencyMs} ms` : ""}
          </dd>
          {d.lastError ? (
            <>
              <dt>{t("device.lastError")}</dt>
              <dd>{d.lastError}</dd>
            </>
          ) : null}
        </dl>
        <label htmlFor="dlabels">{t("devices.labels")}</label>
        <div className="row">
          <input id="dlabels" value={labels} onChange={(e) => setLabels(e.target.value)} placeholder="site=sh, core" />
          <button
            type="button"
            onClick={async () => {
              try {
                await trpc().devices.setLabels.mutate({ id: d.id, labels: labels.split(",").map((s) => s.trim()).filter(Boolean) });
                setMsg(t("agent.labelsSaved"));
                revalidate();
              } catch (e) {
                setMsg((e as Error).message);
              }
            }}
          >
            {t("settings.save")}
          </button>
        </div>
      </div>
      <div className="cards2">
        <section className="card" aria-labelledby="h-reach">
          <h2 id="h-reach">{t("device.history")}</h2>
          {history.items.length === 0 ? (
            <p className="muted">{t("device.noHistory")}</p>
          ) : (
            <ul className="plain-list" data-testid="reachability">
              {history.items.map((h) => (
                <li key={h.id}>
                  <span className={`badge ${h.status}`}>{t(`deviceStatus.${h.status}`)}</span>
                  <span><span suppressHydrationWarning>{fmt.format(new Date(h.at))}</span></span>
                  <span className="muted">
                    {h.latencyMs !== null ? `${h.latencyMs} ms` : ""} {h.error ?? ""}
                  </span>
                </li>
              ))}
            </ul>
          )}
          {history.nextCursor || params.get("hcursor") ? (
            <p className="row">
              {params.get("hcursor") ? <Link to={with_("hcursor", null)}>{t("common.firstPage")}</Link> : null}
              {history.nextCursor ? <Link to={with_("hcursor", history.nextCursor)}>{t("common.nextPage")}</Link> : null}
            </p>
          ) : null}
        </section>
        <section className="card" aria-labelledby="h-runs">
          <h2 id="h-runs">{t("device.runs")}</h2>
          {runs.items.length === 0 ? (
            <p className="muted">{t("device.noRuns")}</p>
          ) : (
            <ul className="plain-list">
              {runs.items.map((r) => (
                <li key={r.id}>
                  <span className={`badge ${r.status}`}>{t(`runStatus.${r.status}`)}</span>
                  <Link to={`/tasks/${r.taskId}`}>{r.task.name ?? r.task.type}</Link>
                  <span className="muted">
                    <span suppressHydrationWarning>{fmt.format(new Date(r.createdAt))}</span>
                    {r.executionTimeMs !== null ? ` · ${r.executionTimeMs} ms` : ""}
                  </span>
                </li>
              ))}
            </ul>
          )}
          {runs.nextCursor || params.get("rcursor") ? (
            <p className="row">
              {params.get("rcursor") ? <Link to={with_("rcursor", null)}>{t("common.firstPage")}</Link> : null}
              {runs.nextCursor ? <Link to={with_("rcursor", runs.nextCursor)}>{t("common.nextPage")}</Link> : null}
            </p>
          ) : null}
          <Link to={`/history?deviceId=${d.id}`}>{t("device.commandHistory")}</Link>
        </section>
      </div>
    </>
  );
}

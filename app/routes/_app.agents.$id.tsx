import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData, useNavigate, useRevalidator } from "@remix-run/react";
import { useState } from "react";
import { ConfirmButton } from "../components/confirm";
import { ConnectionEditor } from "../components/connection-editor";
import { tabKeys } from "../components/tabs";
import { usePrefs, useT } from "../lib/prefs";
import { relativeTime } from "../lib/time";
import { trpc } from "../lib/trpc.client";
import { useQuery } from "../lib/use-query";
import { useLiveRevalidate, useNow } from "../lib/use-live";

export async function loader({ context, params }: LoaderFunctionArgs) {
  const id = params.id ?? "";
  const [agent, devices] = await Promise.all([context.trpc.agents.get({ id }), context.trpc.devices.list({ agentId: id, limit: 100 })]);
  return { agent, devices };
}

const TABS = ["overview", "connections", "templates", "profiles"] as const;
type Tab = (typeof TABS)[number];
const KINDS = ["command", "tx_block", "tx_workflow", "orchestration"] as const;

export default function AgentDetail() {
  const { agent, devices } = useLoaderData<typeof loader>();
  const t = useT();
  const { locale } = usePrefs();
  const now = useNow();
  const navigate = useNavigate();
  const { revalidate } = useRevalidator();
  useLiveRevalidate(["agent", "device"], (e) => "agentId" in e && e.agentId === agent.id);
  const [tab, setTab] = useState<Tab>("overview");
  const [error, setError] = useState<string | null>(null);
  const [labels, setLabels] = useState(agent.labels.join(", "));
  const [msg, setMsg] = useState<string | null>(null);
  const online = agent.status === "online";
  const health = useQuery(tab === "overview" && online ? () => trpc().agents.health.query({ id: agent.id }) : null, [tab, agent.id, online]);
  const info = useQuery(tab === "overview" && online ? () => trpc().agents.info.query({ id: agent.id }) : null, [tab, agent.id, online]);

  const saveLabels = async () => {
    try {
      const list = labels.split(",").map((s) => s.trim()).filter(Boolean);
      await trpc().agents.setLabels.mutate({ id: agent.id, labels: list });
      setMsg(t("agent.labelsSaved"));
      setError(null);
      revalidate();
    } catch (e) {
      setError((e as Error).message);
    }
  };
  const remove = async () => {
    try {
      await trpc().agents.delete.mutate({ id: agent.id });
      navigate("/agents");
    } catch (e) {
      setError((e as Error).message);
    }
  };
  return (
    <>
      <p>
        <Link to="/agents">← {t("agents.title")}</Link>
      </p>
      <div className="toolbar">
        <h1>
          {agent.name} <span className={`badge ${agent.status}`}>{t(`status.${agent.status}`)}</span>
        </h1>
        <div className="row">
          <Link className="button primary" to={`/tasks/new?agent=${agent.id}`}>
            {t("tasks.new")}
          </Link>
          <ConfirmButton
            title={t("agent.deleteTitle").replace("{name}", agent.name)}
            body={<p>{t("agent.deleteBody").replace("{devices}", String(devices.items.length + (devices.nextCursor ? "+" : "")))}</p>}
            confirmLabel={t("agent.delete")}
            phrase={agent.name}
            onConfirm={remove}
          >
            {t("agent.delete")}
          </ConfirmButton>
        </div>
      </div>
      {!online ? (
        <div className="alert warn" role="status">
          {t("agent.offlineHint")}
        </div>
      ) : null}
      {error ? (
        <div className="alert" role="alert">
          {error}
        </div>
      ) : null}
      <div className="tabs" role="tablist" aria-label={t("agent.sections")} onKeyDown={tabKeys(TABS, tab, setTab)}>
        {TABS.map((k) => (
          <button key={k} type="button" role="tab" aria-selected={tab === k} tabIndex={tab === k ? 0 : -1} onClick={() => setTab(k)}>
            {t(`agent.tab.${k}`)}
          </button>
        ))}
      </div>
      {tab === "overview" ? (
        <div className="cards2" style={{ marginTop: 0 }}>
          <section className="card">
            <h2>{t("agent.info")}</h2>
            <dl className="kv">
              <dt>{t("agents.col.address")}</dt>
              <dd>
                <code>
                  {agent.host}:{agent.port}
                </code>
              </dd>
              <dt>{t("agents.col.transport")}</dt>
              <dd>{agent.reportMode.toUpperCase()}</dd>
              <dt>{t("agents.col.version")}</dt>
              <dd>{agent.version || "—"}</dd>
              <dt>{t("agents.col.heartbeat")}</dt>
              <dd><span suppressHydrationWarning>{relativeTime(agent.lastHeartbeatAt, now, locale, t("common.never"))}</span></dd>
              <dt>{t("agents.col.counters")}</dt>
              <dd>
                {agent.runningTasks} / {agent.connectionsCount} / {agent.templatesCount}
              </dd>
              <dt>{t("agent.capabilities")}</dt>
              <dd>{agent.capabilities.join(", ") || "—"}</dd>
            </dl>
            <label htmlFor="labels">{t("agent.labels")}</label>
            <div className="row">
              <input id="labels" value={labels} onChange={(e) => setLabels(e.target.value)} placeholder="zone=sh, core" aria-describedby="labels-hint" />
              <button type="button" onClick={saveLabels}>
                {t("settings.save")}
              </button>
            </div>
            <div id="labels-hint" className="hint">
              {msg ?? t("agent.labelsHint")}
            </div>
          </section>
          <section className="card" data-testid="health">
            <h2>{t("agent.health")}</h2>
            {!online ? <p className="muted">{t("agent.needsOnline")}</p> : null}
            {health.loading || info.loading ? <p className="muted">{t("common.loading")}</p> : null}
            {health.error ? <div className="alert">{t("agent.healthFailed")} {health.error}</div> : null}
            {health.data ? <HealthView data={health.data} /> : null}
            {info.data ? <KeyValues data={info.data as Record<string, unknown>} /> : null}
            {online ? (
              <button type="button" onClick={() => (health.reload(), info.reload())}>
                {t("agent.checkAgain")}
              </button>
            ) : null}
          </section>
        </div>
      ) : null}
      {tab === "connections" ? <Connections agentId={agent.id} online={online} devices={devices.items} onChange={revalidate} /> : null}
      {tab === "templates" ? <Templates agentId={agent.id} online={online} /> : null}
      {tab === "profiles" ? <Profiles agentId={agent.id} online={online} /> : null}
    </>
  );
}

function HealthView({ data }: { data: unknown }) {
  const t = useT();
  const h = (data ?? {}) as { ok?: boolean; latencyMs?: number; status?: string };
  const ok = h.ok ?? h.status === "ok";
  return (
    <p>
      <span className={`badge ${ok ? "success" : "failed"}`}>{ok ? t("agent.healthy") : t("agent.unhealthy")}</span> {h.latencyMs !== undefined ? <span className="muted">{h.latencyMs} ms</span> : null}
    </p>
  );
}

function KeyValues({ data }: { data: Record<string, unknown> }) {
  return (
    <dl className="kv">
      {Object.entries(data).map(([k, v]) => (
        <div key={k} style={{ display: "contents" }}>
          <dt>{k}</dt>
          <dd>{Array.isArray(v) ? v.join(", ") : typeof v === "object" && v !== null ? JSON.stringify(v) : String(v)}</dd>
        </div>
      ))}
    </dl>
  );
}

type DeviceRow = Awaited<ReturnType<typeof loader>>["devices"]["items"][number];

function Connections({ agentId, online, devices, onChange }: { agentId: string; online: boolean; devices: DeviceRow[]; onChange: () => void }) {
  const t = useT();
  const list = useQuery(online ? () => trpc().agents.connections.query({ id: agentId }) : null, [agentId, online]);
  const [editing, setEditing] = useState<string | null>(null);
  const [probe, setProbe] = useState<string | null>(null);
  const status = new Map(devices.map((d) => [d.name, d]));
  const rows = (list.data as Array<{ name: string; host?: string; port?: number; device_profile?: string }> | undefined) ?? [];
  const runProbe = async () => {
    setProbe(t("common.loading"));
    try {
      const r = (await trpc().agents.probeDevices.mutate({ id: agentId })) as { total?: number; reachable_count?: number; unreachable_count?: number };
      setProbe(t("agent.probed").replace("{total}", String(r.total ?? 0)).replace("{ok}", String(r.reachable_count ?? 0)).replace("{bad}", String(r.unreachable_count ?? 0)));
      onChange();
    } catch (e) {
      setProbe(`${t("agent.probeFailed")} ${(e as Error).message}`);
    }
  };
  if (!online) return <p className="muted">{t("agent.needsOnline")}</p>;
  return (
    <section>
      <div className="toolbar">
        <h2>{t("agent.connections")}</h2>
        <div className="row">
          <button type="button" onClick={() => setEditing("")}>
            {t("devices.add")}
          </button>
          <button type="button" onClick={runProbe}>
            {t("agent.probe")}
          </button>
        </div>
      </div>
      {probe ? <p role="status">{probe}</p> : null}
      {list.error ? <div className="alert">{t("agent.listFailed")} {list.error}</div> : null}
      {editing !== null ? (
        <ConnectionEditor
          agentId={agentId}
          name={editing || undefined}
          onDone={() => {
            setEditing(null);
            list.reload();
            onChange();
          }}
        />
      ) : null}
      {rows.length === 0 && !list.loading ? (
        <div className="card empty">{t("agent.noConnections")}</div>
      ) : (
        <table>
          <thead>
            <tr>
              <th>{t("agents.col.name")}</th>
              <th>{t("agents.col.address")}</th>
              <th>{t("devices.profile")}</th>
              <th>{t("devices.reachability")}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {rows.map((c) => {
              const d = status.get(c.name);
              return (
                <tr key={c.name}>
                  <td>{d ? <Link to={`/devices/${d.id}`}>{c.name}</Link> : c.name}</td>
                  <td>
                    <code>
                      {c.host ?? "?"}:{c.port ?? 22}
                    </code>
                  </td>
                  <td>{c.device_profile ?? "—"}</td>
                  <td>{d ? <span className={`badge ${d.status}`}>{t(`deviceStatus.${d.status}`)}</span> : <span className="muted">{t("agent.notSynced")}</span>}</td>
                  <td>
                    <button type="button" className="link" onClick={() => setEditing(c.name)}>
                      {t("agent.edit")}
                    </button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}

function Templates({ agentId, online }: { agentId: string; online: boolean }) {
  const t = useT();
  const [kind, setKind] = useState<(typeof KINDS)[number]>("command");
  const [view, setView] = useState<string | null>(null);
  const [msg, setMsg] = useState<string | null>(null);
  const list = useQuery(online ? () => trpc().agents.templates.query({ id: agentId, kind }) : null, [agentId, kind, online]);
  const one = useQuery(view ? () => trpc().agents.template.query({ id: agentId, kind, name: view }) : null, [view, kind]);
  if (!online) return <p className="muted">{t("agent.needsOnline")}</p>;
  const rows = (list.data as Array<{ name: string; size_bytes?: number }> | undefined) ?? [];
  return (
    <section>
      <div className="row" role="group" aria-label={t("templates.kind")}>
        {KINDS.map((k) => (
          <button key={k} type="button" aria-pressed={kind === k} onClick={() => (setKind(k), setView(null))}>
            {k}
          </button>
        ))}
      </div>
      {list.error ? <div className="alert">{t("agent.listFailed")} {list.error}</div> : null}
      {msg ? <p role="status">{msg}</p> : null}
      {rows.length === 0 && !list.loading ? <div className="card empty" style={{ marginTop: ".75rem" }}>{t("agent.noTemplates")}</div> : null}
      <ul className="plain-list">
        {rows.map((r) => (
          <li key={r.name}>
            <button type="button" className="link" onClick={() => setView(r.name)}>
              {r.name}
            </button>
            <span className="muted">{r.size_bytes ?? ""} B</span>
            <button
              type="button"
              className="link"
              onClick={async () => {
                try {
                  await trpc().templates.pull.mutate({ agentId, kind, name: r.name });
                  setMsg(t("templates.pulledName").replace("{name}", r.name));
                } catch (e) {
                  setMsg((e as Error).message);
                }
              }}
            >
              {t("templates.pullToManager")}
            </button>
          </li>
        ))}
      </ul>
      {view && one.data ? <pre>{(one.data as { content?: string }).content ?? JSON.stringify(one.data, null, 2)}</pre> : null}
    </section>
  );
}

function Profiles({ agentId, online }: { agentId: string; online: boolean }) {
  const t = useT();
  const [profile, setProfile] = useState<string | null>(null);
  const list = useQuery(online ? () => trpc().agents.deviceProfiles.query({ id: agentId }) : null, [agentId, online]);
  const modes = useQuery(profile ? () => trpc().agents.profileModes.query({ id: agentId, profile }) : null, [profile]);
  if (!online) return <p className="muted">{t("agent.needsOnline")}</p>;
  const data = list.data as { builtins?: Array<{ name: string; summary?: string }>; custom?: Array<{ name: string; summary?: string }> } | undefined;
  const all = [...(data?.builtins ?? []), ...(data?.custom ?? [])];
  return (
    <section className="cards2" style={{ marginTop: 0 }}>
      <div className="card">
        <h2>{t("agent.profiles")}</h2>
        {list.error ? <div className="alert">{t("agent.listFailed")} {list.error}</div> : null}
        <ul className="plain-list">
          {all.map((p) => (
            <li key={p.name}>
              <button type="button" className="link" aria-pressed={profile === p.name} onClick={() => setProfile(p.name)}>
                {p.name}
              </button>
              <span className="muted">{p.summary ?? ""}</span>
            </li>
          ))}
        </ul>
      </div>
      <div className="card">
        <h2>{t("agent.modes")}</h2>
        {!profile ? <p className="muted">{t("agent.pickProfile")}</p> : null}
        {modes.data ? (
          <ul className="plain-list">
            {((modes.data as { modes?: string[] }).modes ?? []).map((m) => (
              <li key={m}>
                <code>{m}</code> {m === (modes.data as { default_mode?: string }).default_mode ? <span className="badge">{t("agent.defaultMode")}</span> : null}
              </li>
            ))}
          </ul>
        ) : null}
      </div>
    </section>
  );
}

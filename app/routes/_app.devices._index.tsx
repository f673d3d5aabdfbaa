import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData, useRevalidator, useSearchParams } from "@remix-run/react";
import { useState } from "react";
import { ConnectionEditor } from "../components/connection-editor";
import { Filters, SelectFilter, TextFilter } from "../components/filters";
import { ListPage } from "../components/list-page";
import { usePrefs, useT } from "../lib/prefs";
import { relativeTime } from "../lib/time";
import { useLiveRevalidate, useNow } from "../lib/use-live";

const STATUSES = ["unknown", "reachable", "unreachable"] as const;

export async function loader({ context, request }: LoaderFunctionArgs) {
  const q = new URL(request.url).searchParams;
  const status = q.get("status");
  const agentId = q.get("agentId") || undefined;
  const [page, agents] = await Promise.all([
    context.trpc.devices.list({
      cursor: q.get("cursor") ?? undefined,
      limit: 100,
      search: q.get("q") || undefined,
      label: q.get("label") || undefined,
      agentId,
      status: STATUSES.find((s) => s === status),
    }),
    context.trpc.agents.list({ limit: 200 }),
  ]);
  return { page, agents: agents.items.map((a) => ({ id: a.id, name: a.name, status: a.status })) };
}

export default function Devices() {
  const { page, agents } = useLoaderData<typeof loader>();
  const t = useT();
  const { locale } = usePrefs();
  const now = useNow();
  const [params] = useSearchParams();
  const { revalidate } = useRevalidator();
  useLiveRevalidate(["device", "agent"], undefined, 1500);
  const online = agents.filter((a) => a.status === "online");
  const [adding, setAdding] = useState(false);
  const [agentId, setAgentId] = useState(params.get("agentId") || online[0]?.id || "");
  const [added, setAdded] = useState<string | null>(null);
  return (
    <>
      {adding ? (
        <div className="card" style={{ marginBottom: "1rem" }}>
          <h2>{t("devices.add")}</h2>
          <label htmlFor="add-agent">{t("devices.pickAgent")}</label>
          <select id="add-agent" value={agentId} onChange={(e) => setAgentId(e.target.value)} style={{ maxWidth: 320 }}>
            {online.length === 0 ? <option value="">{t("devices.noOnlineAgent")}</option> : null}
            {online.map((a) => (
              <option key={a.id} value={a.id}>
                {a.name}
              </option>
            ))}
          </select>
          {agentId ? (
            <ConnectionEditor
              key={agentId}
              agentId={agentId}
              onDone={(saved) => {
                setAdding(false);
                if (saved) setAdded(saved);
                revalidate();
              }}
            />
          ) : (
            <p className="muted">{t("devices.noOnlineAgent")}</p>
          )}
        </div>
      ) : null}
      {added ? (
        <div className="alert ok" role="status">
          {t("devices.added").replace("{name}", added)}
        </div>
      ) : null}
      <ListPage
        title={t("devices.title")}
        empty={params.toString() ? t("common.noMatch") : t("devices.empty")}
        items={page.items}
        nextCursor={page.nextCursor}
        rowKey={(d) => d.id}
        actions={
          <button type="button" className="primary" onClick={() => setAdding((a) => !a)} aria-expanded={adding}>
            {t("devices.add")}
          </button>
        }
        filters={
          <Filters label={t("devices.filter")}>
            <TextFilter name="q" label={t("devices.search")} />
            <SelectFilter name="agentId" label={t("nav.agents")} any={t("filters.allAgents")} options={agents.map((a) => [a.id, a.name])} />
            <SelectFilter name="status" label={t("devices.reachability")} any={t("filters.anyReachability")} options={STATUSES.map((s) => [s, t(`deviceStatus.${s}`)])} />
            <TextFilter name="label" label={t("devices.label")} />
          </Filters>
        }
        columns={[
          { header: t("agents.col.name"), cell: (d) => <Link to={`/devices/${d.id}`}>{d.name}</Link> },
          { header: t("devices.reachability"), cell: (d) => <span className={`badge ${d.status}`}>{t(`deviceStatus.${d.status}`)}</span> },
          { header: t("agents.col.address"), cell: (d) => <code>{d.host}:{d.port}</code> },
          { header: t("devices.profile"), cell: (d) => d.deviceProfile || "—" },
          { header: t("common.agent"), cell: (d) => <Link to={`/agents/${d.agentId}`}>{d.agent.name}</Link> },
          { header: t("devices.labels"), cell: (d) => d.labels.join(", ") || "—" },
          { header: t("devices.checked"), cell: (d) => <span suppressHydrationWarning>{relativeTime(d.lastCheckedAt, now, locale, t("common.never")) + (d.latencyMs !== null ? ` · ${d.latencyMs} ms` : "")}</span> },
        ]}
      />
    </>
  );
}

import type { LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { ListPage } from "../components/list-page";
import { usePrefs, useT } from "../lib/prefs";
import { relativeTime } from "../lib/time";
import { useAutoRefresh, useNow } from "../lib/use-live";

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
  return { page, agents: agents.items.map((a) => ({ id: a.id, name: a.name })) };
}

export default function Devices() {
  const { page, agents } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const t = useT();
  const { locale } = usePrefs();
  const now = useNow();
  useAutoRefresh(10_000);
  return (
    <>
      <Form method="get" className="row" role="search" aria-label="Filter devices" style={{ marginBottom: "1rem", flexWrap: "wrap" }}>
        <input name="q" defaultValue={params.get("q") ?? ""} placeholder="Name, host or profile" aria-label="Search devices" style={{ maxWidth: 260 }} />
        <select name="agentId" defaultValue={params.get("agentId") ?? ""} aria-label="Agent" style={{ maxWidth: 200 }}>
          <option value="">All agents</option>
          {agents.map((a) => (
            <option key={a.id} value={a.id}>
              {a.name}
            </option>
          ))}
        </select>
        <select name="status" defaultValue={params.get("status") ?? ""} aria-label="Reachability" style={{ maxWidth: 180 }}>
          <option value="">Any reachability</option>
          {STATUSES.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
        <input name="label" defaultValue={params.get("label") ?? ""} placeholder="Label" aria-label="Label" style={{ maxWidth: 160 }} />
        <button type="submit">Filter</button>
      </Form>
      <ListPage
        title={t("devices.title")}
        empty={t("devices.empty")}
        items={page.items}
        nextCursor={page.nextCursor}
        rowKey={(d) => d.id}
        columns={[
          { header: t("agents.col.name"), cell: (d) => d.name },
          { header: t("agents.col.status"), cell: (d) => <span className={`badge ${d.status}`}>{d.status}</span> },
          { header: t("agents.col.address"), cell: (d) => <code>{d.host}:{d.port}</code> },
          { header: "Profile", cell: (d) => d.deviceProfile || "—" },
          { header: t("nav.agents"), cell: (d) => <Link to={`/agents/${d.agentId}`}>{d.agent.name}</Link> },
          { header: "Labels", cell: (d) => d.labels.join(", ") || "—" },
          { header: "Checked", cell: (d) => relativeTime(d.lastCheckedAt, now, locale, t("common.never")) },
        ]}
      />
    </>
  );
}

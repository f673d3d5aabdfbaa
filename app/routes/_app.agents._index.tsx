import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { Filters, SelectFilter, TextFilter } from "../components/filters";
import { ListPage } from "../components/list-page";
import { RegisterAgentButton } from "../components/register-agent-dialog";
import { usePrefs, useT } from "../lib/prefs";
import { relativeTime } from "../lib/time";
import { useLiveRevalidate, useNow } from "../lib/use-live";

const STATUSES = ["online", "offline", "error"] as const;

export async function loader({ context, request }: LoaderFunctionArgs) {
  const q = new URL(request.url).searchParams;
  const cursor = q.get("cursor") ?? undefined;
  const status = STATUSES.find((s) => s === q.get("status"));
  const [page, info] = await Promise.all([
    context.trpc.agents.list({ cursor, limit: 50, status, search: q.get("q") || undefined, label: q.get("label") || undefined }),
    context.trpc.agents.connectInfo(),
  ]);
  return { page, info };
}

export default function Agents() {
  const { page, info } = useLoaderData<typeof loader>();
  const t = useT();
  const { locale } = usePrefs();
  const now = useNow();
  const [params] = useSearchParams();
  useLiveRevalidate(["agent"]);
  const filtered = params.toString() !== "";
  return (
    <>
      {!info.tokenConfigured ? (
        <div className="alert warn" role="status">
          {t("agents.tokenMissing")}
        </div>
      ) : null}
      {page.items.length === 0 && !filtered ? (
        <>
          <div className="toolbar">
            <h1>{t("agents.title")}</h1>
            <RegisterAgentButton info={info} />
          </div>
          <div className="card empty" data-testid="agents-empty">
            <h2>{t("agents.empty.title")}</h2>
            <p>{t("agents.empty.body")}</p>
            <RegisterAgentButton info={info} />
          </div>
        </>
      ) : (
        <ListPage
          title={t("agents.title")}
          empty={t("common.noMatch")}
          items={page.items}
          nextCursor={page.nextCursor}
          rowKey={(a) => a.id}
          actions={<RegisterAgentButton info={info} />}
          filters={
            <Filters label={t("agents.filter")}>
              <TextFilter name="q" label={t("agents.search")} />
              <SelectFilter name="status" label={t("agents.col.status")} any={t("filters.anyStatus")} options={STATUSES.map((s) => [s, t(`status.${s}`)])} />
              <TextFilter name="label" label={t("devices.label")} />
            </Filters>
          }
          columns={[
            { header: t("agents.col.name"), cell: (a) => <Link to={`/agents/${a.id}`}>{a.name}</Link> },
            { header: t("agents.col.status"), cell: (a) => <span className={`badge ${a.status}`}>{t(`status.${a.status}`)}</span> },
            { header: t("agents.col.transport"), cell: (a) => a.reportMode.toUpperCase() },
            { header: t("agents.col.version"), cell: (a) => a.version || "—" },
            { header: t("agents.col.heartbeat"), cell: (a) => <span title={a.lastHeartbeatAt ? new Date(a.lastHeartbeatAt).toISOString() : undefined}><span suppressHydrationWarning>{relativeTime(a.lastHeartbeatAt, now, locale, t("common.never"))}</span></span> },
            { header: t("agents.col.address"), cell: (a) => <code>{a.host}:{a.port}</code> },
            { header: t("devices.labels"), cell: (a) => (a.labels.length ? a.labels.map((l) => <span key={l} className="badge label">{l}</span>) : "—") },
            { header: t("agents.col.counters"), cell: (a) => `${a.runningTasks} / ${a.connectionsCount} / ${a.templatesCount}` },
          ]}
        />
      )}
    </>
  );
}

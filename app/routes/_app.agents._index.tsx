import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { RegisterAgentButton } from "../components/register-agent-dialog";
import { usePrefs, useT } from "../lib/prefs";
import { relativeTime } from "../lib/time";
import { useAutoRefresh, useNow } from "../lib/use-live";

export async function loader({ context, request }: LoaderFunctionArgs) {
  const url = new URL(request.url);
  const cursor = url.searchParams.get("cursor") ?? undefined;
  const [page, info] = await Promise.all([context.trpc.agents.list({ cursor, limit: 50 }), context.trpc.agents.connectInfo()]);
  return { page, info, cursor: cursor ?? null };
}

export default function Agents() {
  const { page, info, cursor } = useLoaderData<typeof loader>();
  const t = useT();
  const { locale } = usePrefs();
  const now = useNow();
  useAutoRefresh(5000);
  return (
    <>
      <div className="toolbar">
        <h1>{t("agents.title")}</h1>
        <RegisterAgentButton info={info} />
      </div>
      {!info.tokenConfigured ? (
        <div className="alert warn" role="status">
          {t("agents.tokenMissing")}
        </div>
      ) : null}
      {page.items.length === 0 && !cursor ? (
        <div className="card empty" data-testid="agents-empty">
          <h2>{t("agents.empty.title")}</h2>
          <p>{t("agents.empty.body")}</p>
          <RegisterAgentButton info={info} />
        </div>
      ) : (
        <>
          <table aria-label={t("agents.title")}>
            <thead>
              <tr>
                <th>{t("agents.col.name")}</th>
                <th>{t("agents.col.status")}</th>
                <th>{t("agents.col.transport")}</th>
                <th>{t("agents.col.version")}</th>
                <th>{t("agents.col.heartbeat")}</th>
                <th>{t("agents.col.address")}</th>
                <th>{t("agents.col.counters")}</th>
              </tr>
            </thead>
            <tbody>
              {page.items.map((a) => (
                <tr key={a.id}>
                  <td>
                    <Link to={`/agents/${a.id}`}>{a.name}</Link>
                  </td>
                  <td>
                    <span className={`badge ${a.status}`}>{t(`status.${a.status}`)}</span>
                  </td>
                  <td>{a.reportMode.toUpperCase()}</td>
                  <td>{a.version || "—"}</td>
                  <td title={a.lastHeartbeatAt ? new Date(a.lastHeartbeatAt).toISOString() : undefined}>
                    {relativeTime(a.lastHeartbeatAt, now, locale, t("common.never"))}
                  </td>
                  <td>
                    <code>
                      {a.host}:{a.port}
                    </code>
                  </td>
                  <td>
                    {a.runningTasks} / {a.connectionsCount} / {a.templatesCount}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <p className="hint">{t("common.refreshing")}</p>
          {page.nextCursor ? (
            <Link className="button" to={`?cursor=${encodeURIComponent(page.nextCursor)}`}>
              {t("common.loadMore")}
            </Link>
          ) : null}
        </>
      )}
    </>
  );
}

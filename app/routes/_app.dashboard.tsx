import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useT } from "../lib/prefs";
import { useAutoRefresh } from "../lib/use-live";

export async function loader({ context }: LoaderFunctionArgs) {
  return context.trpc.dashboard.summary();
}

export default function Dashboard() {
  const s = useLoaderData<typeof loader>();
  const t = useT();
  useAutoRefresh(10_000);
  const stats: Array<[string, number, string]> = [
    [t("dashboard.agentsOnline"), s.agents.online, "/agents"],
    [t("dashboard.agentsOffline"), s.agents.offline, "/agents"],
    [t("dashboard.devices"), s.devices.total, "/devices"],
    [t("dashboard.unread"), s.unreadNotifications, "/notifications"],
  ];
  return (
    <>
      <h1>{t("dashboard.title")}</h1>
      <div className="grid-stats">
        {stats.map(([label, n, to]) => (
          <Link key={label} to={to} className="card stat" style={{ textDecoration: "none", color: "inherit" }}>
            <div className="n">{n}</div>
            <div className="l">{label}</div>
          </Link>
        ))}
      </div>
      {s.agents.total === 0 ? (
        <div className="card empty" style={{ marginTop: "1rem" }}>
          <h2>{t("agents.empty.title")}</h2>
          <p>{t("agents.empty.body")}</p>
          <Link className="button primary" to="/agents">
            {t("agents.register")}
          </Link>
        </div>
      ) : null}
    </>
  );
}

import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { usePrefs, useT } from "../lib/prefs";
import { relativeTime } from "../lib/time";
import { useAutoRefresh, useNow } from "../lib/use-live";

export async function loader({ context, params }: LoaderFunctionArgs) {
  const id = params.id ?? "";
  const [agent, devices] = await Promise.all([context.trpc.agents.get({ id }), context.trpc.devices.list({ agentId: id, limit: 100 })]);
  return { agent, devices };
}

export default function AgentDetail() {
  const { agent, devices } = useLoaderData<typeof loader>();
  const t = useT();
  const { locale } = usePrefs();
  const now = useNow();
  useAutoRefresh(5000);
  return (
    <>
      <p>
        <Link to="/agents">← {t("agents.title")}</Link>
      </p>
      <h1>
        {agent.name} <span className={`badge ${agent.status}`}>{t(`status.${agent.status}`)}</span>
      </h1>
      <div className="card">
        <p>
          <code>
            {agent.host}:{agent.port}
          </code>{" "}
          · {agent.reportMode.toUpperCase()} · {agent.version || "—"} · {t("agents.col.heartbeat")}: {relativeTime(agent.lastHeartbeatAt, now, locale, t("common.never"))}
        </p>
        <p className="muted">Capabilities: {agent.capabilities.join(", ") || "—"}</p>
      </div>
      <h2>{t("devices.title")}</h2>
      {devices.items.length === 0 ? (
        <div className="card empty">{t("devices.empty")}</div>
      ) : (
        <table>
          <tbody>
            {devices.items.map((d) => (
              <tr key={d.id}>
                <td>{d.name}</td>
                <td>
                  <code>
                    {d.host}:{d.port}
                  </code>
                </td>
                <td>{d.deviceProfile}</td>
                <td>
                  <span className={`badge ${d.status}`}>{d.status}</span>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

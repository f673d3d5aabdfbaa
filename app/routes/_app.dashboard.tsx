import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { Lines, StackedBars, type Series } from "../components/charts";
import { usePrefs, useT } from "../lib/prefs";
import { relativeTime } from "../lib/time";
import { useLiveRevalidate, useNow, usePeriodicRevalidate } from "../lib/use-live";

export async function loader({ context }: LoaderFunctionArgs) {
  const [summary, activity] = await Promise.all([context.trpc.dashboard.summary(), context.trpc.dashboard.activity()]);
  return { summary, activity };
}

const OUTCOME_KEYS = ["success", "partial", "failed", "timed_out", "cancelled", "running", "pending"] as const;

export default function Dashboard() {
  const { summary: s, activity } = useLoaderData<typeof loader>();
  const t = useT();
  const { locale } = usePrefs();
  const now = useNow(15_000);
  useLiveRevalidate(["agent", "device", "task", "run", "notification"], undefined, 2000);
  // heartbeats publish no live event: the per-minute chart and "heard in the last minute" refresh on their own
  usePeriodicRevalidate(30_000);
  const today = activity.days.at(-1)?.counts;
  const outcomeSeries: Series[] = OUTCOME_KEYS.map((k) => ({ key: k, label: t(`taskStatus.${k}`), className: `c-${k}` }));
  const activitySeries: Series[] = [
    { key: "events", label: t("dashboard.taskEvents"), className: "c-running" },
    { key: "statusChanges", label: t("dashboard.statusChanges"), className: "c-success" },
    { key: "errors", label: t("dashboard.agentErrors"), className: "c-failed" },
  ];
  const dayFmt = new Intl.DateTimeFormat(locale, { weekday: "short" });
  const timeFmt = new Intl.DateTimeFormat(locale, { hour: "2-digit", minute: "2-digit" });
  const stats: Array<{ label: string; n: number; to: string; sub?: string; tone?: string }> = [
    { label: t("dashboard.agentsOnline"), n: s.agents.online, to: "/agents?status=online", sub: `${s.agents.total} ${t("dashboard.total")}`, tone: "ok" },
    { label: t("dashboard.agentsOffline"), n: s.agents.offline, to: "/agents?status=offline", tone: s.agents.offline ? "warn" : undefined },
    { label: t("dashboard.agentsError"), n: s.agents.error, to: "/agents?status=error", tone: s.agents.error ? "bad" : undefined },
    { label: t("dashboard.reachable"), n: s.devices.reachable, to: "/devices?status=reachable", sub: `${s.devices.total} ${t("dashboard.total")}`, tone: "ok" },
    { label: t("dashboard.unreachable"), n: s.devices.unreachable, to: "/devices?status=unreachable", sub: `${s.devices.unknown} ${t("dashboard.unknown")}`, tone: s.devices.unreachable ? "bad" : undefined },
    { label: t("dashboard.heartbeats"), n: activity.heartbeats.lastMinute, to: "/agents", sub: `${activity.heartbeats.lastFiveMinutes} ${t("dashboard.in5min")}` },
    { label: t("dashboard.todaySuccess"), n: today?.success ?? 0, to: "/tasks?status=success", tone: "ok" },
    { label: t("dashboard.todayFailed"), n: (today?.failed ?? 0) + (today?.timed_out ?? 0), to: "/tasks?status=failed", tone: today?.failed ? "bad" : undefined, sub: `${today?.running ?? 0} ${t("dashboard.running")}` },
    { label: t("dashboard.unread"), n: s.unreadNotifications, to: "/notifications?unread=1" },
  ];
  return (
    <>
      <h1>{t("dashboard.title")}</h1>
      {s.agents.total === 0 ? (
        <div className="card empty" style={{ marginBottom: "1rem" }}>
          <h2>{t("agents.empty.title")}</h2>
          <p>{t("agents.empty.body")}</p>
          <Link className="button primary" to="/agents">
            {t("agents.register")}
          </Link>
        </div>
      ) : null}
      <div className="grid-stats" data-testid="stats">
        {stats.map((x) => (
          <Link key={x.label} to={x.to} className={`card stat ${x.tone ?? ""}`} style={{ textDecoration: "none", color: "inherit" }}>
            <div className="n">{x.n}</div>
            <div className="l">{x.label}</div>
            {x.sub ? <div className="sub">{x.sub}</div> : null}
          </Link>
        ))}
      </div>
      <div className="cards2">
        <section className="card" aria-labelledby="ch-outcomes">
          <h2 id="ch-outcomes">{t("dashboard.outcomes7d")}</h2>
          <StackedBars label={t("dashboard.outcomes7d")} series={outcomeSeries} rows={activity.days.map((d) => ({ x: dayFmt.format(new Date(`${d.day}T12:00:00Z`)), values: d.counts }))} />
        </section>
        <section className="card" aria-labelledby="ch-activity">
          <h2 id="ch-activity">{t("dashboard.activity")}</h2>
          <Lines
            label={t("dashboard.activity")}
            series={activitySeries}
            xLabel={(x) => timeFmt.format(new Date(x))}
            points={activity.perMinute.map((p) => ({ x: new Date(p.minute).getTime(), values: { events: p.events, statusChanges: p.statusChanges, errors: p.errors } }))}
          />
        </section>
        <section className="card" aria-labelledby="ch-heartbeats">
          <h2 id="ch-heartbeats">{t("dashboard.heartbeatsChart")}</h2>
          <Lines
            label={t("dashboard.heartbeatsChart")}
            series={[{ key: "heartbeats", label: t("dashboard.heartbeatsPerMin"), className: "c-running" }]}
            xLabel={(x) => timeFmt.format(new Date(x))}
            points={activity.perMinute.map((p) => ({ x: new Date(p.minute).getTime(), values: { heartbeats: p.heartbeats } }))}
          />
        </section>
        <section className="card" aria-labelledby="h-failed">
          <h2 id="h-failed">{t("dashboard.failedRuns")}</h2>
          {activity.failedRuns.length === 0 ? (
            <p className="muted">{t("dashboard.noFailures")}</p>
          ) : (
            <ul className="plain-list">
              {activity.failedRuns.map((r) => (
                <li key={r.id}>
                  <span className={`badge ${r.status}`}>{t(`taskStatus.${r.status === "timed_out" ? "timed_out" : "failed"}`)}</span>
                  <Link to={`/tasks/${r.taskId}?run=${r.id}`}>{r.task.name ?? r.task.type}</Link>
                  <span className="muted">
                    {r.agentName}
                    {r.connection ? ` / ${r.connection}` : ""} · <span suppressHydrationWarning>{relativeTime(r.completedAt ?? r.updatedAt, now, locale, t("common.never"))}</span>
                  </span>
                </li>
              ))}
            </ul>
          )}
        </section>
        <section className="card" aria-labelledby="h-notes">
          <h2 id="h-notes">{t("dashboard.recentNotifications")}</h2>
          {activity.notifications.length === 0 ? (
            <p className="muted">{t("notifications.empty")}</p>
          ) : (
            <ul className="plain-list">
              {activity.notifications.map((n) => (
                <li key={n.id}>
                  <span className={`dot ${n.level}`} aria-hidden="true" />
                  {n.link ? <Link to={n.link}>{n.title}</Link> : <span>{n.title}</span>}
                  <span className="muted"><span suppressHydrationWarning>{relativeTime(n.createdAt, now, locale, t("common.never"))}</span></span>
                </li>
              ))}
            </ul>
          )}
          <Link to="/notifications">{t("notifications.viewAll")}</Link>
        </section>
      </div>
    </>
  );
}

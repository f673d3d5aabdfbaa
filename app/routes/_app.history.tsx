import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { Filters, SelectFilter, TextFilter } from "../components/filters";
import { ListPage } from "../components/list-page";
import { usePrefs, useT } from "../lib/prefs";

const STATUSES = ["success", "failed", "cancelled", "timed_out"] as const;

export async function loader({ context, request }: LoaderFunctionArgs) {
  const q = new URL(request.url).searchParams;
  const day = (v: string | null, end = false) => (v && /^\d{4}-\d{2}-\d{2}$/.test(v) ? new Date(`${v}T${end ? "23:59:59.999" : "00:00:00"}Z`) : undefined);
  const uuid = (v: string | null) => (v && /^[0-9a-f-]{36}$/i.test(v) ? v : undefined);
  const [page, agents] = await Promise.all([
    context.trpc.history.list({
      cursor: q.get("cursor") ?? undefined,
      limit: 50,
      agentId: uuid(q.get("agentId")),
      deviceId: uuid(q.get("deviceId")),
      status: q.get("status") || undefined,
      text: q.get("q") || undefined,
      from: day(q.get("from")),
      to: day(q.get("to"), true),
    }),
    context.trpc.agents.list({ limit: 200 }),
  ]);
  return { page, agents: agents.items.map((a) => ({ id: a.id, name: a.name })) };
}

export default function History() {
  const { page, agents } = useLoaderData<typeof loader>();
  const t = useT();
  const { locale } = usePrefs();
  const [params] = useSearchParams();
  const fmt = new Intl.DateTimeFormat(locale, { dateStyle: "short", timeStyle: "medium" });
  return (
    <ListPage
      title={t("history.title")}
      empty={params.toString() ? t("common.noMatch") : t("history.empty")}
      items={page.items}
      nextCursor={page.nextCursor}
      rowKey={(r) => r.id}
      filters={
        <Filters label={t("history.filter")}>
          <TextFilter name="q" label={t("history.search")} />
          <SelectFilter name="agentId" label={t("nav.agents")} any={t("filters.allAgents")} options={agents.map((a) => [a.id, a.name])} />
          <SelectFilter name="status" label={t("agents.col.status")} any={t("filters.anyStatus")} options={STATUSES.map((s) => [s, t(`runStatus.${s}`)])} />
          <input type="date" name="from" defaultValue={params.get("from") ?? ""} aria-label={t("filters.from")} />
          <input type="date" name="to" defaultValue={params.get("to") ?? ""} aria-label={t("filters.to")} />
          {params.get("deviceId") ? <input type="hidden" name="deviceId" value={params.get("deviceId") ?? ""} /> : null}
        </Filters>
      }
      columns={[
        { header: t("history.when"), cell: (r) => <span suppressHydrationWarning>{fmt.format(new Date(r.executedAt))}</span> },
        { header: t("common.agent"), cell: (r) => (r.agentId ? <Link to={`/agents/${r.agentId}`}>{r.agentName}</Link> : r.agentName) },
        { header: t("task.connection"), cell: (r) => (r.deviceId ? <Link to={`/devices/${r.deviceId}`}>{r.connection}</Link> : (r.connection ?? "—")) },
        {
          header: t("result.command"),
          cell: (r) => (
            <details>
              <summary>
                <code>{r.command ?? r.operation}</code>
              </summary>
              <pre className="output">{r.output || t("history.noOutput")}</pre>
              {r.taskId ? <Link to={`/tasks/${r.taskId}`}>{t("history.openTask")}</Link> : null}
            </details>
          ),
        },
        { header: t("agents.col.status"), cell: (r) => <span className={`badge ${r.status}`}>{r.status}</span> },
        { header: t("task.duration"), cell: (r) => (r.durationMs !== null ? `${r.durationMs} ms` : "—") },
      ]}
    />
  );
}

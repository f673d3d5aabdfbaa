import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { Filters, SelectFilter, TextFilter } from "../components/filters";
import { ListPage } from "../components/list-page";
import { usePrefs, useT } from "../lib/prefs";
import { useLiveRevalidate } from "../lib/use-live";

const STATUSES = ["pending", "running", "success", "partial", "failed", "cancelled", "timed_out"] as const;
const TYPES = ["exec", "template", "tx_block", "tx_workflow", "orchestrate"] as const;

export async function loader({ context, request }: LoaderFunctionArgs) {
  const q = new URL(request.url).searchParams;
  const day = (v: string | null, end = false) => (v && /^\d{4}-\d{2}-\d{2}$/.test(v) ? new Date(`${v}T${end ? "23:59:59.999" : "00:00:00"}Z`) : undefined);
  const [page, agents] = await Promise.all([
    context.trpc.tasks.list({
      cursor: q.get("cursor") ?? undefined,
      limit: 50,
      status: STATUSES.find((s) => s === q.get("status")),
      type: TYPES.find((s) => s === q.get("type")),
      agentId: q.get("agentId") || undefined,
      text: q.get("q") || undefined,
      from: day(q.get("from")),
      to: day(q.get("to"), true),
    }),
    context.trpc.agents.list({ limit: 200 }),
  ]);
  return { page, agents: agents.items.map((a) => ({ id: a.id, name: a.name })) };
}

export default function Tasks() {
  const { page, agents } = useLoaderData<typeof loader>();
  const t = useT();
  const { locale } = usePrefs();
  const [params] = useSearchParams();
  useLiveRevalidate(["task"]);
  const fmt = new Intl.DateTimeFormat(locale, { dateStyle: "short", timeStyle: "medium" });
  return (
    <ListPage
      title={t("tasks.title")}
      empty={params.toString() ? t("common.noMatch") : t("tasks.empty")}
      emptyAction={
        <Link className="button primary" to="/tasks/new">
          {t("tasks.new")}
        </Link>
      }
      items={page.items}
      nextCursor={page.nextCursor}
      rowKey={(r) => r.id}
      actions={
        <Link className="button primary" to="/tasks/new">
          {t("tasks.new")}
        </Link>
      }
      filters={
        <Filters label={t("tasks.filter")}>
          <TextFilter name="q" label={t("tasks.searchName")} />
          <SelectFilter name="status" label={t("agents.col.status")} any={t("filters.anyStatus")} options={STATUSES.map((s) => [s, t(`taskStatus.${s}`)])} />
          <SelectFilter name="type" label={t("task.type")} any={t("filters.anyType")} options={TYPES.map((s) => [s, s])} />
          <SelectFilter name="agentId" label={t("nav.agents")} any={t("filters.allAgents")} options={agents.map((a) => [a.id, a.name])} />
          <input type="date" name="from" defaultValue={params.get("from") ?? ""} aria-label={t("filters.from")} />
          <input type="date" name="to" defaultValue={params.get("to") ?? ""} aria-label={t("filters.to")} />
        </Filters>
      }
      columns={[
        { header: t("agents.col.name"), cell: (r) => <Link to={`/tasks/${r.id}`}>{r.name ?? r.id.slice(0, 8)}</Link> },
        { header: t("task.type"), cell: (r) => <code>{r.type}</code> },
        { header: t("agents.col.status"), cell: (r) => <span className={`badge ${r.status}`}>{t(`taskStatus.${r.status}`)}</span> },
        { header: t("task.runs"), cell: (r) => r.runsTotal },
        { header: t("tasks.by"), cell: (r) => r.createdBy?.username ?? "—" },
        { header: t("tasks.created"), cell: (r) => <span suppressHydrationWarning>{fmt.format(new Date(r.createdAt))}</span> },
      ]}
    />
  );
}

import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { Filters, SelectFilter } from "../components/filters";
import { ListPage } from "../components/list-page";
import { usePrefs, useT } from "../lib/prefs";
import { useLiveRevalidate } from "../lib/use-live";

const LEVELS = ["info", "success", "warning", "error"] as const;
const TYPES = ["agent_online", "agent_offline", "agent_timeout", "agent_error", "task_failed"];

export async function loader({ context, request }: LoaderFunctionArgs) {
  const q = new URL(request.url).searchParams;
  return context.trpc.notifications.list({
    cursor: q.get("cursor") ?? undefined,
    limit: 50,
    unreadOnly: q.get("unread") === "1" || undefined,
    type: q.get("type") || undefined,
    level: LEVELS.find((l) => l === q.get("level")),
  });
}

export async function action({ context, request }: ActionFunctionArgs) {
  const form = await request.formData();
  const id = String(form.get("id") ?? "");
  if (id) return context.trpc.notifications.markRead({ ids: [id] });
  return context.trpc.notifications.markAllRead();
}

export default function Notifications() {
  const page = useLoaderData<typeof loader>();
  const t = useT();
  const { locale } = usePrefs();
  const [params] = useSearchParams();
  useLiveRevalidate(["notification"]);
  const fmt = new Intl.DateTimeFormat(locale, { dateStyle: "short", timeStyle: "medium" });
  return (
    <ListPage
      title={t("notifications.title")}
      empty={params.toString() ? t("common.noMatch") : t("notifications.empty")}
      items={page.items}
      nextCursor={page.nextCursor}
      rowKey={(r) => r.id}
      actions={
        <Form method="post">
          <button type="submit">{t("notifications.markAll")}</button>
        </Form>
      }
      filters={
        <Filters label={t("notifications.filter")}>
          <SelectFilter name="level" label={t("notifications.level")} any={t("filters.anyLevel")} options={LEVELS.map((l) => [l, t(`level.${l}`)])} />
          <SelectFilter name="type" label={t("task.type")} any={t("filters.anyType")} options={TYPES.map((x) => [x, x])} />
          <SelectFilter name="unread" label={t("notifications.unreadOnly")} any={t("notifications.allRead")} options={[["1", t("notifications.unreadOnly")]]} />
        </Filters>
      }
      columns={[
        { header: t("history.when"), cell: (r) => <span suppressHydrationWarning>{fmt.format(new Date(r.createdAt))}</span> },
        { header: t("notifications.level"), cell: (r) => <span className={`badge ${r.level === "warning" ? "running" : r.level === "info" ? "pending" : r.level}`}>{t(`level.${r.level}`)}</span> },
        { header: t("notifications.titleCol"), cell: (r) => <span style={{ fontWeight: r.readAt ? 400 : 700 }}>{r.link ? <Link to={r.link}>{r.title}</Link> : r.title}</span> },
        { header: t("notifications.message"), cell: (r) => r.message },
        {
          header: "",
          cell: (r) =>
            r.readAt ? (
              <span className="muted small">{t("notifications.read")}</span>
            ) : (
              <Form method="post">
                <input type="hidden" name="id" value={r.id} />
                <button type="submit" className="link">
                  {t("notifications.markRead")}
                </button>
              </Form>
            ),
        },
      ]}
    />
  );
}

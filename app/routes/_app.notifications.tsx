import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { ListPage } from "../components/list-page";
import { useT } from "../lib/prefs";
import { useAutoRefresh } from "../lib/use-live";

export async function loader({ context, request }: LoaderFunctionArgs) {
  const cursor = new URL(request.url).searchParams.get("cursor") ?? undefined;
  return context.trpc.notifications.list({ cursor, limit: 50 });
}

export async function action({ context }: ActionFunctionArgs) {
  return context.trpc.notifications.markAllRead();
}

export default function Notifications() {
  const page = useLoaderData<typeof loader>();
  const t = useT();
  useAutoRefresh(5000);
  return (
    <ListPage
      title={t("notifications.title")}
      empty={t("notifications.empty")}
      items={page.items}
      nextCursor={page.nextCursor}
      rowKey={(r) => r.id}
      actions={
        <Form method="post">
          <button type="submit">Mark all read</button>
        </Form>
      }
      columns={[
        { header: "When", cell: (r) => new Date(r.createdAt).toLocaleString() },
        { header: "Level", cell: (r) => <span className={`badge ${r.level === "warning" ? "running" : r.level}`}>{r.level}</span> },
        { header: "Title", cell: (r) => (r.link ? <Link to={r.link}>{r.title}</Link> : r.title) },
        { header: "Message", cell: (r) => <span style={{ fontWeight: r.readAt ? 400 : 600 }}>{r.message}</span> },
      ]}
    />
  );
}

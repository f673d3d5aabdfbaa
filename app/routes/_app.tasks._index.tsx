import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { ListPage } from "../components/list-page";
import { useT } from "../lib/prefs";
import { useAutoRefresh } from "../lib/use-live";

export async function loader({ context, request }: LoaderFunctionArgs) {
  const cursor = new URL(request.url).searchParams.get("cursor") ?? undefined;
  return context.trpc.tasks.list({ cursor, limit: 50 });
}

export default function Tasks() {
  const page = useLoaderData<typeof loader>();
  const t = useT();
  useAutoRefresh(5000);
  return (
    <ListPage
      title={t("tasks.title")}
      empty={t("tasks.empty")}
      items={page.items}
      nextCursor={page.nextCursor}
      rowKey={(r) => r.id}
      actions={
        <Link className="button primary" to="/tasks/new">
          New task
        </Link>
      }
      columns={[
        { header: "Name", cell: (r) => <Link to={`/tasks/${r.id}`}>{r.name ?? r.id.slice(0, 8)}</Link> },
        { header: "Type", cell: (r) => <code>{r.type}</code> },
        { header: t("agents.col.status"), cell: (r) => <span className={`badge ${r.status}`}>{r.status}</span> },
        { header: "Runs", cell: (r) => r.runsTotal },
        { header: "Created", cell: (r) => new Date(r.createdAt).toLocaleString() },
      ]}
    />
  );
}

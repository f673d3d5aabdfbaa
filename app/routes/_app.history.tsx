import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { ListPage } from "../components/list-page";
import { useT } from "../lib/prefs";

export async function loader({ context, request }: LoaderFunctionArgs) {
  const cursor = new URL(request.url).searchParams.get("cursor") ?? undefined;
  return context.trpc.history.list({ cursor, limit: 50 });
}

export default function History() {
  const page = useLoaderData<typeof loader>();
  const t = useT();
  return (
    <ListPage
      title={t("history.title")}
      empty={t("history.empty")}
      items={page.items}
      nextCursor={page.nextCursor}
      rowKey={(r) => r.id}
      columns={[
        { header: "When", cell: (r) => new Date(r.executedAt).toLocaleString() },
        { header: t("nav.agents"), cell: (r) => r.agentName },
        { header: "Connection", cell: (r) => r.connection ?? "—" },
        { header: "Command", cell: (r) => <code>{r.command ?? r.operation}</code> },
        { header: t("agents.col.status"), cell: (r) => <span className={`badge ${r.status}`}>{r.status}</span> },
        { header: "ms", cell: (r) => r.durationMs ?? "—" },
      ]}
    />
  );
}

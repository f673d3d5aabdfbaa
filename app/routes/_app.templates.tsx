import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { ListPage } from "../components/list-page";
import { useT } from "../lib/prefs";

export async function loader({ context, request }: LoaderFunctionArgs) {
  const cursor = new URL(request.url).searchParams.get("cursor") ?? undefined;
  return context.trpc.templates.list({ cursor, limit: 50 });
}

export default function Templates() {
  const page = useLoaderData<typeof loader>();
  const t = useT();
  return (
    <ListPage
      title={t("templates.title")}
      empty={t("templates.empty")}
      items={page.items}
      nextCursor={page.nextCursor}
      rowKey={(r) => r.id}
      columns={[
        { header: "Name", cell: (r) => r.name },
        { header: "Kind", cell: (r) => <code>{r.kind}</code> },
        { header: "Version", cell: (r) => r.version },
        { header: "Updated", cell: (r) => new Date(r.updatedAt).toLocaleString() },
      ]}
    />
  );
}

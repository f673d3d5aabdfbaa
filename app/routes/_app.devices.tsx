import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { ListPage } from "../components/list-page";
import { usePrefs, useT } from "../lib/prefs";
import { relativeTime } from "../lib/time";
import { useAutoRefresh, useNow } from "../lib/use-live";

export async function loader({ context, request }: LoaderFunctionArgs) {
  const cursor = new URL(request.url).searchParams.get("cursor") ?? undefined;
  return context.trpc.devices.list({ cursor, limit: 100 });
}

export default function Devices() {
  const page = useLoaderData<typeof loader>();
  const t = useT();
  const { locale } = usePrefs();
  const now = useNow();
  useAutoRefresh(10_000);
  return (
    <ListPage
      title={t("devices.title")}
      empty={t("devices.empty")}
      items={page.items}
      nextCursor={page.nextCursor}
      rowKey={(d) => d.id}
      columns={[
        { header: t("agents.col.name"), cell: (d) => d.name },
        { header: t("agents.col.status"), cell: (d) => <span className={`badge ${d.status}`}>{d.status}</span> },
        { header: t("agents.col.address"), cell: (d) => <code>{d.host}:{d.port}</code> },
        { header: "Profile", cell: (d) => d.deviceProfile || "—" },
        { header: t("nav.agents"), cell: (d) => d.agent.name },
        { header: "Checked", cell: (d) => relativeTime(d.lastCheckedAt, now, locale, t("common.never")) },
      ]}
    />
  );
}

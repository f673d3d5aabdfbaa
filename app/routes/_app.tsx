import { redirect, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, NavLink, Outlet, useLoaderData, useLocation } from "@remix-run/react";
import { usePrefs, useT } from "../lib/prefs";
import type { MessageKey } from "../lib/i18n";
import { MaintenanceBanner } from "../components/maintenance-banner";
import { NotificationBell } from "../components/notification-bell";
import { SearchButton } from "../components/search-dialog";
import { LiveIndicator } from "../components/live-indicator";

export async function loader({ context, request }: LoaderFunctionArgs) {
  if (!context.user) {
    const url = new URL(request.url);
    throw redirect(`/login?next=${encodeURIComponent(url.pathname + url.search)}`);
  }
  const unread = await context.trpc.notifications.unreadCount();
  const maintenance = await context.trpc.system.maintenanceLocks();
  return { user: { username: context.user.username, role: context.user.role }, unread, maintenance };
}

const NAV: Array<[string, MessageKey]> = [
  ["/dashboard", "nav.dashboard"],
  ["/agents", "nav.agents"],
  ["/devices", "nav.devices"],
  ["/tasks", "nav.tasks"],
  ["/designer", "nav.designer"],
  ["/history", "nav.history"],
  ["/templates", "nav.templates"],
  ["/notifications", "nav.notifications"],
  ["/settings", "nav.settings"],
];

export default function AppLayout() {
  const { user, unread, maintenance } = useLoaderData<typeof loader>();
  const t = useT();
  const { locale, theme } = usePrefs();
  const location = useLocation();
  const back = location.pathname + location.search;
  return (
    <div className="shell">
      <a className="skip" href="#main">
        {t("nav.skip")}
      </a>
      <aside className="sidebar">
        <div className="brand">
          <img src="/favicon.svg" width={24} height={24} alt="" /> {t("app.name")}
          <NotificationBell unread={unread} />
        </div>
        <SearchButton />
        <nav aria-label={t("nav.main")}>
          {NAV.map(([to, key]) => (
            <NavLink key={to} to={to} prefetch="intent">
              {t(key)}
            </NavLink>
          ))}
        </nav>
        <div className="foot">
          <LiveIndicator />
          <span>
            {user.username} · {user.role}
          </span>
          <Form method="post" action="/preferences" className="row">
            <input type="hidden" name="back" value={back} />
            <input type="hidden" name="current" value={theme} />
            <button type="submit" name="theme" value="toggle" title={t("theme.toggle")} aria-label={t("theme.toggle")}>
              ◐
            </button>
            <button type="submit" name="lang" value={locale === "zh" ? "en" : "zh"}>
              {t("lang.switch")}
            </button>
          </Form>
          <Form method="post" action="/logout">
            <button type="submit">{t("nav.signOut")}</button>
          </Form>
        </div>
      </aside>
      <main id="main" className="content">
        <MaintenanceBanner locks={maintenance} />
        <Outlet />
      </main>
    </div>
  );
}

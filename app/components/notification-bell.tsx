// The bell in the sidebar: unread count kept live, and a panel of the latest
// notifications with "mark read" and "mark all read".
import { Link } from "@remix-run/react";
import { useCallback, useEffect, useId, useRef, useState } from "react";
import { usePrefs, useT } from "../lib/prefs";
import { relativeTime } from "../lib/time";
import { trpc } from "../lib/trpc.client";
import { useLiveEvent, useNow } from "../lib/use-live";

type Item = Awaited<ReturnType<ReturnType<typeof trpc>["notifications"]["list"]["query"]>>["items"][number];

export function NotificationBell({ unread: initial }: { unread: number }) {
  const t = useT();
  const { locale } = usePrefs();
  const now = useNow();
  const uid = useId();
  const [unread, setUnread] = useState(initial);
  const [open, setOpen] = useState(false);
  const [items, setItems] = useState<Item[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const panel = useRef<HTMLDivElement>(null);
  useEffect(() => setUnread(initial), [initial]);

  const load = useCallback(() => {
    trpc()
      .notifications.list.query({ limit: 8 })
      .then((p) => {
        setItems(p.items);
        setError(null);
      })
      .catch((e: Error) => setError(e.message));
  }, []);

  useLiveEvent((e) => {
    if (e.type !== "notification" && e.type !== "hello") return;
    trpc().notifications.unreadCount.query().then(setUnread, () => {});
    if (open) load();
  });

  useEffect(() => {
    if (!open) return;
    load();
    const onKey = (e: KeyboardEvent) => e.key === "Escape" && setOpen(false);
    const onClick = (e: MouseEvent) => panel.current && !panel.current.parentElement?.contains(e.target as Node) && setOpen(false);
    window.addEventListener("keydown", onKey);
    window.addEventListener("click", onClick);
    return () => {
      window.removeEventListener("keydown", onKey);
      window.removeEventListener("click", onClick);
    };
  }, [open, load]);

  const markRead = async (ids?: string[]) => {
    try {
      if (ids) await trpc().notifications.markRead.mutate({ ids });
      else await trpc().notifications.markAllRead.mutate();
      setUnread(await trpc().notifications.unreadCount.query());
      load();
    } catch (e) {
      setError((e as Error).message);
    }
  };

  return (
    <div className="bell">
      <button type="button" aria-expanded={open} aria-controls={`${uid}-panel`} onClick={() => setOpen((o) => !o)} data-testid="bell" aria-label={`${t("nav.notifications")}: ${unread} ${t("notifications.unread")}`}>
        <svg width="16" height="16" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round" aria-hidden="true">
          <path d="M18 8a6 6 0 0 0-12 0c0 7-3 9-3 9h18s-3-2-3-9" />
          <path d="M13.7 21a2 2 0 0 1-3.4 0" />
        </svg>
        {unread > 0 ? (
          <span className="badge count" data-testid="unread-count">
            {unread > 99 ? "99+" : unread}
          </span>
        ) : null}
      </button>
      {open ? (
        <div className="bell-panel card" id={`${uid}-panel`} ref={panel} role="region" aria-label={t("nav.notifications")}>
          <div className="row" style={{ justifyContent: "space-between" }}>
            <strong>{t("nav.notifications")}</strong>
            <button type="button" className="link" onClick={() => markRead()} disabled={unread === 0}>
              {t("notifications.markAll")}
            </button>
          </div>
          {error ? (
            <div className="alert" role="alert">
              {t("notifications.loadFailed")} {error}
            </div>
          ) : null}
          {items && items.length === 0 ? <p className="muted">{t("notifications.empty")}</p> : null}
          <ul className="bell-list">
            {(items ?? []).map((n) => (
              <li key={n.id} className={n.readAt ? "" : "unread"}>
                <span className={`dot ${n.level}`} aria-hidden="true" />
                <div style={{ flex: 1 }}>
                  {n.link ? (
                    <Link to={n.link} onClick={() => setOpen(false)}>
                      {n.title}
                    </Link>
                  ) : (
                    <strong>{n.title}</strong>
                  )}
                  <div className="muted small">{relativeTime(n.createdAt, now, locale, t("common.never"))}</div>
                </div>
                {!n.readAt ? (
                  <button type="button" className="link small" onClick={() => markRead([n.id])}>
                    {t("notifications.markRead")}
                  </button>
                ) : null}
              </li>
            ))}
          </ul>
          <Link to="/notifications" onClick={() => setOpen(false)}>
            {t("notifications.viewAll")}
          </Link>
        </div>
      ) : null}
    </div>
  );
}

// A banner on every signed-in page while an operator holds a maintenance lock.
// Strings stay local (en + zh) so this component does not touch the shared catalogue.
import { usePrefs } from "../lib/prefs";

export interface MaintenanceLockView {
  id: string;
  owner: string;
  reason: string;
  expiresAt: string | Date | null;
}

const TEXT = {
  en: {
    title: "Maintenance in progress",
    by: (owner: string) => `held by ${owner}`,
    until: (t: string) => `until ${t}`,
    note: "Switchyard will not shut down until the lock is released.",
  },
  zh: {
    title: "维护进行中",
    by: (owner: string) => `由 ${owner} 持有`,
    until: (t: string) => `至 ${t}`,
    note: "锁释放之前，Switchyard 不会关闭。",
  },
} as const;

export function MaintenanceBanner({ locks }: { locks: MaintenanceLockView[] }) {
  const { locale } = usePrefs();
  if (locks.length === 0) return null;
  const tx = locale === "zh" ? TEXT.zh : TEXT.en;
  const fmt = (d: string | Date) => new Date(d).toLocaleString(locale === "zh" ? "zh-CN" : "en-GB", { dateStyle: "short", timeStyle: "short" });
  return (
    <div className="alert warn" role="status" data-testid="maintenance-banner">
      <strong>{tx.title}</strong>
      <ul style={{ margin: "4px 0", paddingLeft: 18 }}>
        {locks.map((l) => (
          <li key={l.id}>
            {l.reason} — {tx.by(l.owner)}
            {l.expiresAt ? `, ${tx.until(fmt(l.expiresAt))}` : ""}
          </li>
        ))}
      </ul>
      <small>{tx.note}</small>
    </div>
  );
}

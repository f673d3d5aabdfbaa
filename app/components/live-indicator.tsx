import { useT } from "../lib/prefs";
import { useLiveState } from "../lib/use-live";

export function LiveIndicator() {
  const t = useT();
  const s = useLiveState();
  return (
    <span className={`live ${s}`} role="status" data-testid="live-state" data-state={s}>
      <span className="dot" aria-hidden="true" /> {t(`live.${s}`)}
    </span>
  );
}

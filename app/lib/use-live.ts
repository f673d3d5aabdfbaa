import { useEffect, useState } from "react";
import { useRevalidator } from "@remix-run/react";

/** Re-runs the route's loaders on an interval while the tab is visible. */
export function useAutoRefresh(intervalMs: number) {
  const { revalidate, state } = useRevalidator();
  useEffect(() => {
    const id = setInterval(() => {
      if (document.visibilityState === "visible" && state === "idle") revalidate();
    }, intervalMs);
    return () => clearInterval(id);
  }, [intervalMs, revalidate, state]);
}

/** A clock for relative times that ticks every few seconds. */
export function useNow(tickMs = 5000) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), tickMs);
    return () => clearInterval(id);
  }, [tickMs]);
  return now;
}

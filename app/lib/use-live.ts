// Live data: ONE server-sent-event stream per tab (`live.events`, fed by
// PostgreSQL NOTIFY), shared by every component that cares. Pages say which
// events matter to them and are revalidated (throttled) when one arrives.
import { useEffect, useRef, useState, useSyncExternalStore } from "react";
import { useRevalidator } from "@remix-run/react";
import { trpc } from "./trpc.client";
import type { LiveEvent } from "../../server/trpc/routers/live";

export type { LiveEvent };
type Listener = (e: LiveEvent) => void;
export type LiveState = "connecting" | "live" | "reconnecting";

const listeners = new Set<Listener>();
const stateListeners = new Set<() => void>();
let state: LiveState = "connecting";
let unsubscribe: (() => void) | undefined;
let users = 0;
let retry: ReturnType<typeof setTimeout> | undefined;
let everLive = false;

function setState(s: LiveState) {
  state = s;
  for (const l of stateListeners) l();
}

function connect() {
  const sub = trpc().live.events.subscribe(undefined, {
    onData: (msg) => {
      const e = msg.data;
      if (e.type === "hello") {
        setState("live");
        // after a reconnect we may have missed events: let every page re-read
        if (everLive) for (const l of listeners) l(e);
        everLive = true;
        return;
      }
      for (const l of listeners) l(e);
    },
    onError: () => {
      setState("reconnecting");
      sub.unsubscribe();
      unsubscribe = undefined;
      retry = setTimeout(() => {
        retry = undefined;
        if (users > 0) connect();
      }, 2000);
    },
    onConnectionStateChange: (s) => {
      if (s.state === "connecting" && everLive) setState("reconnecting");
    },
  });
  unsubscribe = () => sub.unsubscribe();
}

function acquire() {
  users++;
  if (users === 1 && !unsubscribe && !retry) connect();
  return () => {
    users--;
    if (users === 0) {
      unsubscribe?.();
      unsubscribe = undefined;
      if (retry) clearTimeout(retry);
      retry = undefined;
    }
  };
}

/** Calls `fn` for every live event while mounted. */
export function useLiveEvent(fn: Listener) {
  const ref = useRef(fn);
  ref.current = fn;
  useEffect(() => {
    const release = acquire();
    const l: Listener = (e) => ref.current(e);
    listeners.add(l);
    return () => {
      listeners.delete(l);
      release();
    };
  }, []);
}

/** The stream's state, for the "live" indicator. */
export function useLiveState(): LiveState {
  return useSyncExternalStore(
    (cb) => {
      stateListeners.add(cb);
      return () => stateListeners.delete(cb);
    },
    () => state,
    () => "connecting",
  );
}

export type LiveTopic = "agent" | "device" | "task" | "run" | "task_event" | "notification";

/**
 * Re-runs the route's loaders when an event of one of `topics` arrives (and
 * after a reconnect), at most once per `throttleMs`, only while the tab is visible.
 */
export function useLiveRevalidate(topics: LiveTopic[], match?: (e: LiveEvent) => boolean, throttleMs = 750) {
  const { revalidate } = useRevalidator();
  const pending = useRef(false);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const key = topics.join(",");
  useEffect(() => () => clearTimeout(timer.current), []);
  useLiveEvent((e) => {
    if (e.type !== "hello" && (!key.split(",").includes(e.type) || (match && !match(e)))) return;
    if (pending.current) return;
    pending.current = true;
    const run = () => {
      if (document.visibilityState !== "visible") {
        timer.current = setTimeout(run, throttleMs);
        return;
      }
      pending.current = false;
      revalidate();
    };
    timer.current = setTimeout(run, throttleMs);
  });
}

/**
 * Re-reads the loader every `everyMs` while the tab is visible: for figures
 * that change without a live event (heartbeats publish nothing).
 */
export function usePeriodicRevalidate(everyMs: number) {
  const { revalidate } = useRevalidator();
  useEffect(() => {
    const id = setInterval(() => {
      if (document.visibilityState === "visible") revalidate();
    }, everyMs);
    return () => clearInterval(id);
  }, [everyMs, revalidate]);
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

// Live updates between replicas: every change is published with PostgreSQL
// NOTIFY on one channel and each process LISTENs once, then fans out to its
// local subscribers (SSE streams). Payloads stay small (ids and statuses);
// subscribers re-read what they need.
import { EventEmitter } from "node:events";
import pg from "pg";
import type { Logger } from "../log.ts";

export const CHANNEL = "switchyard_events";

export type BusEvent =
  | { type: "agent"; agentId: string; name: string; status: string }
  | { type: "device"; agentId: string; count: number }
  | { type: "task"; taskId: string; status: string }
  | { type: "run"; taskId: string; runId: string; status: string }
  | { type: "task_event"; taskId: string; seq: number }
  | { type: "notification"; id: string; level: string };

export interface Bus {
  publish: (event: BusEvent) => Promise<void>;
  subscribe: (fn: (event: BusEvent) => void) => () => void;
  start: () => Promise<void>;
  stop: () => Promise<void>;
}

export function createBus(pool: pg.Pool, url: string, log: Logger): Bus {
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0);
  let client: pg.Client | undefined;
  let stopped = false;
  let retry: NodeJS.Timeout | undefined;

  const connect = async () => {
    const c = new pg.Client({ connectionString: url });
    c.on("notification", (msg) => {
      if (msg.channel !== CHANNEL || !msg.payload) return;
      try {
        emitter.emit("event", JSON.parse(msg.payload) as BusEvent);
      } catch {
        log.warn({ payload: msg.payload }, "ignoring malformed bus payload");
      }
    });
    c.on("error", (err) => {
      log.warn({ err: err.message }, "event bus connection lost; reconnecting");
      reconnect();
    });
    await c.connect();
    await c.query(`LISTEN ${CHANNEL}`);
    client = c;
  };

  const reconnect = () => {
    const old = client;
    client = undefined;
    old?.end().catch(() => {});
    if (stopped || retry) return;
    retry = setTimeout(async () => {
      retry = undefined;
      try {
        await connect();
        log.info("event bus reconnected");
      } catch {
        reconnect();
      }
    }, 1000);
  };

  // Events published while a NOTIFY is on its way go out together in the next
  // one (in order, one round trip); an idle bus sends at once, with no timer.
  let queue: Array<{ payload: string; type: string; done: () => void }> = [];
  let sending = false;
  const flush = async () => {
    if (sending || queue.length === 0) return;
    sending = true;
    const batch = queue;
    queue = [];
    try {
      await pool.query({
        name: "switchyard-bus-notify",
        text: "SELECT pg_notify($1, p) FROM unnest($2::text[]) WITH ORDINALITY AS t(p, i) ORDER BY i",
        values: [CHANNEL, batch.map((b) => b.payload)],
      });
    } catch (err) {
      // live views are best-effort; the data itself is already committed
      log.warn({ err: (err as Error).message, events: batch.length, first: batch[0]!.type }, "could not publish live events");
    } finally {
      sending = false;
      for (const b of batch) b.done();
      void flush();
    }
  };

  return {
    publish(event) {
      return new Promise<void>((done) => {
        queue.push({ payload: JSON.stringify(event), type: event.type, done });
        void flush();
      });
    },
    subscribe(fn) {
      emitter.on("event", fn);
      return () => emitter.off("event", fn);
    },
    start: connect,
    async stop() {
      stopped = true;
      if (retry) clearTimeout(retry);
      await client?.end().catch(() => {});
      client = undefined;
    },
  };
}

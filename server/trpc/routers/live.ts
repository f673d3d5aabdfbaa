// One live stream per browser tab: every bus event (agent, device, task, run,
// notification) as it happens, so the visible page can re-read what changed.
// Payloads are the bus's small ids-and-statuses; the page reloads the details.
// Nothing is replayed after a reconnect (the bus keeps no history): the stream
// starts with a "hello", on which the client re-reads the visible page.
import { tracked } from "@trpc/server";
import { z } from "zod";
import { authedProcedure, router } from "../trpc.ts";
import type { BusEvent } from "../../events/bus.ts";

export type LiveEvent = BusEvent | { type: "hello" };

export const liveRouter = router({
  events: authedProcedure.input(z.object({ lastEventId: z.string().max(64).nullish() }).optional()).subscription(async function* ({ ctx, signal }) {
    const queue: BusEvent[] = [];
    let wake: (() => void) | undefined;
    const unsubscribe = ctx.app.bus.subscribe((e) => {
      // a slow tab drops the oldest events rather than growing without bound
      if (queue.length > 1000) queue.shift();
      queue.push(e);
      wake?.();
    });
    const onAbort = () => wake?.();
    signal?.addEventListener("abort", onAbort, { once: true });
    let n = 0;
    try {
      yield tracked(String(n++), { type: "hello" } as LiveEvent);
      while (!signal?.aborted) {
        while (queue.length) yield tracked(String(n++), queue.shift()! as LiveEvent);
        // wake on the next event or on abort; the timeout only re-checks the signal
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, 20_000);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        wake = undefined;
      }
    } finally {
      signal?.removeEventListener("abort", onAbort);
      unsubscribe();
    }
  }),
});

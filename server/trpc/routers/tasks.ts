import { tracked } from "@trpc/server";
import { z } from "zod";
import { asTrpcError, authedProcedure, operatorProcedure, router } from "../trpc.ts";
import { ListTasksInputSchema } from "../../services/queries.ts";
import type { BusEvent } from "../../events/bus.ts";

const Id = z.object({ id: z.string().uuid() });

export const tasksRouter = router({
  list: authedProcedure.input(ListTasksInputSchema).query(({ ctx, input }) => ctx.app.services.tasks.list(input)),
  // the engine validates the full shape (payload per type) and names every bad field
  create: operatorProcedure.input(z.record(z.string(), z.unknown())).mutation(({ ctx, input }) => ctx.app.services.taskEngine.create(input as never, ctx.user.id)),
  get: authedProcedure.input(Id).query(({ ctx, input }) => ctx.app.services.taskEngine.get(input.id)),
  cancel: operatorProcedure.input(Id).mutation(({ ctx, input }) => ctx.app.services.taskEngine.cancel(input.id)),
  rerun: operatorProcedure.input(Id).mutation(({ ctx, input }) => ctx.app.services.taskEngine.rerun(input.id, ctx.user.id)),

  /**
   * A task's timeline as it grows (SSE). Each event is tracked by its sequence
   * number, so a reconnecting client resumes after the last one it saw: no gaps,
   * no duplicates. Run and task status changes arrive as `{ kind: "status" }`.
   */
  events: authedProcedure
    .input(z.object({ taskId: z.string().uuid(), lastEventId: z.string().regex(/^\d+$/).nullish() }))
    .subscription(async function* ({ ctx, input, signal }) {
      const engine = ctx.app.services.taskEngine;
      // an unknown id is a 404, not an empty stream (errors here bypass the procedure middleware)
      await engine.assertExists(input.taskId).catch((err: unknown) => {
        throw asTrpcError(err);
      });
      let last = input.lastEventId ? Number(input.lastEventId) : 0;
      let wake: (() => void) | undefined;
      let pendingStatus = false;
      const unsubscribe = ctx.app.bus.subscribe((e: BusEvent) => {
        if (!("taskId" in e) || e.taskId !== input.taskId) return;
        if (e.type !== "task_event") pendingStatus = true;
        wake?.();
      });
      try {
        while (!signal?.aborted) {
          const batch = await engine.eventsAfter(input.taskId, last);
          for (const ev of batch) {
            last = ev.seq;
            yield tracked(String(ev.seq), { kind: "event" as const, event: ev });
          }
          if (batch.length === 500) continue;
          if (pendingStatus) {
            pendingStatus = false;
            yield tracked(String(last), { kind: "status" as const });
          }
          // wait for a bus event, an abort or 15 s; whichever comes first cleans up the others
          await new Promise<void>((resolve) => {
            const done = () => {
              clearTimeout(timer);
              signal?.removeEventListener("abort", done);
              wake = undefined;
              resolve();
            };
            const timer = setTimeout(done, 15_000);
            wake = done;
            signal?.addEventListener("abort", done, { once: true });
          });
        }
      } finally {
        unsubscribe();
      }
    }),
});

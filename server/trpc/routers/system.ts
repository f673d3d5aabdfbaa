// Operating the running system: status, drain, maintenance locks.
import { z } from "zod";
import { adminProcedure, authedProcedure, router } from "../trpc.ts";
import type { TrpcContext } from "../trpc.ts";
import { createSystemService, LockMaintenanceInputSchema } from "../../services/system.ts";

const system = (ctx: TrpcContext) => createSystemService(ctx.app);

export const systemRouter = router({
  status: adminProcedure.query(({ ctx }) => system(ctx).status()),
  drain: adminProcedure.mutation(({ ctx }) => system(ctx).drain()),
  resume: adminProcedure.mutation(({ ctx }) => system(ctx).resume()),
  // every signed-in page shows the banner, so reading the locks is for everyone
  maintenanceLocks: authedProcedure.query(({ ctx }) => system(ctx).maintenanceLocks()),
  lockMaintenance: adminProcedure.input(LockMaintenanceInputSchema).mutation(({ ctx, input }) => system(ctx).lockMaintenance(input)),
  unlockMaintenance: adminProcedure.input(z.object({ id: z.string().uuid() })).mutation(({ ctx, input }) => system(ctx).unlockMaintenance(input.id)),
});

// Thin procedures over the read services. Each is parse → call → return.
import { z } from "zod";
import { adminProcedure, authedProcedure, router } from "../trpc.ts";
import { ListAgentsInputSchema } from "../../services/agents.ts";
import { ListDevicesInputSchema } from "../../services/devices.ts";
import { ListNotificationsInputSchema } from "../../services/notifications.ts";
import { SettingsSchema } from "../../services/settings.ts";
import { ListHistoryInputSchema, ListTasksInputSchema, ListTemplatesInputSchema, SearchInputSchema } from "../../services/queries.ts";

const Id = z.object({ id: z.string().uuid() });

export const agentsRouter = router({
  list: authedProcedure.input(ListAgentsInputSchema).query(({ ctx, input }) => ctx.app.services.agents.list(input)),
  get: authedProcedure.input(Id).query(({ ctx, input }) => ctx.app.services.agents.get(input.id)),
  delete: adminProcedure.input(Id).mutation(({ ctx, input }) => ctx.app.services.agents.delete(input.id)),
  /** what the "Register agent" dialog needs; never the token itself */
  connectInfo: authedProcedure.query(({ ctx }) => {
    const env = ctx.app.env;
    return {
      tokenConfigured: env.AGENT_API_KEY !== undefined,
      publicUrl: env.PUBLIC_URL ?? null,
      publicGrpcUrl: env.PUBLIC_GRPC_URL ?? null,
      grpcEnabled: env.MANAGER_GRPC_ENABLED,
      grpcPort: env.MANAGER_GRPC_PORT,
      heartbeatIntervalMs: env.AGENT_HEARTBEAT_INTERVAL,
      timeoutMs: env.AGENT_TIMEOUT,
    };
  }),
});

export const devicesRouter = router({
  list: authedProcedure.input(ListDevicesInputSchema).query(({ ctx, input }) => ctx.app.services.devices.list(input)),
  get: authedProcedure.input(Id).query(({ ctx, input }) => ctx.app.services.devices.get(input.id)),
});

export const tasksRouter = router({
  list: authedProcedure.input(ListTasksInputSchema).query(({ ctx, input }) => ctx.app.services.tasks.list(input)),
});

export const historyRouter = router({
  list: authedProcedure.input(ListHistoryInputSchema).query(({ ctx, input }) => ctx.app.services.history.list(input)),
});

export const templatesRouter = router({
  list: authedProcedure.input(ListTemplatesInputSchema).query(({ ctx, input }) => ctx.app.services.templates.list(input)),
  get: authedProcedure.input(Id).query(({ ctx, input }) => ctx.app.services.templates.get(input.id)),
});

export const notificationsRouter = router({
  list: authedProcedure.input(ListNotificationsInputSchema).query(({ ctx, input }) => ctx.app.services.notifications.list(input)),
  unreadCount: authedProcedure.query(({ ctx }) => ctx.app.services.notifications.unreadCount()),
  markRead: authedProcedure
    .input(z.object({ ids: z.array(z.string().uuid()).min(1).max(500) }))
    .mutation(({ ctx, input }) => ctx.app.services.notifications.markRead(input.ids)),
  markAllRead: authedProcedure.mutation(({ ctx }) => ctx.app.services.notifications.markAllRead()),
});

export const settingsRouter = router({
  get: authedProcedure.query(({ ctx }) => ctx.app.services.settings.get()),
  update: adminProcedure.input(SettingsSchema.partial()).mutation(({ ctx, input }) => ctx.app.services.settings.update(input)),
});

export const dashboardRouter = router({
  summary: authedProcedure.query(async ({ ctx }) => {
    const [agents, devices, unread] = await Promise.all([
      ctx.app.services.agents.counts(),
      ctx.app.services.devices.counts(),
      ctx.app.services.notifications.unreadCount(),
    ]);
    return { agents, devices, unreadNotifications: unread };
  }),
});

export const searchRouter = router({
  query: authedProcedure.input(SearchInputSchema).query(({ ctx, input }) => ctx.app.services.search.query(input)),
});

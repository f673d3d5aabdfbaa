// Thin procedures over the read services. Each is parse → call → return.
import { z } from "zod";
import { adminProcedure, authedProcedure, operatorProcedure, router } from "../trpc.ts";
import { ListAgentsInputSchema } from "../../services/agents.ts";
import { ListDevicesInputSchema } from "../../services/devices.ts";
import { ListNotificationsInputSchema } from "../../services/notifications.ts";
import { createDashboardService } from "../../services/dashboard.ts";
import { SettingsSchema } from "../../services/settings.ts";
import { SaveDraftInputSchema, SaveTemplateInputSchema } from "../../services/template-store.ts";
import { ListHistoryInputSchema, ListTemplatesInputSchema, SearchInputSchema, TemplateKinds } from "../../services/queries.ts";

const Id = z.object({ id: z.string().uuid() });
const Name = z.string().trim().min(1).max(255);
const Labels = z.array(z.string().trim().min(1).max(100).regex(/^[\w.:=/-]+$/, "letters, digits and _ . : = / - only")).max(50);
// rauto's ConnectionRequest; unknown fields pass through to the agent
const ConnectionSchema = z.looseObject({
  host: z.string().trim().min(1).max(255).optional(),
  port: z.number().int().min(1).max(65_535).optional(),
  username: z.string().max(255).optional(),
  password: z.string().max(1024).optional(),
  enable_password: z.string().max(1024).optional(),
  device_profile: z.string().max(128).optional(),
  ssh_security: z.string().max(64).optional(),
  linux_shell_flavor: z.string().max(64).optional(),
});

export const agentsRouter = router({
  list: authedProcedure.input(ListAgentsInputSchema).query(({ ctx, input }) => ctx.app.services.agents.list(input)),
  get: authedProcedure.input(Id).query(({ ctx, input }) => ctx.app.services.agents.get(input.id)),
  delete: adminProcedure.input(Id).mutation(({ ctx, input }) => ctx.app.services.agents.delete(input.id)),
  setLabels: operatorProcedure.input(Id.extend({ labels: Labels })).mutation(({ ctx, input }) => ctx.app.services.agents.setLabels(input.id, input.labels)),
  health: authedProcedure.input(Id).query(({ ctx, input }) => ctx.app.services.agentOps.health(input.id)),
  info: authedProcedure.input(Id).query(({ ctx, input }) => ctx.app.services.agentOps.info(input.id)),
  status: authedProcedure.input(Id).query(({ ctx, input }) => ctx.app.services.agentOps.status(input.id)),
  connections: authedProcedure.input(Id).query(({ ctx, input }) => ctx.app.services.agentOps.connections(input.id)),
  connection: authedProcedure.input(Id.extend({ name: Name })).query(({ ctx, input }) => ctx.app.services.agentOps.connection(input.id, input.name)),
  saveConnection: adminProcedure
    .input(Id.extend({ name: Name, connection: ConnectionSchema, savePassword: z.boolean().default(true) }))
    .mutation(({ ctx, input }) => ctx.app.services.agentOps.saveConnection(input.id, input.name, input.connection, input.savePassword)),
  testConnection: operatorProcedure
    .input(Id.extend({ connection: ConnectionSchema.extend({ connection_name: Name.optional() }) }))
    .mutation(({ ctx, input }) => ctx.app.services.agentOps.testConnection(input.id, input.connection)),
  templates: authedProcedure.input(Id.extend({ kind: z.enum(TemplateKinds) })).query(({ ctx, input }) => ctx.app.services.agentOps.templates(input.id, input.kind)),
  template: authedProcedure.input(Id.extend({ kind: z.enum(TemplateKinds), name: Name })).query(({ ctx, input }) => ctx.app.services.agentOps.template(input.id, input.kind, input.name)),
  saveTemplate: adminProcedure
    .input(Id.extend({ kind: z.enum(TemplateKinds), name: Name, content: z.string().max(1_000_000), mode: z.enum(["create", "update"]) }))
    .mutation(({ ctx, input }) => ctx.app.services.agentOps.saveTemplate(input.id, input.kind, input.name, input.content, input.mode)),
  deviceProfiles: authedProcedure.input(Id).query(({ ctx, input }) => ctx.app.services.agentOps.deviceProfiles(input.id)),
  profileModes: authedProcedure.input(Id.extend({ profile: Name })).query(({ ctx, input }) => ctx.app.services.agentOps.profileModes(input.id, input.profile)),
  probeDevices: operatorProcedure
    .input(Id.extend({ connections: z.array(Name).max(10_000).optional(), timeoutSecs: z.number().int().min(1).max(120).default(10) }))
    .mutation(({ ctx, input }) => ctx.app.services.agentOps.probeDevices(input.id, input.connections, input.timeoutSecs)),
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
  setLabels: operatorProcedure.input(Id.extend({ labels: Labels })).mutation(({ ctx, input }) => ctx.app.services.devices.setLabels(input.id, input.labels)),
  statusHistory: authedProcedure
    .input(Id.extend({ cursor: z.string().regex(/^\d{1,20}$/).nullish(), limit: z.number().int().min(1).max(200).default(50) }))
    .query(({ ctx, input }) => ctx.app.services.devices.statusHistory(input.id, input.cursor, input.limit)),
  runs: authedProcedure
    .input(Id.extend({ cursor: z.string().max(512).nullish(), limit: z.number().int().min(1).max(200).default(50) }))
    .query(({ ctx, input }) => ctx.app.services.devices.runs(input.id, input.cursor, input.limit)),
});

export const historyRouter = router({
  list: authedProcedure.input(ListHistoryInputSchema).query(({ ctx, input }) => ctx.app.services.history.list(input)),
});

export const templatesRouter = router({
  list: authedProcedure.input(ListTemplatesInputSchema).query(({ ctx, input }) => ctx.app.services.templates.list(input)),
  get: authedProcedure.input(Id).query(({ ctx, input }) => ctx.app.services.templates.get(input.id)),
  save: operatorProcedure.input(SaveTemplateInputSchema).mutation(({ ctx, input }) => ctx.app.services.templateStore.save(input, ctx.user.id)),
  delete: operatorProcedure.input(Id).mutation(({ ctx, input }) => ctx.app.services.templateStore.delete(input.id)),
  pull: operatorProcedure
    // version: the stored template's version the operator reviewed; needed to replace different content
    .input(z.object({ agentId: z.string().uuid(), kind: z.enum(TemplateKinds), name: Name, version: z.number().int().min(1).optional() }))
    .mutation(({ ctx, input }) => ctx.app.services.templateStore.pull(input.agentId, input.kind, input.name, ctx.user.id, { version: input.version })),
  push: adminProcedure
    .input(Id.extend({ agentIds: z.array(z.string().uuid()).min(1).max(500) }))
    .mutation(({ ctx, input }) => ctx.app.services.templateStore.push(input.id, input.agentIds)),
  drafts: authedProcedure.query(({ ctx }) => ctx.app.services.templateStore.drafts.list(ctx.user.id)),
  draft: authedProcedure.input(Id).query(({ ctx, input }) => ctx.app.services.templateStore.drafts.get(ctx.user.id, input.id)),
  saveDraft: operatorProcedure.input(SaveDraftInputSchema).mutation(({ ctx, input }) => ctx.app.services.templateStore.drafts.save(ctx.user.id, input)),
  deleteDraft: operatorProcedure.input(Id).mutation(({ ctx, input }) => ctx.app.services.templateStore.drafts.delete(ctx.user.id, input.id)),
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
  clearHistory: adminProcedure.input(z.object({ olderThanDays: z.number().int().min(0).max(3650) })).mutation(({ ctx, input }) => ctx.app.services.dataAdmin.clearHistory(input.olderThanDays)),
  clearNotifications: adminProcedure.input(z.object({ readOnly: z.boolean() })).mutation(({ ctx, input }) => ctx.app.services.dataAdmin.clearNotifications(input.readOnly)),
  reset: adminProcedure.input(z.object({ confirm: z.string().max(100) })).mutation(({ ctx, input }) => ctx.app.services.dataAdmin.reset(input.confirm)),
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
  /** everything the dashboard draws besides the summary: charts, recent failures, recent notifications */
  activity: authedProcedure.query(async ({ ctx }) => {
    const dash = createDashboardService({ db: ctx.app.db });
    const [days, perMinute, heartbeats, failedRuns, notifications] = await Promise.all([
      dash.outcomesByDay(7),
      dash.activityPerMinute(60),
      dash.heartbeatFreshness(),
      dash.recentFailedRuns(8),
      dash.recentNotifications(6),
    ]);
    return { days, perMinute, heartbeats, failedRuns, notifications };
  }),
});

export const searchRouter = router({
  query: authedProcedure.input(SearchInputSchema).query(({ ctx, input }) => ctx.app.services.search.query(input)),
});

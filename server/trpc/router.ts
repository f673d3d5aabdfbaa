import { createCallerFactory, router } from "./trpc.ts";
import { authRouter } from "./routers/auth.ts";
import {
  agentsRouter,
  dashboardRouter,
  devicesRouter,
  historyRouter,
  notificationsRouter,
  searchRouter,
  settingsRouter,
  templatesRouter,
} from "./routers/resources.ts";
import { tasksRouter } from "./routers/tasks.ts";
import { systemRouter } from "./routers/system.ts";
import { liveRouter } from "./routers/live.ts";

export const appRouter = router({
  auth: authRouter,
  agents: agentsRouter,
  devices: devicesRouter,
  tasks: tasksRouter,
  history: historyRouter,
  notifications: notificationsRouter,
  templates: templatesRouter,
  settings: settingsRouter,
  dashboard: dashboardRouter,
  search: searchRouter,
  system: systemRouter,
  live: liveRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
export type Caller = ReturnType<typeof createCaller>;

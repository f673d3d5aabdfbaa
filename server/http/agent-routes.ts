// The agent HTTP contract (rauto in --report-mode http): POST /api/agents/*.
// Every route is authenticated with the shared agent token and validated with zod.
import express, { type NextFunction, type Request, type Response } from "express";
import type { AppContext } from "../app-context.ts";
import { AppError, ERROR_TABLE, toAppError } from "../errors.ts";
import { createAgentAuth } from "../services/agent-auth.ts";
import {
  HeartbeatSchema,
  OfflineSchema,
  RegisterAgentSchema,
  ReportDevicesSchema,
  ReportErrorSchema,
  TaskCallbackSchema,
  TaskEventSchema,
  UpdateDeviceStatusSchema,
} from "../services/agent-report-schemas.ts";
import { parseInput } from "../services/validate.ts";

export function sendAgentError(res: Response, err: unknown, log: AppContext["log"]) {
  const app = toAppError(err);
  if (app.code === "INTERNAL") log.error({ err }, "agent HTTP request failed");
  // rauto reads `error` from failure bodies; `success:false` keeps the envelope shape
  res.status(ERROR_TABLE[app.code].http).json({ success: false, error: app.message, ...(app.details?.fields ? { fields: app.details.fields } : {}) });
}

export function createAgentRouter(app: AppContext) {
  const router = express.Router();
  const auth = createAgentAuth(app.env.AGENT_API_KEY);

  router.use((req: Request, res: Response, next: NextFunction) => {
    try {
      auth.check(req.get("authorization"), req.get("x-api-key"));
      next();
    } catch (err) {
      sendAgentError(res, err, app.log);
    }
  });
  router.use(express.json({ limit: app.env.AGENT_HTTP_BODY_LIMIT, strict: false, type: () => true }));

  const reports = app.services.agentReports;
  // one line per route: parse the body, call the service, answer in rauto's envelope
  const route = (path: string, handle: (body: unknown) => Promise<{ status?: number; data?: unknown }>) =>
    router.post(path, async (req: Request, res: Response) => {
      try {
        const out = await handle(req.body);
        res.status(out.status ?? 200).json(out.data === undefined ? { success: true } : { success: true, data: out.data });
      } catch (err) {
        sendAgentError(res, err, app.log);
      }
    });

  route("/register", async (b) => ({ status: 201, data: await reports.register(parseInput(RegisterAgentSchema, b, "register request"), "http") }));
  route("/heartbeat", async (b) => (await reports.heartbeat(parseInput(HeartbeatSchema, b, "heartbeat")), {}));
  route("/offline", async (b) => (await reports.offline(parseInput(OfflineSchema, b, "offline notice").name), {}));
  route("/report-devices", async (b) => {
    const r = await reports.reportDevices(parseInput(ReportDevicesSchema, b, "device report"));
    return { data: { synced: r.synced, changed: r.changed, removed: r.removed } };
  });
  route("/update-device-status", async (b) => {
    const r = await reports.updateDeviceStatus(parseInput(UpdateDeviceStatusSchema, b, "device status report"));
    return { data: { updated: r.updated } };
  });
  route("/report-error", async (b) => ({ status: 202, data: await reports.reportError(parseInput(ReportErrorSchema, b, "error report")) }));
  route("/report-task-event", async (b) => ({ data: await reports.reportTaskEvent(parseInput(TaskEventSchema, b, "task event")) }));
  route("/report-task-callback", async (b) => {
    const r = await reports.reportTaskCallback(parseInput(TaskCallbackSchema, b, "task callback"));
    return { data: { duplicate: r.duplicate } };
  });

  router.use((req: Request, res: Response) => {
    sendAgentError(res, new AppError("NOT_FOUND", `No agent endpoint ${req.method} ${req.baseUrl}${req.path}.`), app.log);
  });
  // body-parser failures (malformed JSON, too large) arrive here
  router.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const e = err as { type?: string; status?: number };
    if (e?.type === "entity.parse.failed") return sendAgentError(res, new AppError("INVALID_ARGUMENT", "Malformed JSON body."), app.log);
    if (e?.type === "entity.too.large") {
      res.status(413).json({ success: false, error: `Body larger than AGENT_HTTP_BODY_LIMIT (${app.env.AGENT_HTTP_BODY_LIMIT}).` });
      return;
    }
    sendAgentError(res, err, app.log);
  });
  return router;
}

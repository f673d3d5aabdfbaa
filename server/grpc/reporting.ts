// rauto.manager.v1.AgentReportingService: the same reports as the HTTP
// contract, over gRPC. Each handler: authenticate, convert the message to the
// contract's JSON shape, validate with the shared schema, call the service.
import * as grpc from "@grpc/grpc-js";
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
import { metricsFor } from "../metrics/registry.ts";

type Msg = Record<string, unknown>;

/** uint64 arrive as decimal strings (proto-loader longs: String). */
function u64(msg: Msg, field: string) {
  const v = msg[field];
  if (typeof v === "string" && /^\d+$/.test(v)) msg[field] = Number(v);
}

/**
 * proto3 does not send a field that holds its zero value (prost, which rauto
 * uses, leaves out false, 0, "" and empty lists), and proto-loader runs with
 * defaults off so that a missing required field can be named. Where zero is a
 * legal value, put it back: `reachable: false`, `retryable: false`, an empty
 * `message`, `execution_time_ms: 0`, an empty inventory.
 */
function zero(msg: Msg, field: string, value: unknown) {
  if (msg[field] === undefined || msg[field] === null) msg[field] = value;
}

/** `*_json` string fields carry JSON; the shared schemas expect the parsed value under the HTTP name. */
function jsonField(msg: Msg, field: string, target: string) {
  const raw = msg[field];
  delete msg[field];
  if (raw === undefined || raw === null || raw === "") return;
  try {
    msg[target] = JSON.parse(String(raw));
  } catch {
    throw new AppError("INVALID_ARGUMENT", `Invalid request: ${field} is not valid JSON.`, { fields: [{ path: field, message: "is not valid JSON" }] });
  }
}

export function createReportingHandlers(app: AppContext): grpc.UntypedServiceImplementation {
  const auth = createAgentAuth(app.env.AGENT_API_KEY);
  const reports = app.services.agentReports;
  const log = app.log.child({ part: "grpc" });
  const metrics = metricsFor(app);

  const unary =
    (handle: (msg: Msg) => Promise<Msg>): grpc.handleUnaryCall<Msg, Msg> =>
    async (call, callback) => {
      const start = process.hrtime.bigint();
      const observe = (code: grpc.status) =>
        metrics.observeGrpc(call.getPath().split("/").pop() ?? "unknown", grpc.status[code] ?? String(code), Number(process.hrtime.bigint() - start) / 1e9);
      try {
        const md = call.metadata;
        auth.check(md.get("authorization")[0]?.toString(), md.get("x-api-key")[0]?.toString());
        const reply = await handle({ ...call.request });
        observe(grpc.status.OK);
        return callback(null, reply);
      } catch (err) {
        const e = toAppError(err);
        if (e.code === "INTERNAL") log.error({ err, method: call.getPath() }, "gRPC report failed");
        observe(ERROR_TABLE[e.code].grpc);
        return callback({ code: ERROR_TABLE[e.code].grpc, details: e.message });
      }
    };

  return {
    RegisterAgent: unary(async (m) => {
      await reports.register(parseInput(RegisterAgentSchema, m, "RegisterAgentRequest"), "grpc");
      return { success: true };
    }),
    SendHeartbeat: unary(async (m) => {
      u64(m, "uptime_seconds");
      await reports.heartbeat(parseInput(HeartbeatSchema, m, "HeartbeatRequest"));
      return { success: true };
    }),
    NotifyOffline: unary(async (m) => {
      await reports.offline(parseInput(OfflineSchema, m, "OfflineRequest").name);
      return { success: true };
    }),
    ReportDevices: unary(async (m) => {
      zero(m, "devices", []);
      const r = await reports.reportDevices(parseInput(ReportDevicesSchema, m, "ReportDevicesRequest"));
      return { success: true, synced: r.synced };
    }),
    UpdateDeviceStatus: unary(async (m) => {
      zero(m, "devices", []);
      if (Array.isArray(m.devices)) for (const d of m.devices as Msg[]) if (d && typeof d === "object") zero(d, "reachable", false);
      const r = await reports.updateDeviceStatus(parseInput(UpdateDeviceStatusSchema, m, "UpdateDeviceStatusRequest"));
      return { success: true, updated: r.updated };
    }),
    ReportError: unary(async (m) => {
      zero(m, "retryable", false);
      zero(m, "message", "");
      jsonField(m, "details_json", "details");
      await reports.reportError(parseInput(ReportErrorSchema, m, "ReportErrorRequest"));
      return { success: true };
    }),
    ReportTaskEvent: unary(async (m) => {
      zero(m, "message", "");
      jsonField(m, "details_json", "details");
      await reports.reportTaskEvent(parseInput(TaskEventSchema, m, "TaskEventRequest"));
      return { success: true };
    }),
    ReportTaskCallback: unary(async (m) => {
      zero(m, "execution_time_ms", 0);
      u64(m, "execution_time_ms");
      jsonField(m, "result_json", "result");
      jsonField(m, "result_summary_json", "result_summary");
      await reports.reportTaskCallback(parseInput(TaskCallbackSchema, m, "TaskCallbackRequest"));
      return { success: true };
    }),
  };
}

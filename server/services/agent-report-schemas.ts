// What rauto agents send, in the agent's own snake_case field names. Both the
// HTTP and the gRPC adapters validate against these same schemas (the gRPC
// adapter first turns its *_json strings into JSON and uint64 strings into numbers).
import { z } from "zod";

const U32 = 4_294_967_295;
// counters are stored in 32-bit signed columns; a larger value is refused, not truncated
const INT4 = 2_147_483_647;
const u32 = z.number({ error: "must be a number" }).int("must be a whole number").min(0, "must not be negative").max(U32, "is larger than a u32");
const count = z.number({ error: "must be a number" }).int("must be a whole number").min(0, "must not be negative").max(INT4, `must be at most ${INT4}`);
const u16port = z.number({ error: "must be a number" }).int("must be a whole number").min(1, "must be 1-65535").max(65_535, "must be 1-65535");
// uptime is a u64 on the wire; anything past 2^53 is not a real uptime
const u64 = z.number({ error: "must be a number" }).int("must be a whole number").min(0, "must not be negative").max(Number.MAX_SAFE_INTEGER, "is too large");

// PostgreSQL text cannot hold NUL, and an unpaired UTF-16 surrogate is not text at all
// (jsonb refuses it; text columns would silently get U+FFFD)
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const BAD_TEXT_MESSAGE = "must not contain NUL characters or unpaired surrogates";
const cleanText = (s: string) => !s.includes("\u0000") && !LONE_SURROGATE.test(s);

const name = z.string({ error: "must be a string" }).trim().min(1, "must not be empty").max(255, "must be at most 255 characters").refine(cleanText, BAD_TEXT_MESSAGE);
const host = z.string({ error: "must be a string" }).trim().min(1, "must not be empty").max(255, "must be at most 255 characters").refine(cleanText, BAD_TEXT_MESSAGE);
const text = (max: number) => z.string({ error: "must be a string" }).max(max, `must be at most ${max} characters`).refine(cleanText, BAD_TEXT_MESSAGE);

// timestamptz starts at year 1 (there is no year 0000) and RFC 3339 ends at 9999
const MIN_TIME = Date.parse("0001-01-01T00:00:00Z");
const MAX_TIME = Date.parse("9999-12-31T23:59:59.999Z");
const timestamp = z.iso.datetime({ offset: true, message: "must be an RFC 3339 timestamp" }).refine((s) => {
  const t = Date.parse(s);
  return t >= MIN_TIME && t <= MAX_TIME;
}, "must be an RFC 3339 timestamp between years 0001 and 9999");

/** Deeper JSON than the database driver accepts (its parser stops at 128 levels, wrapper included). */
export const MAX_JSON_DEPTH = 100;

/** What makes a JSON value unstorable, with where it is ("" when it is fine). */
function jsonProblem(value: unknown): string {
  const stack: Array<{ v: unknown; depth: number; at: string }> = [{ v: value, depth: 0, at: "" }];
  while (stack.length) {
    const { v, depth, at } = stack.pop()!;
    if (typeof v === "string") {
      if (!cleanText(v)) return `${BAD_TEXT_MESSAGE} (at ${at || "the top level"})`;
    } else if (v !== null && typeof v === "object") {
      if (depth >= MAX_JSON_DEPTH) return `is nested deeper than ${MAX_JSON_DEPTH} levels`;
      if (Array.isArray(v)) v.forEach((x, i) => stack.push({ v: x, depth: depth + 1, at: `${at}[${i}]` }));
      else {
        for (const [k, x] of Object.entries(v)) {
          if (!cleanText(k)) return `has a key that ${BAD_TEXT_MESSAGE} (at ${at || "the top level"})`;
          stack.push({ v: x, depth: depth + 1, at: `${at}.${k}` });
        }
      }
    }
  }
  return "";
}
const storableJson = (v: unknown, ctx: z.RefinementCtx) => {
  const problem = jsonProblem(v);
  if (problem) ctx.addIssue({ code: "custom", message: problem });
};
const json = z.unknown().superRefine(storableJson);

export const RegisterAgentSchema = z.object({
  name,
  host,
  port: u16port,
  version: text(64).default(""),
  capabilities: z.array(text(128)).max(256, "at most 256 capabilities").default([]),
  connections_count: count.default(0),
  templates_count: count.default(0),
});

export const HeartbeatSchema = z.object({
  name,
  status: text(32).default("online"),
  running_tasks: count.default(0),
  connections_count: count.default(0),
  templates_count: count.default(0),
  uptime_seconds: u64.default(0),
});

export const OfflineSchema = z.object({ name });

export const MAX_DEVICES_PER_REPORT = 100_000;

const uniqueNames = <T extends { name: string }>(devices: T[], ctx: z.RefinementCtx) => {
  const seen = new Map<string, number>();
  devices.forEach((d, i) => {
    const first = seen.get(d.name);
    if (first !== undefined) {
      ctx.addIssue({ code: "custom", path: ["devices", i, "name"], message: `duplicates devices.${first}.name ("${d.name}")` });
    } else seen.set(d.name, i);
  });
};

export const ReportDevicesSchema = z
  .object({
    name,
    devices: z
      .array(z.object({ name, host, port: u16port, device_profile: text(128).default("") }))
      .max(MAX_DEVICES_PER_REPORT, `at most ${MAX_DEVICES_PER_REPORT} devices per report`),
  })
  .superRefine((v, ctx) => uniqueNames(v.devices, ctx));

export const UpdateDeviceStatusSchema = z
  .object({
    name,
    devices: z
      .array(z.object({ name, host: text(255).default(""), reachable: z.boolean({ error: "must be true or false" }) }))
      .max(MAX_DEVICES_PER_REPORT, `at most ${MAX_DEVICES_PER_REPORT} devices per report`),
  })
  .superRefine((v, ctx) => uniqueNames(v.devices, ctx));

export const ErrorCategories = ["async_delivery", "sync", "runtime"] as const;
export const ErrorSeverities = ["warning", "error"] as const;

export const ReportErrorSchema = z.object({
  name,
  category: z.enum(ErrorCategories, { error: `must be one of ${ErrorCategories.join(", ")}` }),
  kind: text(128).min(1, "must not be empty"),
  severity: z.enum(ErrorSeverities, { error: `must be one of ${ErrorSeverities.join(", ")}` }),
  occurred_at: timestamp,
  retryable: z.boolean({ error: "must be true or false" }),
  message: text(10_000),
  task_id: text(128).optional(),
  operation: text(64).optional(),
  target_url: text(2048).optional(),
  http_method: text(16).optional(),
  http_status: z.number({ error: "must be a number" }).int("must be a whole number").min(100, "must be an HTTP status").max(599, "must be an HTTP status").optional(),
  details: json.optional(),
});

export const TaskEventTypes = ["started", "progress", "log", "step_started", "step_completed", "warning", "failed", "completed"] as const;
export const EventLevels = ["info", "success", "warning", "error"] as const;

export const TaskEventSchema = z.object({
  task_id: text(128).min(1, "must not be empty"),
  agent_name: name,
  event_type: z.enum(TaskEventTypes, { error: `must be one of ${TaskEventTypes.join(", ")}` }),
  message: text(65_536),
  level: z.enum(EventLevels, { error: `must be one of ${EventLevels.join(", ")}` }),
  occurred_at: timestamp,
  stage: text(255).optional(),
  progress: z.number().int("must be a whole number").min(0, "must be 0-100").max(100, "must be 0-100").optional(),
  details: json.optional(),
});

export const CallbackStatuses = ["success", "failed"] as const;

export const ResultSummarySchema = z
  .looseObject({
  operation: text(64).optional(),
  outcome: z.enum(["success", "partial_success", "failed", "dry_run"]).optional(),
  success: z.boolean().optional(),
  summary: text(65_536).optional(),
  counts: z
    .looseObject({ total: u32.optional(), succeeded: u32.optional(), failed: u32.optional(), skipped: u32.optional() })
    .optional(),
    recording_available: z.boolean().optional(),
    details: z.unknown().optional(),
  })
  // unknown keys are kept as they are, so the whole object is checked
  .superRefine(storableJson);

export const TaskCallbackSchema = z.object({
  task_id: text(128).min(1, "must not be empty"),
  agent_name: name,
  status: z.enum(CallbackStatuses, { error: `must be one of ${CallbackStatuses.join(", ")}` }),
  started_at: timestamp,
  completed_at: timestamp,
  execution_time_ms: u64,
  result_summary: ResultSummarySchema.optional().nullable(),
  result: json.optional(),
  error: text(65_536).optional().nullable(),
});

export type RegisterAgentReport = z.infer<typeof RegisterAgentSchema>;
export type HeartbeatReport = z.infer<typeof HeartbeatSchema>;
export type ReportDevicesReport = z.infer<typeof ReportDevicesSchema>;
export type UpdateDeviceStatusReport = z.infer<typeof UpdateDeviceStatusSchema>;
export type ErrorReport = z.infer<typeof ReportErrorSchema>;
export type TaskEventReport = z.infer<typeof TaskEventSchema>;
export type TaskCallbackReport = z.infer<typeof TaskCallbackSchema>;

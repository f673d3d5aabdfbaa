// Every setting Switchyard reads, parsed once at start-up. A bad value stops
// the process with one readable line per variable.
import path from "node:path";
import { z } from "zod";

const bool = (def: boolean) =>
  z
    .enum(["true", "false", "1", "0", "yes", "no", "on", "off", ""])
    .optional()
    .transform((v) => (v === undefined || v === "" ? def : ["true", "1", "yes", "on"].includes(v)));

const int = (def: number, min: number, max: number) =>
  z.coerce.number().int().min(min).max(max).default(def);

const optionalUrl = z
  .string()
  .url()
  .optional()
  .or(z.literal("").transform(() => undefined));

export const ROLES = ["web", "grpc", "worker"] as const;
export type Role = (typeof ROLES)[number];

const EnvSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("production"),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "must be a postgresql:// URL")
    .optional()
    .or(z.literal("").transform(() => undefined)),
  SWITCHYARD_DATA_DIR: z.string().min(1).default("./data"),
  EMBEDDED_PG_PORT: int(0, 0, 65535),
  DATABASE_POOL_SIZE: int(20, 2, 500),
  HOST: z.string().min(1).default("0.0.0.0"),
  PORT: int(3000, 0, 65535),
  SWITCHYARD_ROLES: z
    .string()
    .default("web,grpc,worker")
    .transform((s, ctx) => {
      const roles = s.split(",").map((r) => r.trim()).filter(Boolean);
      const bad = roles.filter((r) => !(ROLES as readonly string[]).includes(r));
      if (bad.length || roles.length === 0) {
        ctx.addIssue({ code: "custom", message: `unknown role(s) ${bad.join(", ") || "(none)"}; use any of ${ROLES.join(", ")}` });
        return z.NEVER;
      }
      return [...new Set(roles)] as Role[];
    }),
  AGENT_API_KEY: z
    .string()
    .optional()
    .transform((v) => (v && v.length > 0 ? v : undefined))
    .refine((v) => v === undefined || v.length >= 16, "must be at least 16 characters (use `openssl rand -hex 32`)"),
  AGENT_TIMEOUT: int(120_000, 1_000, 86_400_000),
  AGENT_HEARTBEAT_INTERVAL: int(30_000, 1_000, 3_600_000),
  AGENT_SWEEP_INTERVAL: int(5_000, 200, 600_000),
  AGENT_HTTP_BODY_LIMIT: z.string().regex(/^\d+(b|kb|mb)$/i, "like 32mb").default("32mb"),
  AGENT_CALL_TIMEOUT: int(10_000, 100, 600_000),
  MANAGER_GRPC_ENABLED: bool(true),
  MANAGER_GRPC_HOST: z.string().min(1).default("0.0.0.0"),
  MANAGER_GRPC_PORT: int(50051, 0, 65535),
  MANAGER_GRPC_MAX_MESSAGE_BYTES: int(16_777_216, 1024, 1_073_741_824),
  PUBLIC_URL: optionalUrl,
  PUBLIC_GRPC_URL: optionalUrl,
  TASK_DEFAULT_DEADLINE_SECONDS: int(3600, 1, 7 * 86_400),
  SESSION_TTL_HOURS: int(24 * 7, 1, 24 * 365),
  SESSION_COOKIE_SECURE: z.enum(["auto", "true", "false"]).default("auto"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  SHUTDOWN_GRACE_MS: int(15_000, 0, 600_000),
  MAINTENANCE_LOCK_MAX_WAIT_MS: int(600_000, 0, 86_400_000),
});

export type Env = z.output<typeof EnvSchema> & { dataDir: string };

export class EnvError extends Error {}

export function parseEnv(source: Record<string, string | undefined> = process.env): Env {
  const res = EnvSchema.safeParse(source);
  if (!res.success) {
    const lines = res.error.issues.map((i) => `  ${i.path.join(".") || "(env)"}: ${i.message}`);
    throw new EnvError(`Invalid configuration:\n${lines.join("\n")}\nSee .env.example for every variable.`);
  }
  return { ...res.data, dataDir: path.resolve(res.data.SWITCHYARD_DATA_DIR) };
}

// One error type for the whole server and one table that maps it onto each
// transport. Services throw AppError; adapters translate.
import { status as GrpcStatus } from "@grpc/grpc-js";

export type AppErrorCode =
  | "INVALID_ARGUMENT"
  | "UNAUTHENTICATED"
  | "FORBIDDEN"
  | "NOT_FOUND"
  | "CONFLICT"
  | "FAILED_PRECONDITION"
  | "TOO_MANY_REQUESTS"
  | "UNAVAILABLE"
  | "DEADLINE_EXCEEDED"
  | "INTERNAL";

export interface FieldError {
  path: string;
  message: string;
}

export class AppError extends Error {
  constructor(
    public readonly code: AppErrorCode,
    message: string,
    public readonly details?: { fields?: FieldError[]; [k: string]: unknown },
  ) {
    super(message);
    this.name = "AppError";
  }
}

export const ERROR_TABLE: Record<
  AppErrorCode,
  {
    http: number;
    grpc: GrpcStatus;
    trpc:
      | "BAD_REQUEST"
      | "UNAUTHORIZED"
      | "FORBIDDEN"
      | "NOT_FOUND"
      | "CONFLICT"
      | "PRECONDITION_FAILED"
      | "TOO_MANY_REQUESTS"
      | "SERVICE_UNAVAILABLE"
      | "TIMEOUT"
      | "INTERNAL_SERVER_ERROR";
  }
> = {
  INVALID_ARGUMENT: { http: 400, grpc: GrpcStatus.INVALID_ARGUMENT, trpc: "BAD_REQUEST" },
  UNAUTHENTICATED: { http: 401, grpc: GrpcStatus.UNAUTHENTICATED, trpc: "UNAUTHORIZED" },
  FORBIDDEN: { http: 403, grpc: GrpcStatus.PERMISSION_DENIED, trpc: "FORBIDDEN" },
  NOT_FOUND: { http: 404, grpc: GrpcStatus.NOT_FOUND, trpc: "NOT_FOUND" },
  CONFLICT: { http: 409, grpc: GrpcStatus.ALREADY_EXISTS, trpc: "CONFLICT" },
  FAILED_PRECONDITION: { http: 412, grpc: GrpcStatus.FAILED_PRECONDITION, trpc: "PRECONDITION_FAILED" },
  TOO_MANY_REQUESTS: { http: 429, grpc: GrpcStatus.RESOURCE_EXHAUSTED, trpc: "TOO_MANY_REQUESTS" },
  UNAVAILABLE: { http: 503, grpc: GrpcStatus.UNAVAILABLE, trpc: "SERVICE_UNAVAILABLE" },
  DEADLINE_EXCEEDED: { http: 504, grpc: GrpcStatus.DEADLINE_EXCEEDED, trpc: "TIMEOUT" },
  INTERNAL: { http: 500, grpc: GrpcStatus.INTERNAL, trpc: "INTERNAL_SERVER_ERROR" },
};

// node-postgres / Prisma codes that mean "the database is not reachable right now".
const UNAVAILABLE_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "57P01", // admin_shutdown
  "57P02",
  "57P03", // cannot_connect_now
  "53300", // too_many_connections
  "08000",
  "08003",
  "08006",
  "P1001",
  "P1017",
]);

function errCode(err: unknown): string | undefined {
  if (typeof err !== "object" || err === null) return undefined;
  const e = err as { code?: unknown; cause?: unknown; meta?: { driverAdapterError?: { cause?: { originalCode?: string; kind?: string } } } };
  if (typeof e.code === "string") return e.code;
  const da = e.meta?.driverAdapterError?.cause;
  if (da?.originalCode) return da.originalCode;
  return undefined;
}

function looksUnavailable(err: unknown, depth = 0): boolean {
  if (depth > 4 || typeof err !== "object" || err === null) return false;
  const code = errCode(err);
  if (code && UNAVAILABLE_CODES.has(code)) return true;
  const msg = (err as { message?: unknown }).message;
  if (typeof msg === "string" && /Connection terminated|connection timeout|ECONNREFUSED|Can't reach database|terminating connection|is not queryable/i.test(msg)) return true;
  return looksUnavailable((err as { cause?: unknown }).cause, depth + 1);
}

/** Turns anything thrown into an AppError without leaking internals. */
export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  const code = errCode(err);
  if (code === "P2025") return new AppError("NOT_FOUND", "The record does not exist (it may have been deleted).");
  if (code === "P2002" || code === "23505") return new AppError("CONFLICT", "A record with the same unique name already exists.");
  if (looksUnavailable(err)) {
    return new AppError("UNAVAILABLE", "The database is unavailable right now; retry in a few seconds.");
  }
  return new AppError("INTERNAL", "Internal error; the server log has the details.");
}

export const notFound = (what: string) => new AppError("NOT_FOUND", `${what} was not found.`);

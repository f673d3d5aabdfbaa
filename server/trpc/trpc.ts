import { initTRPC, TRPCError } from "@trpc/server";
import superjson from "superjson";
import { ZodError } from "zod";
import type { AppContext } from "../app-context.ts";
import { AppError, ERROR_TABLE, toAppError, type FieldError } from "../errors.ts";
import type { ClientInfo, SessionUser } from "../services/auth.ts";

export interface TrpcContext {
  app: AppContext;
  user: SessionUser | null;
  sessionId: string | null;
  client: ClientInfo;
  /** appends a Set-Cookie header to the HTTP response that carries this call */
  setCookie: (cookie: string) => void;
}

/** Usable from tests and from the Remix load context alike. */
export function createContextInner(opts: Partial<TrpcContext> & { app: AppContext }): TrpcContext {
  return {
    user: null,
    sessionId: null,
    client: { ip: "127.0.0.1", userAgent: null, secure: false },
    setCookie: () => {},
    ...opts,
  };
}

function fieldErrorsOf(cause: unknown): FieldError[] | undefined {
  if (cause instanceof ZodError) {
    return cause.issues.map((i) => ({ path: i.path.join(".") || "(input)", message: i.message }));
  }
  if (cause instanceof AppError) return cause.details?.fields;
  return undefined;
}

const t = initTRPC.context<TrpcContext>().create({
  transformer: superjson,
  errorFormatter({ shape, error }) {
    const fieldErrors = fieldErrorsOf(error.cause);
    const message =
      error.code === "BAD_REQUEST" && error.cause instanceof ZodError
        ? `Invalid input: ${(fieldErrors ?? []).map((f) => `${f.path}: ${f.message}`).join("; ")}`
        : shape.message;
    return {
      ...shape,
      message,
      // never ship stack traces to a browser
      data: { code: shape.data.code, httpStatus: shape.data.httpStatus, path: shape.data.path, fieldErrors: fieldErrors ?? null },
    };
  },
});

// Procedures throw AppError (or anything); this maps it once, logs what is
// unexpected, and replaces internals with a safe message.
const mapErrors = t.middleware(async ({ ctx, next, path, type }) => {
  const result = await next();
  if (result.ok) return result;
  const err = result.error;
  if (err.cause instanceof ZodError || (err.code !== "INTERNAL_SERVER_ERROR" && !(err.cause instanceof AppError))) return result;
  const app = toAppError(err.cause ?? err);
  if (app.code === "INTERNAL") ctx.app.log.error({ err: err.cause ?? err, path, type }, "tRPC procedure failed");
  return { ...result, error: new TRPCError({ code: ERROR_TABLE[app.code].trpc, message: app.message, cause: app }) };
});

/** The same mapping for code that runs outside the middleware (a subscription's generator). */
export function asTrpcError(err: unknown) {
  if (err instanceof TRPCError) return err;
  const app = toAppError(err);
  return new TRPCError({ code: ERROR_TABLE[app.code].trpc, message: app.message, cause: app });
}

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;
export const publicProcedure = t.procedure.use(mapErrors);

export const authedProcedure = publicProcedure.use(({ ctx, next }) => {
  if (!ctx.user || !ctx.sessionId) {
    throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in to continue; your session has ended or you are not signed in." });
  }
  return next({ ctx: { ...ctx, user: ctx.user, sessionId: ctx.sessionId } });
});

/** Changes things (dispatch, inventory, templates): operators and admins; a viewer only reads. */
export const operatorProcedure = authedProcedure.use(({ ctx, next }) => {
  if (ctx.user.role === "viewer") throw new TRPCError({ code: "FORBIDDEN", message: "Your account can view but not change anything; ask an administrator for the operator role." });
  return next();
});

export const adminProcedure = authedProcedure.use(({ ctx, next }) => {
  if (ctx.user.role !== "admin") throw new TRPCError({ code: "FORBIDDEN", message: "Only administrators can do this." });
  return next();
});

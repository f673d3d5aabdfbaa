// The web role: one Express app for the Remix UI, the tRPC operator API, the
// agent HTTP contract and the health endpoints.
import { randomUUID } from "node:crypto";
import path from "node:path";
import { fileURLToPath } from "node:url";
import fs from "node:fs";
import express, { type NextFunction, type Request, type Response } from "express";
import { createRequestHandler } from "@remix-run/express";
import type { ServerBuild } from "@remix-run/node";
import { createExpressMiddleware } from "@trpc/server/adapters/express";
import type { AppContext } from "../app-context.ts";
import { migrationsApplied, readMigrations } from "../db/migrate.ts";
import { appRouter, createCaller } from "../trpc/router.ts";
import { createContextInner, type TrpcContext } from "../trpc/trpc.ts";
import type { SessionUser } from "../services/auth.ts";
import { createAgentRouter } from "./agent-routes.ts";
import { metricsHandler, requestMetrics } from "./metrics.ts";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const BUILD_PATH = path.join(ROOT, "build", "index.js");

declare module "express-serve-static-core" {
  interface Request {
    id: string;
    auth?: { user: SessionUser | null; sessionId: string | null };
  }
}

function isSecure(req: Request, mode: AppContext["env"]["SESSION_COOKIE_SECURE"]) {
  if (mode === "true") return true;
  if (mode === "false") return false;
  return req.secure;
}

/** Refuses state-changing browser requests that come from another origin (CSRF). */
export function sameOriginGuard(req: Request, res: Response, next: NextFunction) {
  if (req.method === "GET" || req.method === "HEAD" || req.method === "OPTIONS") return next();
  const origin = req.get("origin");
  const fetchSite = req.get("sec-fetch-site");
  let ok = true;
  if (origin) {
    try {
      ok = new URL(origin).host === req.get("host");
    } catch {
      ok = false;
    }
  } else if (fetchSite && fetchSite !== "same-origin" && fetchSite !== "none") {
    ok = false;
  }
  if (ok) return next();
  res.status(403).json({ error: { message: "Cross-origin request refused. Use Switchyard from its own address." } });
}

export function createWebApp(app: AppContext, opts: { remix?: boolean } = {}) {
  const web = express();
  web.disable("x-powered-by");
  web.set("trust proxy", "loopback, linklocal, uniquelocal");
  const log = app.log.child({ part: "http" });

  web.use((req, res, next) => {
    req.id = req.get("x-request-id")?.slice(0, 128) || randomUUID();
    res.setHeader("x-request-id", req.id);
    const start = process.hrtime.bigint();
    res.on("finish", () => {
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      if (res.statusCode >= 500) log.warn({ reqId: req.id, method: req.method, url: req.originalUrl, status: res.statusCode, ms }, "request failed");
      else log.debug({ reqId: req.id, method: req.method, url: req.originalUrl, status: res.statusCode, ms }, "request");
    });
    next();
  });
  web.use(requestMetrics(app, new Set(Object.keys(appRouter._def.procedures))));
  web.get("/metrics", metricsHandler(app));

  web.get("/healthz", (_req, res) => {
    res.json({ status: "ok", uptimeSeconds: Math.round(process.uptime()) });
  });
  let migrationNames: string[] | undefined;
  web.get("/readyz", async (_req, res) => {
    try {
      migrationNames ??= (await readMigrations()).map((m) => m.name);
      const ok = await migrationsApplied(app.pool, migrationNames);
      if (app.runtime.draining) return void res.status(503).json({ status: "draining" });
      if (!ok) return void res.status(503).json({ status: "migrations pending" });
      res.json({ status: "ready" });
    } catch {
      res.status(503).json({ status: "database unreachable" });
    }
  });

  web.use("/api/agents", createAgentRouter(app));

  // static assets before sessions: they need none
  web.use("/build", express.static(path.join(ROOT, "public", "build"), { immutable: true, maxAge: "1y" }));
  web.use(express.static(path.join(ROOT, "public"), { maxAge: "1h" }));

  web.use(async (req, res, next) => {
    try {
      const sessionId = app.services.auth.readSessionId(req.get("cookie"));
      const v = await app.services.auth.validate(sessionId, isSecure(req, app.env.SESSION_COOKIE_SECURE));
      if (v.cookie) res.append("Set-Cookie", v.cookie);
      req.auth = { user: v.user, sessionId: v.session ? v.session.id : null };
      next();
    } catch (err) {
      next(err);
    }
  });
  web.use(sameOriginGuard);

  const contextFor = (req: Request, res: Response): TrpcContext =>
    createContextInner({
      app,
      user: req.auth?.user ?? null,
      sessionId: req.auth?.sessionId ?? null,
      client: { ip: req.ip ?? null, userAgent: req.get("user-agent") ?? null, secure: isSecure(req, app.env.SESSION_COOKIE_SECURE) },
      setCookie: (c) => res.append("Set-Cookie", c),
    });

  web.use(
    "/trpc",
    createExpressMiddleware({
      router: appRouter,
      createContext: ({ req, res }) => contextFor(req, res),
      maxBodySize: 1_000_000,
    }),
  );

  if (opts.remix !== false) {
    const dev = app.env.NODE_ENV === "development";
    let build: ServerBuild | undefined;
    let builtAt = 0;
    const loadBuild = async (): Promise<ServerBuild> => {
      if (!fs.existsSync(BUILD_PATH)) throw new Error("The UI is not built. Run `npm run build` (npm install does it once).");
      const mtime = dev ? fs.statSync(BUILD_PATH).mtimeMs : 0;
      if (!build || (dev && mtime !== builtAt)) {
        build = (await import(`${BUILD_PATH}?t=${mtime}`)) as ServerBuild;
        builtAt = mtime;
      }
      return build;
    };
    let cached: { build: ServerBuild; handler: ReturnType<typeof createRequestHandler> } | undefined;
    web.all("*", async (req, res, next) => {
      try {
        const b = await loadBuild();
        if (cached?.build !== b) {
          cached = {
            build: b,
            handler: createRequestHandler({
              build: b,
              mode: dev ? "development" : "production",
              getLoadContext: (rq, rs) => {
                const ctx = contextFor(rq, rs);
                return { trpc: createCaller(ctx), user: ctx.user };
              },
            }),
          };
        }
        await cached.handler(req, res, next);
      } catch (err) {
        next(err);
      }
    });
  }

  web.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    log.error({ err, reqId: req.id }, "unhandled web error");
    if (res.headersSent) return;
    res.status(500).type("text/plain").send(`Internal error (request ${req.id}); the server log has the details.`);
  });
  return web;
}

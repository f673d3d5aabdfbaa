// GET /metrics (Prometheus text format) and the middleware that counts every
// HTTP request by a bounded route label and status code.
import type { NextFunction, Request, Response } from "express";
import type { AppContext } from "../app-context.ts";
import { metricsFor, routeLabel } from "../metrics/registry.ts";

export function requestMetrics(app: AppContext, procedures: ReadonlySet<string>) {
  const metrics = metricsFor(app);
  return (req: Request, res: Response, next: NextFunction) => {
    const start = process.hrtime.bigint();
    // taken now: mounted routers rewrite req.url while they run
    const route = routeLabel(req.path, procedures);
    res.on("finish", () => {
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      metrics.observeHttp(req.method, route, res.statusCode, seconds);
    });
    next();
  };
}

export function metricsHandler(app: AppContext) {
  const { registry } = metricsFor(app);
  return async (_req: Request, res: Response) => {
    try {
      const body = await registry.metrics();
      res.type(registry.contentType).send(body);
    } catch (err) {
      // a scrape while the database is down: say so, and let the scraper mark the target down
      app.log.warn({ err: (err as Error).message }, "metrics scrape failed");
      res.status(503).type("text/plain").send("metrics unavailable: the database is not reachable\n");
    }
  };
}

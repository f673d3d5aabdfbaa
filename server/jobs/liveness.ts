import type { AppContext } from "../app-context.ts";

/** Marks agents offline after AGENT_TIMEOUT without a heartbeat; one notification per transition. */
export async function runLivenessSweep(app: AppContext) {
  const timedOut = await app.services.agents.sweepTimedOut(app.env.AGENT_TIMEOUT);
  for (const a of timedOut) {
    app.log.info({ agent: a.name, lastHeartbeatAt: a.lastHeartbeatAt }, "agent timed out; marked offline");
  }
  app.log.debug({ timedOut: timedOut.length }, "liveness sweep done");
  return timedOut;
}

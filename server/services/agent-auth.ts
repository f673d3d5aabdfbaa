// The shared agent token (rauto's --agent-token). Fail closed: with no
// AGENT_API_KEY configured every agent request is refused.
import { createHash, timingSafeEqual } from "node:crypto";
import { AppError } from "../errors.ts";

const digest = (s: string) => createHash("sha256").update(s, "utf8").digest();

export function createAgentAuth(apiKey: string | undefined) {
  const expected = apiKey ? digest(apiKey) : undefined;
  return {
    configured: expected !== undefined,
    /**
     * Accepts `Authorization: Bearer <token>` or `X-API-Key: <token>`. Hashing
     * both sides first makes the comparison constant-time whatever the lengths.
     */
    check(authorization: string | undefined, apiKeyHeader: string | undefined): void {
      if (!expected) {
        throw new AppError("UNAUTHENTICATED", "Agent access is disabled: the manager has no AGENT_API_KEY configured. Set it on the manager and pass the same value to rauto with --agent-token.");
      }
      const candidates: string[] = [];
      const m = authorization ? /^Bearer\s+(.+)$/i.exec(authorization.trim()) : null;
      if (m?.[1]) candidates.push(m[1].trim());
      if (apiKeyHeader) candidates.push(apiKeyHeader.trim());
      if (candidates.length === 0) {
        throw new AppError("UNAUTHENTICATED", "Missing agent token: send Authorization: Bearer <token> or X-API-Key: <token>.");
      }
      let ok = false;
      for (const c of candidates) ok = timingSafeEqual(digest(c), expected) || ok;
      if (!ok) throw new AppError("UNAUTHENTICATED", "Invalid agent token.");
    },
  };
}
export type AgentAuth = ReturnType<typeof createAgentAuth>;

// The console's wording of a timeline event: the stored English sentence, or
// in Chinese the manager's message key (details.__msg, see
// server/domain/event-text.ts) filled with its parameters. Agent-written text
// inside the parameters (a summary, an error) stays as the agent wrote it.
import type { MessageKey, Translate } from "./i18n";

const KEYS = new Set(["submitted", "submittedDryRun", "delivered", "deliveredAgent", "waitingLock", "lockConflict", "cancelRequested", "deliveryRetry", "runSucceeded", "runFailed", "executionRetry", "staleResult", "lateResult", "deliveryInDoubt", "notDelivered", "noCallback", "noCallbackRunning", "noCallbackNoAnswer", "deadlineExtended"]);

export function timelineText(e: { message: string; details?: unknown }, locale: string, t: Translate): string {
  if (locale !== "zh") return e.message;
  const m = (e.details as { __msg?: { key?: unknown; params?: unknown } } | null | undefined)?.__msg;
  if (!m || typeof m.key !== "string" || !KEYS.has(m.key)) return e.message;
  const params = (m.params && typeof m.params === "object" ? m.params : {}) as Record<string, unknown>;
  return t(`timeline.${m.key}` as MessageKey)
    .replace(/\{(\w+)\}/g, (whole, k: string) => (k in params ? String(params[k]) : whole))
    .replace(/[:：]\s*$/, "");
}

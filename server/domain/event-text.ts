// Timeline events the manager writes carry, next to their English sentence, a
// message key and its parameters in `details.__msg`, so the console can show
// them in the operator's language. The sentence stays the record (API users,
// logs, older events); the key is a rendering hint.
export type EventTextKey =
  | "submitted"
  | "submittedDryRun"
  | "delivered"
  | "deliveredAgent"
  | "waitingLock"
  | "lockConflict"
  | "cancelRequested"
  | "deliveryRetry"
  | "runSucceeded"
  | "runFailed"
  | "executionRetry"
  | "staleResult"
  | "lateResult"
  | "deliveryInDoubt"
  | "notDelivered"
  | "noCallback"
  | "noCallbackRunning"
  | "noCallbackNoAnswer"
  | "deadlineExtended";

export interface EventText {
  key: EventTextKey;
  params: Record<string, string | number>;
}

export const eventText = (key: EventTextKey, params: Record<string, string | number> = {}) => ({ __msg: { key, params } satisfies EventText });

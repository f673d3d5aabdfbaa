import { describe, expect, it } from "vitest";
import { deriveTaskStatus } from "./task-state.ts";

describe("deriveTaskStatus", () => {
  it.each([
    [[], "pending"],
    [["pending", "waiting_lock"], "pending"],
    [["pending", "accepted"], "running"],
    [["success", "delivering"], "running"],
    [["success"], "success"],
    [["success", "success"], "success"],
    [["success", "failed"], "partial"],
    [["success", "timed_out"], "partial"],
    [["failed", "timed_out"], "failed"],
    [["cancelled"], "cancelled"],
    [["cancelled", "failed"], "failed"],
    [["timed_out"], "timed_out"],
  ] as const)("%j → %s", (runs, expected) => {
    expect(deriveTaskStatus([...runs])).toBe(expected);
  });
});

import type { z } from "zod";
import { AppError } from "../errors.ts";

/** Parses untrusted input; the error names every bad field (HTTP 400 / INVALID_ARGUMENT). */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, what = "request"): z.output<S> {
  const res = schema.safeParse(value);
  if (res.success) return res.data;
  const fields = res.error.issues.slice(0, 20).map((i) => ({
    path: i.path.map(String).join(".") || "(body)",
    message: i.code === "invalid_type" && i.input === undefined ? "is required" : i.message,
  }));
  throw new AppError("INVALID_ARGUMENT", `Invalid ${what}: ${fields.map((f) => `${f.path} ${f.message}`).join("; ")}`, { fields });
}

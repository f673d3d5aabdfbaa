// Keyset pagination: lists are ordered by (sortKey, id) and the cursor carries
// the last row's pair, so page N costs the same as page 1.
import { z } from "zod";
import { AppError } from "../errors.ts";

export const PageInputSchema = z.object({
  cursor: z.string().max(512).optional().nullable(),
  limit: z.number().int().min(1).max(200).default(50),
});
export type PageInput = z.infer<typeof PageInputSchema>;

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export type CursorKey = [string | number, string];

export function encodeCursor(key: CursorKey): string {
  return Buffer.from(JSON.stringify(key)).toString("base64url");
}

export function decodeCursor(cursor: string | null | undefined): CursorKey | undefined {
  if (!cursor) return undefined;
  try {
    const v = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as unknown;
    if (Array.isArray(v) && v.length === 2 && (typeof v[0] === "string" || typeof v[0] === "number") && typeof v[1] === "string") {
      return v as CursorKey;
    }
  } catch {
    /* fall through */
  }
  throw new AppError("INVALID_ARGUMENT", "The page cursor is not valid; start again from the first page.", {
    fields: [{ path: "cursor", message: "invalid cursor" }],
  });
}

/** Cuts a `limit + 1` result into a page and the cursor of the next one. */
export function toPage<T>(rows: T[], limit: number, keyOf: (row: T) => CursorKey): Page<T> {
  const hasMore = rows.length > limit;
  const items = hasMore ? rows.slice(0, limit) : rows;
  const last = items[items.length - 1];
  return { items, nextCursor: hasMore && last ? encodeCursor(keyOf(last)) : null };
}

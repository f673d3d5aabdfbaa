import { z } from "zod";
import type { Db } from "../db/database.ts";

// Operator-editable settings with their defaults. Stored as JSON per key.
export const SettingsSchema = z.object({
  taskDefaultDeadlineSeconds: z.number().int().min(1).max(7 * 86_400),
  historyRetentionDays: z.number().int().min(1).max(3650),
});
export type Settings = z.infer<typeof SettingsSchema>;

export function createSettingsService({ db, defaults }: { db: Db; defaults: Settings }) {
  return {
    async get(): Promise<Settings> {
      const rows = await db.setting.findMany();
      const stored = Object.fromEntries(rows.map((r) => [r.key, r.value]));
      const merged = { ...defaults, ...stored };
      const parsed = SettingsSchema.safeParse(merged);
      return parsed.success ? parsed.data : defaults;
    },
    async update(patch: Partial<Settings>): Promise<Settings> {
      const valid = SettingsSchema.partial().parse(patch);
      await db.$transaction(
        Object.entries(valid).map(([key, value]) =>
          db.setting.upsert({ where: { key }, create: { key, value: value as number }, update: { value: value as number } }),
        ),
      );
      return this.get();
    },
  };
}
export type SettingsService = ReturnType<typeof createSettingsService>;

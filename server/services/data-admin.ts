// Data management from Settings: retention, clean-ups, and the reset.
import type { Db } from "../db/database.ts";
import { AppError } from "../errors.ts";

export const RESET_PHRASE = "RESET SWITCHYARD";

export function createDataAdmin({ db }: { db: Db }) {
  return {
    /** Execution history and finished tasks older than N days. */
    async clearHistory(olderThanDays: number) {
      const before = new Date(Date.now() - olderThanDays * 86_400_000);
      const history = await db.executionHistory.deleteMany({ where: { executedAt: { lt: before } } });
      const tasks = await db.task.deleteMany({ where: { finishedAt: { lt: before } } });
      const errors = await db.agentErrorReport.deleteMany({ where: { receivedAt: { lt: before } } });
      return { history: history.count, tasks: tasks.count, errorReports: errors.count };
    },
    async clearNotifications(readOnly: boolean) {
      const n = await db.notification.deleteMany({ where: readOnly ? { readAt: { not: null } } : {} });
      return { notifications: n.count };
    },
    /** Everything but operators and settings. Needs the phrase typed out. */
    async reset(confirm: string) {
      if (confirm !== RESET_PHRASE) {
        throw new AppError("INVALID_ARGUMENT", `Type "${RESET_PHRASE}" exactly to confirm the reset.`, { fields: [{ path: "confirm", message: "does not match" }] });
      }
      const counts = await db.$transaction(async (tx) => ({
        tasks: (await tx.task.deleteMany()).count,
        history: (await tx.executionHistory.deleteMany()).count,
        notifications: (await tx.notification.deleteMany()).count,
        errorReports: (await tx.agentErrorReport.deleteMany()).count,
        agents: (await tx.agent.deleteMany()).count,
        templates: (await tx.template.deleteMany()).count,
        drafts: (await tx.draft.deleteMany()).count,
      }));
      return counts;
    },
  };
}

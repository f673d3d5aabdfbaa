// Turns a run's final result into execution-history rows: one per executed
// command where the result lists them, else one for the whole operation.
import type { Prisma } from "../db/generated/client.ts";
import type { TaskCallbackReport } from "./agent-report-schemas.ts";

const MAX_OUTPUT = 64 * 1024;
const clip = (s: string) => (s.length > MAX_OUTPUT ? `${s.slice(0, MAX_OUTPUT)}\n… (${s.length - MAX_OUTPUT} more characters in the task result)` : s);

interface CommandOutput {
  command: string;
  output?: string;
  success?: boolean;
}

function commandsIn(result: unknown): CommandOutput[] {
  if (!result || typeof result !== "object") return [];
  const r = result as Record<string, unknown>;
  const list = Array.isArray(r.outputs) ? r.outputs : Array.isArray(r.results) ? r.results : Array.isArray(r.commands) ? r.commands : null;
  if (list) {
    return list
      .filter((x): x is Record<string, unknown> => !!x && typeof x === "object" && typeof (x as Record<string, unknown>).command === "string")
      .map((x) => ({ command: String(x.command), output: typeof x.output === "string" ? x.output : undefined, success: typeof x.success === "boolean" ? x.success : undefined }));
  }
  if (typeof r.command === "string") return [{ command: r.command, output: typeof r.output === "string" ? r.output : undefined }];
  return [];
}

export function historyRowsFor({
  run,
  task,
  callback,
}: {
  run: { id: string; taskId: string; agentId: string | null; agentName: string; deviceId: string | null; connection: string | null; operation: string };
  task: { payload: unknown; type: string } | null;
  callback: TaskCallbackReport;
}): Prisma.ExecutionHistoryCreateManyInput[] {
  const base = {
    taskId: run.taskId,
    runId: run.id,
    agentId: run.agentId,
    agentName: run.agentName,
    deviceId: run.deviceId,
    connection: run.connection,
    operation: run.operation,
    executedAt: new Date(callback.completed_at),
  };
  const cmds = commandsIn(callback.result);
  if (cmds.length) {
    return cmds.slice(0, 1000).map((c) => ({
      ...base,
      command: c.command,
      output: c.output === undefined ? null : clip(c.output),
      status: c.success === false ? "failed" : callback.status,
      durationMs: cmds.length === 1 ? Math.min(callback.execution_time_ms, 2_147_483_647) : null,
    }));
  }
  const payload = (task?.payload ?? {}) as Record<string, unknown>;
  const command = typeof payload.command === "string" ? payload.command : null;
  const summary = callback.result_summary?.summary;
  return [
    {
      ...base,
      command,
      output: typeof summary === "string" ? clip(summary) : callback.error ? clip(callback.error) : null,
      status: callback.status,
      durationMs: Math.min(callback.execution_time_ms, 2_147_483_647),
      details: callback.result_summary ? (callback.result_summary as Prisma.InputJsonValue) : undefined,
    },
  ];
}

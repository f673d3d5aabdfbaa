// The task_id an agent gets is the run id; an execution retry appends ".<attempt>"
// so that a late callback from an earlier attempt cannot complete the new one.
const RUN_TASK_ID = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})(?:\.(\d{1,3}))?$/i;

export const agentTaskId = (runId: string, attempt: number) => (attempt <= 1 ? runId : `${runId}.${attempt}`);

export function parseAgentTaskId(taskId: string): { runId: string; attempt: number } | null {
  const m = RUN_TASK_ID.exec(taskId);
  if (!m) return null;
  return { runId: m[1]!.toLowerCase(), attempt: m[2] ? Number(m[2]) : 1 };
}

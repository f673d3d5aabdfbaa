// Turns the New task form into a `tasks.create` input. Pure, so it is tested
// without a browser and shared by the route's action.
export type DialogType = "exec" | "template" | "tx_block";

/** Variable names used by a command template: {{ name }}, {{ name | filter }}, {% if name %}. */
export function templateVariables(content: string): string[] {
  const names = new Set<string>();
  const KEYWORDS = new Set(["if", "else", "elif", "endif", "for", "endfor", "in", "not", "and", "or", "true", "false", "none", "loop", "set", "endset", "is", "defined"]);
  for (const m of content.matchAll(/\{\{\s*([A-Za-z_]\w*)/g)) names.add(m[1]!);
  for (const m of content.matchAll(/\{%\s*(?:if|elif|for\s+\w+\s+in)\s+([A-Za-z_]\w*)/g)) if (!KEYWORDS.has(m[1]!)) names.add(m[1]!);
  return [...names].filter((n) => !KEYWORDS.has(n));
}

export function buildTaskInput(form: FormData): Record<string, unknown> {
  const advanced = String(form.get("advanced") ?? "");
  if (advanced.trim()) return JSON.parse(advanced) as Record<string, unknown>;
  const type = String(form.get("type")) as DialogType;
  const agentId = String(form.get("agentId") ?? "");
  const connections = form.getAll("connection").map(String).filter(Boolean);
  const mode = String(form.get("mode") ?? "").trim() || undefined;
  let payload: Record<string, unknown>;
  if (type === "exec") payload = { command: String(form.get("command") ?? ""), ...(mode ? { mode } : {}) };
  else if (type === "template") {
    const names = form.getAll("varName").map(String);
    const values = form.getAll("varValue").map(String);
    const vars = Object.fromEntries(names.map((n, i) => [n.trim(), values[i] ?? ""]).filter(([n]) => n));
    payload = { template: String(form.get("template") ?? ""), vars, ...(mode ? { mode } : {}) };
  } else {
    const cmds = form.getAll("stepCommand").map(String);
    const modes = form.getAll("stepMode").map(String);
    const rollbacks = form.getAll("stepRollback").map(String);
    const onFailure = new Set(form.getAll("stepRollbackOnFailure").map(String));
    const steps = cmds
      .map((command, i) => ({ command: command.trim(), mode: modes[i]?.trim() || "Config", rollback: rollbacks[i]?.trim(), i }))
      .filter((s) => s.command)
      .map((s) => ({
        run: { kind: "command", mode: s.mode, command: s.command },
        ...(s.rollback ? { rollback: { kind: "command", mode: s.mode, command: s.rollback } } : {}),
        ...(onFailure.has(String(s.i)) ? { rollback_on_failure: true } : {}),
      }));
    const policyName = String(form.get("rollbackPolicy") ?? "per_step");
    const rollback_policy =
      policyName === "whole_resource"
        ? {
            whole_resource: {
              rollback: { kind: "command", mode: String(form.get("wholeMode") ?? "").trim() || "Config", command: String(form.get("wholeCommand") ?? "").trim() },
              // the form counts steps from 1, the agent from 0
              trigger_step_index: Math.max(0, (Number(form.get("wholeTrigger")) || 1) - 1),
            },
          }
        : policyName;
    payload = { tx_block: { name: String(form.get("blockName") ?? "").trim() || "change", fail_fast: form.get("failFast") !== "off", rollback_policy, steps } };
  }
  return {
    name: String(form.get("name") ?? "").trim() || undefined,
    type,
    targets: connections.map((connection) => ({ agentId, connection })),
    payload,
    dryRun: type !== "exec" && form.get("dryRun") === "on",
    recordLevel: form.get("recordLevel") === "full" ? "full" : "key-events-only",
    queueIfOffline: form.get("queueIfOffline") === "on",
  };
}

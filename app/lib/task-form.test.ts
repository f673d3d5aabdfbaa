import { describe, expect, it } from "vitest";
import { buildTaskInput, templateVariables } from "./task-form";

const fd = (entries: Array<[string, string]>) => {
  const f = new FormData();
  for (const [k, v] of entries) f.append(k, v);
  return f;
};

describe("templateVariables", () => {
  it("finds variables in expressions and conditions, once each, without keywords", () => {
    expect(templateVariables("interface {{ iface }}\n description {{ desc | upper }}\n{% if shutdown %} shutdown{% endif %}\n{{ iface }}")).toEqual(["iface", "desc", "shutdown"]);
  });
});

describe("buildTaskInput", () => {
  it("builds a tx block with per-step rollback and a whole-resource policy", () => {
    const input = buildTaskInput(
      fd([
        ["type", "tx_block"],
        ["agentId", "a1"],
        ["connection", "sw1"],
        ["stepCommand", "vlan 10"],
        ["stepMode", "Config"],
        ["stepRollback", "no vlan 10"],
        ["stepRollbackOnFailure", "0"],
        ["stepCommand", ""],
        ["stepMode", ""],
        ["stepRollback", ""],
        ["rollbackPolicy", "whole_resource"],
        ["wholeCommand", "rollback config"],
        ["wholeTrigger", "1"],
      ]),
    );
    expect(input.targets).toEqual([{ agentId: "a1", connection: "sw1" }]);
    expect(input.payload).toEqual({
      tx_block: {
        name: "change",
        fail_fast: true,
        rollback_policy: { whole_resource: { rollback: { kind: "command", mode: "Config", command: "rollback config" }, trigger_step_index: 0 } },
        steps: [{ run: { kind: "command", mode: "Config", command: "vlan 10" }, rollback: { kind: "command", mode: "Config", command: "no vlan 10" }, rollback_on_failure: true }],
      },
    });
  });

  it("never sends dry run for exec", () => {
    expect(buildTaskInput(fd([["type", "exec"], ["command", "show ver"], ["dryRun", "on"]])).dryRun).toBe(false);
  });
});

// Synthetic plans for tests and bench/designer.ts.
import type { DesignerKind } from "./types";

/** A valid plan with about `nodes` designer nodes (root + groups + children). */
export function generatePlan(kind: DesignerKind, nodes: number, perGroup = 9): Record<string, unknown> {
  const groups = Math.max(1, Math.round((nodes - 1) / (perGroup + 1)));
  let left = nodes - 1 - groups;
  const sizes = Array.from({ length: groups }, (_, i) => {
    const n = Math.max(1, Math.min(left - (groups - i - 1), Math.ceil(left / (groups - i))));
    left -= n;
    return n;
  });
  if (kind === "tx_workflow") {
    return {
      name: `generated-${nodes}`,
      fail_fast: true,
      blocks: sizes.map((n, b) => ({
        name: `block-${b}`,
        fail_fast: b % 2 === 0,
        rollback_policy: b % 3 === 2 ? { whole_resource: { rollback: { kind: "command", mode: "Config", command: `no vlan ${b}`, timeout: 10 }, trigger_step_index: 0 } } : "per_step",
        steps: Array.from({ length: n }, (_, s) => ({
          run: { kind: "command", mode: "Config", command: `vlan ${b * 100 + s}`, timeout: 10 },
          rollback: s % 2 ? null : { kind: "command", mode: "Config", command: `no vlan ${b * 100 + s}`, timeout: 10 },
          ...(s === 0 ? { x_note: { by: "generator", n: s } } : {}),
        })),
      })),
      x_owner: "bench",
    };
  }
  return {
    name: `generated-${nodes}`,
    fail_fast: true,
    rollback_on_stage_failure: true,
    rollback_completed_stages_on_failure: false,
    stages: sizes.map((n, s) => ({
      name: `stage-${s}`,
      strategy: s % 2 ? "parallel" : "serial",
      ...(s % 2 ? { max_parallel: 4 } : {}),
      jobs: Array.from({ length: n }, (_, j) => ({
        name: `job-${s}-${j}`,
        strategy: "parallel",
        max_parallel: 5,
        ...(j % 2 ? { targets: [`sw-${s}-${j}`] } : { target_groups: ["access"] }),
        action: { kind: "tx_workflow", workflow_template_name: `wf-${j % 3}` },
      })),
    })),
  };
}

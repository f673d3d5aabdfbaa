// Renders each result renderer with callback payloads shaped like a real rauto
// agent's (field names as serde emits them from rauto's response structs and
// rneter's TxResult / TxWorkflowResult, rauto's orchestration result structs).
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it, vi } from "vitest";
import { RunResult } from "./run-result";

// useT reads the locale from the root route's loader data; outside a router use English.
vi.mock("../lib/prefs", async () => {
  const { translator } = await import("../lib/i18n");
  return { useT: () => translator("en") };
});

const render = (type: string, result: unknown, summary: unknown = null) => renderToStaticMarkup(createElement(RunResult, { type, summary, result }));
// text content only, so assertions are not tied to markup
const textOf = (html: string) => html.replace(/<[^>]+>/g, " ").replace(/&#x27;/g, "'").replace(/&quot;/g, '"').replace(/&amp;/g, "&").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/\s+/g, " ");

const summary = (operation: string, outcome: string, text: string, counts?: object, details?: object) => ({
  operation,
  outcome,
  success: outcome === "success" || outcome === "dry_run",
  summary: text,
  ...(counts ? { counts } : {}),
  recording_available: false,
  ...(details ? { details } : {}),
});

// rneter TxOperationStepResult
const opStep = (command: string, content: string, success = true) => ({ step_index: 0, mode: "Config", operation_summary: command, success, exit_code: null, content, all: content, prompt: "sw1(config)#" });

// rneter TxResult for a per_step block whose second step failed and whose first step was rolled back
const failedTx = {
  block_name: "create-vlan",
  committed: false,
  failed_step: 1,
  executed_steps: 1,
  rollback_attempted: true,
  rollback_succeeded: true,
  rollback_steps: 1,
  failure_reason: "step[1] command failed: 'name STAFF' output='% Invalid input detected'",
  rollback_errors: [],
  block_rollback_operation_summary: null,
  block_rollback_steps: [],
  step_results: [
    {
      step_index: 0,
      mode: "Config",
      operation_summary: "vlan 120",
      execution_state: "succeeded",
      failure_reason: null,
      forward_operation_steps: [opStep("vlan 120", "")],
      rollback_state: "succeeded",
      rollback_operation_summary: "no vlan 120",
      rollback_reason: null,
      rollback_operation_steps: [opStep("no vlan 120", "")],
    },
    {
      step_index: 1,
      mode: "Config",
      operation_summary: "name STAFF",
      execution_state: "failed",
      failure_reason: "command failed: '% Invalid input detected'",
      forward_operation_steps: [opStep("name STAFF", "% Invalid input detected at '^' marker.", false)],
      rollback_state: "skipped",
      rollback_operation_summary: "no name STAFF",
      rollback_reason: "forward step failed and rollback_on_failure is false",
      rollback_operation_steps: [],
    },
  ],
};

const committedTx = (name: string, commands: string[]) => ({
  block_name: name,
  committed: true,
  failed_step: null,
  executed_steps: commands.length,
  rollback_attempted: false,
  rollback_succeeded: false,
  rollback_steps: 0,
  failure_reason: null,
  rollback_errors: [],
  block_rollback_operation_summary: null,
  block_rollback_steps: [],
  step_results: commands.map((c, i) => ({
    step_index: i,
    mode: "Config",
    operation_summary: c,
    execution_state: "succeeded",
    failure_reason: null,
    forward_operation_steps: [opStep(c, "")],
    rollback_state: "not_needed",
    rollback_operation_summary: null,
    rollback_reason: null,
    rollback_operation_steps: [],
  })),
});

describe("RunResult with real agent result shapes", () => {
  it("exec: ExecResponse with CommandResult outputs", () => {
    const result = {
      output: "Cisco IOS Software, Version 15.2",
      exit_code: null,
      outputs: [{ command: "show version", success: true, exit_code: null, output: "Cisco IOS Software, Version 15.2", all: "sw1#show version\nCisco IOS Software", error: null, parsed_output: null, parse_error: null }],
      parsed_output: null,
      parse_error: null,
      recording_jsonl: null,
      result_summary: summary("exec", "success", "Command executed successfully", { total: 1, succeeded: 1, failed: 0 }),
    };
    const text = textOf(render("exec", result, result.result_summary));
    expect(text).toContain("Command executed successfully");
    expect(text).toContain("show version");
    expect(text).toContain("Cisco IOS Software, Version 15.2");
    expect(text).toContain("1 of 1 succeeded, 0 failed");
  });

  it("template: ExecuteTemplateResponse with rendered commands and a failed executed command", () => {
    const result = {
      rendered_commands: "interface Gi0/1\n description uplink",
      executed: [
        { command: "interface Gi0/1", success: true, exit_code: null, output: "", all: "", error: null, parsed_output: null, parse_error: null },
        { command: "description uplink", success: false, exit_code: null, output: null, all: null, error: "% Invalid input", parsed_output: null, parse_error: null },
      ],
      recording_jsonl: null,
      result_summary: summary("template_execute", "failed", "Template executed with failures", { total: 2, succeeded: 1, failed: 1 }),
    };
    const html = render("template", result, result.result_summary);
    const text = textOf(html);
    expect(text).toContain("Rendered template");
    expect(text).toContain("description uplink");
    expect(text).toContain("% Invalid input");
    expect(html).toContain('data-status="failed"');
  });

  it("tx_block: shows the failed step's error and marks the rolled-back step", () => {
    const result = {
      tx_block: { name: "create-vlan", rollback_policy: "per_step", steps: [], fail_fast: true },
      tx_result: failedTx,
      recording_jsonl: null,
      result_summary: summary("tx_block", "failed", "Tx block finished with failure", { total: 2, succeeded: 1, failed: 1 }, { name: "create-vlan", committed: false, rollback_attempted: true, rollback_succeeded: true, failed_step: 1 }),
    };
    const html = render("tx_block", result, result.result_summary);
    const text = textOf(html);
    expect(text).toContain("Tx block finished with failure");
    expect(text).toContain("create-vlan");
    expect(text).toContain("failed at step 2");
    expect(text).toContain("step[1] command failed: 'name STAFF'");
    expect(text).toContain("% Invalid input detected at '^' marker.");
    // step 1 (vlan 120) succeeded and was rolled back with "no vlan 120"
    const step0 = html.slice(html.indexOf('data-step="0"'), html.indexOf('data-step="1"'));
    expect(step0).toContain("vlan 120");
    expect(step0).toContain('data-status="succeeded"');
    expect(textOf(step0)).toContain("rolled back");
    expect(step0).toContain("no vlan 120");
    // step 2 failed, its rollback skipped with the reason
    const step1 = html.slice(html.indexOf('data-step="1"'));
    expect(step1).toContain('data-status="failed"');
    expect(textOf(step1)).toContain("rollback skipped");
    expect(textOf(step1)).toContain("rollback_on_failure is false");
  });

  it("tx_block: older rneter TxResult without step_results still shows outcome and rollback errors", () => {
    const result = {
      tx_block: {},
      tx_result: { block_name: "b", committed: false, failed_step: 0, executed_steps: 0, rollback_attempted: false, rollback_succeeded: false, rollback_steps: 0, failure_reason: "step[0] command error: timeout", rollback_errors: ["no rollback plan", "forward_failure=timeout"] },
      recording_jsonl: null,
      result_summary: summary("tx_block", "failed", "Tx block finished with failure"),
    };
    const text = textOf(render("tx_block", result));
    expect(text).toContain("step[0] command error: timeout");
    expect(text).toContain("Rollback errors");
    expect(text).toContain("forward_failure=timeout");
    expect(text).toContain("no rollback");
  });

  it("tx_block dry run: tx_result null", () => {
    const result = { tx_block: { name: "b" }, tx_result: null, recording_jsonl: null, result_summary: summary("tx_block", "dry_run", "Tx block built successfully (dry run)", { total: 2, succeeded: 0, failed: 0 }) };
    const text = textOf(render("tx_block", result, result.result_summary));
    expect(text).toContain("Tx block built successfully (dry run)");
    expect(text).toContain("Nothing was executed");
  });

  it("tx_workflow: TxWorkflowResult blocks, failed block, workflow rollback of committed blocks", () => {
    const result = {
      workflow: { name: "campus-core-vlan", blocks: [], fail_fast: true },
      tx_workflow_result: {
        workflow_name: "campus-core-vlan",
        committed: false,
        failed_block: 1,
        block_results: [committedTx("create-vlan", ["vlan 120", "name STAFF"]), { ...failedTx, block_name: "create-svi" }],
        rollback_attempted: true,
        rollback_succeeded: false,
        rollback_errors: ["workflow rollback command failed for block 'create-vlan': 'no vlan 120' output='% VLAN in use'"],
      },
      recording_jsonl: null,
      result_summary: summary("tx_workflow", "partial_success", "Tx workflow finished with failed blocks", { total: 2, succeeded: 1, failed: 1 }),
    };
    const html = render("tx_workflow", result, result.result_summary);
    const text = textOf(html);
    expect(text).toContain("Tx workflow finished with failed blocks");
    expect(text).toContain("partial success");
    expect(text).toContain("campus-core-vlan");
    expect(text).toContain("failed at block 2 (create-svi)");
    expect(text).toContain("% VLAN in use");
    const b0 = html.slice(html.indexOf('data-block="create-vlan"'), html.indexOf('data-block="create-svi"'));
    const b1 = html.slice(html.indexOf('data-block="create-svi"'));
    expect(b0).toContain('data-status="committed"');
    expect(b0).toContain('data-status="workflow_rolled_back"');
    expect(textOf(b0)).toContain("workflow rollback failed");
    expect(b1).toContain('data-status="failed"');
    expect(textOf(b1)).toContain("step[1] command failed");
    expect(textOf(b1)).toContain("rolled back");
  });

  it("orchestrate: every stage, job and target with its status, error, duration and compensation", () => {
    const target = (label: string, status: string, extra: object = {}) => ({
      label,
      connection_name: label,
      host: null,
      status,
      operation: status === "skipped" ? "skipped" : "tx_workflow: fabric-service-rollout",
      duration_ms: status === "skipped" ? 0 : 1532,
      error: status === "skipped" ? "skipped due to fail_fast" : null,
      tx_result: null,
      workflow_result: null,
      recording_jsonl: null,
      compensation: null,
      ...extra,
    });
    const job = (name: string, status: string, results: object[]) => ({
      name,
      strategy: "serial",
      status,
      fail_fast: true,
      action_kind: "tx_workflow",
      action_summary: "workflow_template=fabric-service-rollout",
      targets_total: results.length,
      targets_succeeded: results.filter((r) => (r as { status: string }).status === "success").length,
      targets_failed: results.filter((r) => (r as { status: string }).status === "failed").length,
      targets_skipped: results.filter((r) => (r as { status: string }).status === "skipped").length,
      results,
    });
    const stage = (name: string, status: string, jobs: ReturnType<typeof job>[]) => ({
      name,
      strategy: "serial",
      status,
      fail_fast: false,
      jobs_total: jobs.length,
      jobs_succeeded: jobs.filter((j) => j.status === "success").length,
      jobs_failed: jobs.filter((j) => j.status === "failed").length,
      jobs_skipped: jobs.filter((j) => j.status === "skipped").length,
      jobs,
    });
    const result = {
      plan: { name: "fabric-service-rollout-advanced" },
      orchestration_result: {
        plan_name: "fabric-service-rollout-advanced",
        success: false,
        fail_fast: true,
        total_stages: 3,
        executed_stages: 3,
        stages: [
          stage("core-services", "success", [
            job("core-services-job", "success", [
              target("core-sw-01", "success", {
                workflow_result: { workflow_name: "fabric-service-rollout", committed: true, failed_block: null, block_results: [committedTx("svc", ["vlan 300"])], rollback_attempted: false, rollback_succeeded: false, rollback_errors: [] },
                compensation: { scope: "completed_stage_failure", attempted: true, success: true, reason: null, operation: "compensation: core-services-job", duration_ms: 812, error: null, tx_result: null, recording_jsonl: null },
              }),
            ]),
          ]),
          stage("access-rollout", "failed", [
            job("access-rollout-job", "failed", [
              target("access-sw-01", "success"),
              target("access-sw-02", "failed", { error: "tx workflow 'access-service-vlans' finished with failure" }),
            ]),
          ]),
          stage("edge-cleanup", "skipped", [job("edge-cleanup-job", "skipped", [target("edge-fw-01", "skipped")])]),
        ],
      },
      result_summary: summary("orchestrate", "failed", "Orchestration finished with failure", { total: 3, succeeded: 1, failed: 1, skipped: 1 }),
    };
    const html = render("orchestrate", result, result.result_summary);
    const text = textOf(html);
    expect(text).toContain("Orchestration finished with failure");
    expect(text).toContain("1 of 3 succeeded, 1 failed, 1 skipped");
    expect(text).toContain("3 of 3 stages executed");
    const section = (attr: string, from: string, to?: string) => html.slice(html.indexOf(`${attr}="${from}"`), to ? html.indexOf(`${attr}="${to}"`) : undefined);
    const s1 = section("data-stage", "core-services", "access-rollout");
    const s2 = section("data-stage", "access-rollout", "edge-cleanup");
    const s3 = section("data-stage", "edge-cleanup");
    expect(s1).toMatch(/core-services[^]*?data-status="success"/);
    expect(s2).toMatch(/access-rollout[^]*?data-status="failed"/);
    expect(s3).toMatch(/edge-cleanup[^]*?data-status="skipped"/);
    expect(textOf(s1)).toContain("workflow_template=fabric-service-rollout");
    // targets with their own status
    const row = (label: string) => {
      const at = html.indexOf(`data-target="${label}"`);
      expect(at, label).toBeGreaterThan(-1);
      return html.slice(at, html.indexOf("</tr>", at));
    };
    expect(row("core-sw-01")).toContain('data-status="success"');
    expect(textOf(row("core-sw-01"))).toContain("1532 ms");
    expect(row("core-sw-01")).toContain('data-status="compensation_succeeded"');
    expect(textOf(row("core-sw-01"))).toContain("completed_stage_failure");
    expect(textOf(row("core-sw-01"))).toContain("fabric-service-rollout");
    expect(row("access-sw-01")).toContain('data-status="success"');
    expect(row("access-sw-02")).toContain('data-status="failed"');
    expect(textOf(row("access-sw-02"))).toContain("tx workflow 'access-service-vlans' finished with failure");
    expect(row("edge-fw-01")).toContain('data-status="skipped"');
    expect(textOf(row("edge-fw-01"))).toContain("skipped due to fail_fast");
  });

  it("orchestrate: older agents with targets straight on the stage", () => {
    const result = {
      plan: {},
      orchestration_result: {
        plan_name: "p",
        success: true,
        fail_fast: true,
        total_stages: 1,
        executed_stages: 1,
        stages: [{ name: "only", strategy: "parallel", status: "success", fail_fast: true, action_kind: "tx_block", action_summary: "commands=2", targets_total: 1, targets_succeeded: 1, targets_failed: 0, targets_skipped: 0, results: [{ label: "r1", connection_name: "r1", host: null, status: "success", operation: "tx_block: b", duration_ms: 10, error: null, tx_result: committedTx("b", ["x"]), workflow_result: null, recording_jsonl: null }] }],
      },
      result_summary: summary("orchestrate", "success", "Orchestration completed successfully"),
    };
    const html = render("orchestrate", result);
    expect(html).toContain('data-target="r1"');
    expect(html).toContain('data-stage="only"');
  });

  it("agent failure callback: summary error and no result", () => {
    const s = { ...summary("tx_workflow", "failed", "tx workflow template not found"), details: { error: "tx workflow template not found" } };
    const text = textOf(render("tx_workflow", null, s));
    expect(text).toContain("tx workflow template not found");
    expect(text).not.toContain("Raw result");
  });

  it("unexpected shapes never throw and fall back to JSON", () => {
    const weird: unknown[] = [
      "just a string",
      42,
      [1, 2, 3],
      { tx_workflow_result: { block_results: [null, 5, { step_results: "nope", rollback_errors: [{ a: 1 }] }] } },
      { orchestration_result: { stages: [null, { name: 7, jobs: [null, { results: [null, "x", { status: { nested: true } }] }] }] } },
      { tx_result: { step_results: [null, { forward_operation_steps: [null, 1], rollback_state: 99 }] } },
      { outputs: [null, "plain", { command: { x: 1 } }] },
      { something: "else", big: BigInt(1) },
    ];
    for (const type of ["exec", "template", "tx_block", "tx_workflow", "orchestrate", "unknown"]) {
      for (const result of weird) {
        expect(() => render(type, result, { summary: 5, counts: "x" })).not.toThrow();
      }
    }
    const text = textOf(render("tx_workflow", { something: "else" }));
    expect(text).toContain("shown as JSON");
    expect(text).toContain('"something": "else"');
  });
});

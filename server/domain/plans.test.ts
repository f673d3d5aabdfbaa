import { readFileSync, readdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import type { z } from "zod";
import {
  DISPATCH_PAYLOAD_SCHEMAS,
  ExecPayloadSchema,
  OPERATION_BY_TYPE,
  OrchestratePayloadSchema,
  OrchestrationJobSchema,
  OrchestrationPlanSchema,
  OrchestrationStageSchema,
  RollbackPolicySchema,
  TemplatePayloadSchema,
  TxBlockPayloadSchema,
  TxBlockSchema,
  TxStepSchema,
  TxWorkflowPayloadSchema,
  TxWorkflowSchema,
  validatePlan,
} from "./plans.ts";

// <repo root>/../shared/contract/examples, wherever the repo is checked out.
const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, "../..");
const examplesDir = join(repoRoot, "..", "shared", "contract", "examples");

function examples() {
  return readdirSync(examplesDir)
    .filter((f) => f.endsWith(".json"))
    .map((file) => ({
      file,
      doc: JSON.parse(readFileSync(join(examplesDir, file), "utf8")) as unknown,
    }));
}

/** Dotted paths of every issue the schema reports. */
function errorPaths(schema: z.ZodType, value: unknown): string[] {
  const res = schema.safeParse(value);
  return res.success ? [] : res.error.issues.map((i) => i.path.map(String).join("."));
}

function firstMessage(schema: z.ZodType, value: unknown): string {
  const res = schema.safeParse(value);
  return res.success ? "" : res.error.issues[0].message;
}

const cmd = (command: string, mode = "Config") => ({
  kind: "command",
  mode,
  command,
  timeout: 10,
});

type Doc = Record<string, unknown>;

/** The object holding the last segment of a dotted path, and that segment. */
function locate(doc: Doc, path: string): [Record<string, unknown>, string] {
  const keys = path.split(".");
  let node = doc as Record<string, unknown>;
  for (const k of keys.slice(0, -1)) node = node[k] as Record<string, unknown>;
  return [node, keys[keys.length - 1]];
}
/** Returns a mutation that sets each dotted path to its value. */
function set(...pairs: Array<[path: string, value: unknown]>) {
  return (doc: Doc) => {
    for (const [path, value] of pairs) {
      const [node, key] = locate(doc, path);
      node[key] = value;
    }
  };
}
function del(path: string) {
  return (doc: Doc) => {
    const [node, key] = locate(doc, path);
    delete node[key];
  };
}
const get = (doc: unknown, path: string) => {
  const [node, key] = locate(doc as Doc, path);
  return node[key];
};

function baseWorkflow(): Doc {
  return {
    name: "core-vlan",
    fail_fast: true,
    blocks: [
      {
        name: "create-vlan",
        fail_fast: true,
        rollback_policy: "per_step",
        steps: [
          { run: cmd("vlan 120"), rollback: cmd("no vlan 120") },
          {
            run: cmd("name STAFF"),
            rollback: null,
            rollback_on_failure: false,
          },
        ],
      },
      {
        name: "create-svi",
        fail_fast: true,
        rollback_policy: {
          whole_resource: {
            rollback: cmd("default interface vlan 120"),
            trigger_step_index: 0,
          },
        },
        steps: [{ run: cmd("interface vlan 120") }],
      },
    ],
  };
}

function basePlan(): Doc {
  return {
    name: "campus",
    fail_fast: true,
    rollback_on_stage_failure: true,
    rollback_completed_stages_on_failure: false,
    stages: [
      {
        name: "core",
        strategy: "serial",
        jobs: [
          {
            name: "core-job",
            strategy: "serial",
            targets: ["core-1"],
            action: {
              kind: "tx_workflow",
              workflow_template_name: "core-vlan",
            },
          },
        ],
      },
      {
        name: "access",
        strategy: "parallel",
        max_parallel: 2,
        jobs: [
          {
            name: "access-job",
            strategy: "parallel",
            max_parallel: 10,
            target_groups: ["access"],
            action: { kind: "tx_workflow", workflow: baseWorkflow() },
          },
        ],
      },
    ],
  };
}

describe("contract examples", () => {
  it("resolves the shared examples directory next to the repo", () => {
    expect(examplesDir.endsWith(join("shared", "contract", "examples"))).toBe(true);
    expect(examples().length).toBeGreaterThanOrEqual(8);
  });

  it.each(examples().map((e) => [e.file, e.doc] as const))("%s validates with its schema and as a dispatch payload", (file, doc) => {
    const isPlan = file.includes("orchestration");
    const schema = isPlan ? OrchestrationPlanSchema : TxWorkflowSchema;
    const res = schema.safeParse(doc);
    expect(res.success ? [] : res.error.issues).toEqual([]);
    expect(res.data).toEqual(doc);
    const payload = isPlan ? OrchestratePayloadSchema.safeParse({ plan: doc }) : TxWorkflowPayloadSchema.safeParse({ workflow: doc });
    expect(payload.success).toBe(true);
    expect(validatePlan(isPlan ? "orchestrate" : "tx_workflow", doc)).toEqual({ ok: true, value: doc });
  });

  it("validates every block of the example workflows as a tx block", () => {
    for (const { file, doc } of examples()) {
      if (file.includes("orchestration")) continue;
      for (const block of get(doc as Doc, "blocks") as unknown[]) expect(validatePlan("tx_block", block).ok).toBe(true);
    }
  });
});

describe("unknown fields", () => {
  it("survive a parse at every level of a workflow", () => {
    const doc = baseWorkflow();
    set(
      ["x_designer", { x: 10, y: 20 }],
      ["blocks.0.x_note", "keep me"],
      ["blocks.0.steps.0.x_step", [1, 2]],
      ["blocks.0.steps.0.run.x_run", true],
      ["blocks.0.steps.0.run.dyn_params", { enable_password: null, "Password:": "secret\n" }],
      ["blocks.1.rollback_policy.whole_resource.x_policy", 1],
    )(doc);
    const res = TxWorkflowSchema.parse(structuredClone(doc));
    expect(res).toEqual(doc);
    expect(get(res, "blocks.0.steps.0.run.x_run")).toBe(true);
  });

  it("survive a parse at every level of a plan, and through the dispatch payloads", () => {
    const plan = basePlan();
    set(
      ["x_layout", { zoom: 1.5 }],
      ["stages.0.x_color", "blue"],
      ["stages.0.jobs.0.x_pos", { x: 1 }],
      ["stages.1.jobs.0.action.workflow.blocks.0.x_inner", "kept"],
    )(plan);
    expect(OrchestrationPlanSchema.parse(structuredClone(plan))).toEqual(plan);
    const payload = { plan, plan_vars: { site: "dc-a" }, x_extra: 1 };
    expect(OrchestratePayloadSchema.parse(structuredClone(payload))).toEqual(payload);
    const exec = {
      command: "show version",
      mode: "Enable",
      x_future_option: "on",
    };
    expect(ExecPayloadSchema.parse(exec)).toEqual(exec);
  });
});

describe("what the agent accepts", () => {
  it("takes template expressions in place of numbers, booleans and strategies (the agent renders them first)", () => {
    const plan = basePlan();
    set(
      ["fail_fast", "{{ fail_fast }}"],
      ["stages.1.max_parallel", "{{ batch }}"],
      ["stages.1.jobs.0.strategy", "{% if big %}parallel{% else %}serial{% endif %}"],
      ["stages.1.jobs.0.target_groups", "{{ groups }}"],
      ["stages.1.jobs.0.action.workflow.blocks.0.steps.0.run.timeout", "{{ timeout }}"],
      ["stages.1.jobs.0.action.workflow.blocks.1.rollback_policy.whole_resource.trigger_step_index", "{{ trigger }}"],
    )(plan);
    expect(validatePlan("orchestrate", plan)).toMatchObject({ ok: true });
  });

  it("allows max_parallel 0 on a serial stage or job, as the agent does", () => {
    const plan = basePlan();
    set(["stages.0.max_parallel", 0], ["stages.0.jobs.0.max_parallel", 0])(plan);
    expect(errorPaths(OrchestrationPlanSchema, plan)).toEqual([]);
  });

  it("does not require unique block, stage or job names (the agent does not check)", () => {
    const wf = baseWorkflow();
    set(["blocks.1.name", get(wf, "blocks.0.name")])(wf);
    expect(errorPaths(TxWorkflowSchema, wf)).toEqual([]);
    const plan = basePlan();
    set(["stages.1.name", "core"], ["stages.1.jobs.0.name", "core-job"])(plan);
    expect(errorPaths(OrchestrationPlanSchema, plan)).toEqual([]);
  });

  it("accepts null for optional fields, flow operations and template-reference blocks", () => {
    const wf = baseWorkflow();
    set(
      [
        "blocks.0.steps.1.run",
        {
          kind: "flow",
          stop_on_error: true,
          steps: [
            {
              mode: "User",
              command: "scp a b:",
              multiline_mode: "whole",
              timeout: null,
              interaction: {
                prompts: [
                  {
                    patterns: ["(?i)password:"],
                    response: "x\n",
                    record_input: false,
                  },
                ],
              },
            },
          ],
        },
      ],
      [
        "blocks.2",
        {
          name: "precheck",
          fail_fast: null,
          tx_block_template_name: "linux-precheck",
          tx_block_template_vars: { ticket: "CHG-1" },
        },
      ],
      [
        "blocks.3",
        {
          tx_block_template_content: JSON.stringify({
            name: "inline",
            rollback_policy: "none",
            fail_fast: true,
            steps: [],
          }),
        },
      ],
    )(wf);
    expect(errorPaths(TxWorkflowSchema, wf)).toEqual([]);
    const plan = basePlan();
    set(
      ["stages.0.jobs.0.name", null],
      ["stages.0.jobs.0.fail_fast", null],
      ["stages.0.jobs.0.max_parallel", null],
      ["stages.0.jobs.0.target_tags", ["edge"]],
      ["stages.0.jobs.0.targets", []],
      ["stages.0.jobs.0.action.workflow", null],
    )(plan);
    expect(errorPaths(OrchestrationPlanSchema, plan)).toEqual([]);
  });

  it("accepts workflow_vars with an inline workflow in a tx_workflow dispatch (they render it)", () => {
    expect(
      errorPaths(TxWorkflowPayloadSchema, {
        workflow: baseWorkflow(),
        workflow_vars: { vlan: 120 },
      }),
    ).toEqual([]);
    expect(
      errorPaths(TxWorkflowPayloadSchema, {
        workflow: null,
        workflow_template_name: "core-vlan",
      }),
    ).toEqual([]);
    expect(
      errorPaths(TxBlockPayloadSchema, {
        tx_block_template_name: "b",
        tx_block_template_vars: null,
      }),
    ).toEqual([]);
    expect(
      errorPaths(OrchestratePayloadSchema, {
        plan_template_content: JSON.stringify(basePlan()),
        base_dir: "/srv",
      }),
    ).toEqual([]);
  });

  it("accepts the three rollback policy forms", () => {
    for (const p of ["per_step", "none", { whole_resource: { rollback: cmd("rollback configuration last 1") } }])
      expect(RollbackPolicySchema.safeParse(p).success).toBe(true);
  });

  it("defaults template vars to an object", () => {
    expect(TemplatePayloadSchema.parse({ template: "show-int" })).toMatchObject({ template: "show-int", vars: {} });
  });
});

describe("what the agent rejects, with the exact field", () => {
  type Case = [title: string, schema: z.ZodType, value: unknown, path: string, message?: RegExp];
  const wf = (mutate: (d: Doc) => void) => {
    const d = baseWorkflow();
    mutate(d);
    return d;
  };
  const plan = (mutate: (d: Doc) => void) => {
    const d = basePlan();
    mutate(d);
    return d;
  };
  const cases: Case[] = [
    // exec / template payloads
    ["exec with an empty command", ExecPayloadSchema, { command: "" }, "command", /must not be empty/],
    ["exec with a blank command", ExecPayloadSchema, { command: "  \n " }, "command"],
    ["exec without a command", ExecPayloadSchema, { mode: "Enable" }, "command", /is required/],
    ["exec with an unknown multiline_mode", ExecPayloadSchema, { command: "show run", multiline_mode: "lines" }, "multiline_mode", /split_lines/],
    [
      "template with both template and template_content",
      TemplatePayloadSchema,
      { template: "t", template_content: "show {{ x }}" },
      "template_content",
      /only one/,
    ],
    ["template with neither template nor template_content", TemplatePayloadSchema, { vars: {} }, "template"],
    ["template with a blank template name only", TemplatePayloadSchema, { template: "  " }, "template"],
    ["template vars that are not an object", TemplatePayloadSchema, { template: "t", vars: ["a"] }, "vars", /object/],
    // tx_block / tx_workflow / orchestrate payloads
    [
      "inline tx_block without fail_fast",
      TxBlockPayloadSchema,
      {
        tx_block: {
          name: "b",
          rollback_policy: "none",
          steps: [{ run: cmd("x") }],
        },
      },
      "tx_block.fail_fast",
      /is required/,
    ],
    [
      "tx_block template content that is not JSON",
      TxBlockPayloadSchema,
      { tx_block_template_content: "{ name: b" },
      "tx_block_template_content",
      /not valid JSON/,
    ],
    ["tx_block payload with no source", TxBlockPayloadSchema, { tx_block: null }, "tx_block"],
    [
      "workflow and workflow_template_name together",
      TxWorkflowPayloadSchema,
      { workflow: baseWorkflow(), workflow_template_name: "core-vlan" },
      "workflow_template_name",
      /only one/,
    ],
    ["workflow payload with no source", TxWorkflowPayloadSchema, { workflow_vars: {} }, "workflow"],
    ["workflow payload whose blocks are not a list", TxWorkflowPayloadSchema, { workflow: { name: "w", fail_fast: true, blocks: "nope" } }, "workflow.blocks"],
    ["plan_vars that are not an object", OrchestratePayloadSchema, { plan_template_name: "p", plan_vars: "site=a" }, "plan_vars"],
    // workflows and blocks
    ["a workflow without blocks", TxWorkflowSchema, wf(set(["blocks", []])), "blocks", /at least one block/],
    ["a workflow without fail_fast", TxWorkflowSchema, wf(del("fail_fast")), "fail_fast", /is required/],
    ["an unknown rollback policy", TxWorkflowSchema, wf(set(["blocks.0.rollback_policy", "per-step"])), "blocks.0.rollback_policy", /per_step/],
    ["a missing rollback policy", TxWorkflowSchema, wf(del("blocks.0.rollback_policy")), "blocks.0.rollback_policy", /is required/],
    [
      "a whole_resource policy with a second key",
      TxWorkflowSchema,
      wf(set(["blocks.1.rollback_policy.per_step", null])),
      "blocks.1.rollback_policy",
      /only "whole_resource"/,
    ],
    [
      "a whole_resource policy without its rollback",
      TxWorkflowSchema,
      wf(del("blocks.1.rollback_policy.whole_resource.rollback")),
      "blocks.1.rollback_policy.whole_resource.rollback",
    ],
    [
      "a trigger step index past the last step",
      TxWorkflowSchema,
      wf(set(["blocks.1.rollback_policy.whole_resource.trigger_step_index", 1])),
      "blocks.1.rollback_policy.whole_resource.trigger_step_index",
      /only 1 step/,
    ],
    ["a block without steps", TxWorkflowSchema, wf(set(["blocks.0.steps", []])), "blocks.0.steps", /at least one step/],
    ["a step without run", TxWorkflowSchema, wf(del("blocks.0.steps.1.run")), "blocks.0.steps.1.run", /is required/],
    ["a step with an empty command", TxWorkflowSchema, wf(set(["blocks.0.steps.1.run.command", ""])), "blocks.0.steps.1.run.command", /must not be empty/],
    ["a step with a blank mode", TxWorkflowSchema, wf(set(["blocks.0.steps.0.run.mode", " "])), "blocks.0.steps.0.run.mode", /must not be empty/],
    [
      "a step with a template operation",
      TxWorkflowSchema,
      wf(set(["blocks.0.steps.0.run.kind", "template"])),
      "blocks.0.steps.0.run.kind",
      /"command" or "flow"/,
    ],
    ["a step without an operation kind", TxWorkflowSchema, wf(del("blocks.0.steps.0.run.kind")), "blocks.0.steps.0.run.kind"],
    [
      "a flow operation without steps",
      TxWorkflowSchema,
      wf(set(["blocks.0.steps.0.run", { kind: "flow", stop_on_error: true }])),
      "blocks.0.steps.0.run.steps",
      /at least one step/,
    ],
    [
      "a flow step without mode",
      TxWorkflowSchema,
      wf(set(["blocks.0.steps.0.run", { kind: "flow", steps: [{ command: "ls" }] }])),
      "blocks.0.steps.0.run.steps.0.mode",
      /is required/,
    ],
    ["a rollback with an empty command", TxWorkflowSchema, wf(set(["blocks.0.steps.0.rollback.command", " "])), "blocks.0.steps.0.rollback.command"],
    ["a negative timeout", TxWorkflowSchema, wf(set(["blocks.0.steps.0.run.timeout", -5])), "blocks.0.steps.0.run.timeout", /whole number/],
    [
      "a prompt rule with a response that is not text",
      TxWorkflowSchema,
      wf(set(["blocks.0.steps.0.run.interaction", { prompts: [{ patterns: ["yes/no"], response: 1 }] }])),
      "blocks.0.steps.0.run.interaction.prompts.0.response",
    ],
    [
      "a template block with both name and content",
      TxWorkflowSchema,
      wf(set(["blocks.0", { tx_block_template_name: "a", tx_block_template_content: "{}" }])),
      "blocks.0.tx_block_template_content",
      /not both/,
    ],
    // orchestration plans
    ["a plan with an empty name", OrchestrationPlanSchema, plan(set(["name", " "])), "name", /must not be empty/],
    ["a plan without stages", OrchestrationPlanSchema, plan(del("stages")), "stages", /at least one stage/],
    ["a stage without a name", OrchestrationPlanSchema, plan(set(["stages.1.name", ""])), "stages.1.name"],
    ["a stage without jobs", OrchestrationPlanSchema, plan(set(["stages.0.jobs", []])), "stages.0.jobs", /at least one job/],
    ["an unknown stage strategy", OrchestrationPlanSchema, plan(set(["stages.0.strategy", "rolling"])), "stages.0.strategy", /"serial" or "parallel"/],
    ["an unknown job strategy", OrchestrationPlanSchema, plan(set(["stages.1.jobs.0.strategy", "Parallel"])), "stages.1.jobs.0.strategy"],
    ["a parallel stage with max_parallel 0", OrchestrationPlanSchema, plan(set(["stages.1.max_parallel", 0])), "stages.1.max_parallel", /at least 1/],
    [
      "a parallel job with max_parallel 0",
      OrchestrationPlanSchema,
      plan(set(["stages.1.jobs.0.max_parallel", 0])),
      "stages.1.jobs.0.max_parallel",
      /at least 1/,
    ],
    ["a fractional max_parallel", OrchestrationPlanSchema, plan(set(["stages.1.max_parallel", 1.5])), "stages.1.max_parallel"],
    [
      "a job without targets, target_groups or target_tags",
      OrchestrationPlanSchema,
      plan(set(["stages.0.jobs.0.targets", []])),
      "stages.0.jobs.0.targets",
      /at least one entry/,
    ],
    [
      "a blank target group",
      OrchestrationPlanSchema,
      plan(set(["stages.1.jobs.0.target_groups", ["access", " "]])),
      "stages.1.jobs.0.target_groups.1",
      /must not be empty/,
    ],
    [
      "an inline target object",
      OrchestrationPlanSchema,
      plan(set(["stages.0.jobs.0.targets", [{ host: "10.0.0.1" }]])),
      "stages.0.jobs.0.targets.0",
      /saved connection name/,
    ],
    ["a job without an action", OrchestrationPlanSchema, plan(del("stages.0.jobs.0.action")), "stages.0.jobs.0.action", /is required/],
    [
      "an action kind the agent does not run",
      OrchestrationPlanSchema,
      plan(set(["stages.0.jobs.0.action.kind", "tx_block"])),
      "stages.0.jobs.0.action.kind",
      /tx_workflow/,
    ],
    [
      "an action with both sources",
      OrchestrationPlanSchema,
      plan(set(["stages.1.jobs.0.action.workflow_template_name", "core-vlan"])),
      "stages.1.jobs.0.action.workflow",
      /not both/,
    ],
    [
      "an action with no source",
      OrchestrationPlanSchema,
      plan(set(["stages.0.jobs.0.action", { kind: "tx_workflow", workflow_template_name: "" }])),
      "stages.0.jobs.0.action.workflow_template_name",
    ],
    [
      "workflow_vars with an inline workflow",
      OrchestrationPlanSchema,
      plan(set(["stages.1.jobs.0.action.workflow_vars", {}])),
      "stages.1.jobs.0.action.workflow_vars",
      /only allowed with workflow_template_name/,
    ],
    [
      "an action field the agent does not know",
      OrchestrationPlanSchema,
      plan(set(["stages.0.jobs.0.action.workflow_file", "wf.json"])),
      "stages.0.jobs.0.action.workflow_file",
      /not an action field/,
    ],
    [
      "a broken inline workflow inside an action",
      OrchestrationPlanSchema,
      plan(set(["stages.1.jobs.0.action.workflow.blocks.0.steps.1.run.command", ""])),
      "stages.1.jobs.0.action.workflow.blocks.0.steps.1.run.command",
    ],
    ["a plan that is not an object", OrchestrationPlanSchema, ["stages"], "", /must be an orchestration plan/],
  ];

  it.each(cases)("%s", (_title, schema, value, path, message) => {
    expect(errorPaths(schema, value)).toEqual([path]);
    const msg = firstMessage(schema, value);
    expect(msg.length).toBeGreaterThan(0);
    if (message) expect(msg).toMatch(message);
  });

  it("reports several problems at once, each at its own field", () => {
    const doc = baseWorkflow();
    set(["blocks.0.steps.0.run.command", ""], ["blocks.1.rollback_policy.whole_resource.trigger_step_index", 7], ["blocks.1.fail_fast", "yes"])(doc);
    const res = validatePlan("tx_workflow", doc);
    expect(res.ok).toBe(false);
    if (res.ok) return;
    expect(res.errors.map((e) => e.path).sort()).toEqual([
      "blocks.0.steps.0.run.command",
      "blocks.1.fail_fast",
      "blocks.1.rollback_policy.whole_resource.trigger_step_index",
    ]);
    expect(res.errors.find((e) => e.path === "blocks.1.fail_fast")?.message).toBe("must be true or false");
  });

  it("validatePlan checks a single tx block", () => {
    const res = validatePlan("tx_block", {
      name: "b",
      fail_fast: true,
      rollback_policy: "none",
      steps: [{ run: { kind: "command", mode: "Config" } }],
    });
    expect(res).toEqual({
      ok: false,
      errors: [{ path: "steps.0.run.command", message: "is required" }],
    });
  });
});

describe("exports", () => {
  it("maps every dispatch type to a payload schema and the agent's operation name", () => {
    expect(OPERATION_BY_TYPE).toEqual({
      exec: "exec",
      template: "template_execute",
      tx_block: "tx_block",
      tx_workflow: "tx_workflow",
      orchestrate: "orchestrate",
    });
    expect(Object.keys(DISPATCH_PAYLOAD_SCHEMAS).sort()).toEqual(Object.keys(OPERATION_BY_TYPE).sort());
    expect(DISPATCH_PAYLOAD_SCHEMAS.exec.safeParse({ command: "show version" }).success).toBe(true);
    expect(
      DISPATCH_PAYLOAD_SCHEMAS.template.safeParse({
        template_content: "show {{ intf }}",
        vars: { intf: "Gi0/1" },
      }).success,
    ).toBe(true);
    expect(
      DISPATCH_PAYLOAD_SCHEMAS.tx_block.safeParse({
        tx_block: get(baseWorkflow(), "blocks.0"),
      }).success,
    ).toBe(true);
    expect(
      DISPATCH_PAYLOAD_SCHEMAS.tx_workflow.safeParse({
        workflow: baseWorkflow(),
      }).success,
    ).toBe(true);
    expect(DISPATCH_PAYLOAD_SCHEMAS.orchestrate.safeParse({ plan: basePlan() }).success).toBe(true);
  });

  it("exposes the building blocks on their own", () => {
    expect(TxStepSchema.safeParse({ run: cmd("vlan 10") }).success).toBe(true);
    expect(TxBlockSchema.safeParse(get(baseWorkflow(), "blocks.1")).success).toBe(true);
    expect(OrchestrationStageSchema.safeParse(get(basePlan(), "stages.0")).success).toBe(true);
    expect(
      errorPaths(OrchestrationJobSchema, {
        strategy: "serial",
        action: { kind: "tx_workflow", workflow_template_name: "w" },
      }),
    ).toEqual(["targets"]);
  });

  it("stays browser-safe: imports nothing but zod", () => {
    const source = readFileSync(join(here, "plans.ts"), "utf8");
    const imports = [...source.matchAll(/^\s*import\s[^;]*?from\s+["']([^"']+)["']/gm)].map((m) => m[1]);
    expect(imports).toEqual(["zod"]);
    expect(source).not.toMatch(/\brequire\(|import\(/);
  });
});

// Zod schemas for what a rauto agent accepts: the payloads of the five dispatch
// types and the plan documents (tx block, tx workflow, orchestration plan).
//
// Used by the server (tasks.create) and by the browser-side designer, so this
// file imports nothing but zod and must stay browser-safe.
//
// Ground rules, all taken from the agent's own code (rauto + its rneter crate):
// - Unknown fields are kept (looseObject): the agent's serde structs ignore
//   fields they do not know, and the designer round-trips documents. The one
//   exception is an orchestration action, which the agent declares with
//   `deny_unknown_fields`; unknown keys there are rejected.
// - Inline plans and workflows are rendered by the agent as Jinja templates
//   before they are parsed, and a rendered string that parses as JSON becomes
//   that JSON value. So a non-text field (number, boolean, strategy, ...) also
//   accepts a template expression string such as "{{ batch_size }}"; rules
//   that depend on its value are skipped for it.
// - Fields the agent reads as Option<T> accept null; fields with a serde
//   default accept absence but not null.
// - No defaults are injected into plan documents: what parses is what was given.
import { z } from "zod";

// ---------------------------------------------------------------- helpers

const TEMPLATE_EXPRESSION = /\{\{|\{%/;

/** True for a string the agent will render as a Jinja template ("{{ x }}", "{% if %}"). */
export function isTemplateExpression(value: unknown): value is string {
  return typeof value === "string" && TEMPLATE_EXPRESSION.test(value);
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
/** A non-blank string: the agent trims names and treats blank ones as absent. */
const hasText = (v: unknown): v is string => typeof v === "string" && v.trim() !== "";
const always = { when: () => true };

/** Error map: "is required" when the field is missing, otherwise `message`. */
function req(message: string) {
  return (issue: { input?: unknown }) => (issue.input === undefined ? "is required" : message);
}

const TEXT = "must be text";
const text = (message = TEXT) => z.string({ error: req(message) });
const nonBlank = (message = "must not be empty") => text().refine((s) => s.trim() !== "", message);
const optionalText = () => z.string({ error: TEXT }).nullish();

/** Accepts `schema` or a template expression string (rendered by the agent before parsing). */
function orTemplate<T extends z.ZodType>(schema: T, message: string) {
  return z.union([schema, z.string({ error: message }).regex(TEMPLATE_EXPRESSION, message)], { error: req(message) });
}

const BOOL = "must be true or false";
const flag = () => orTemplate(z.boolean({ error: BOOL }), BOOL);

function count(message: string) {
  return orTemplate(z.number({ error: message }).int(message).min(0, message), message);
}

const VARS = "must be an object of variable names and values";
const VarsSchema = z.record(z.string(), z.unknown(), { error: VARS });

/** A JSON object with custom type errors. */
function object<T extends z.core.$ZodLooseShape>(shape: T, what: string) {
  return z.looseObject(shape, { error: req(`must be ${what}`) });
}

/**
 * Validates with the schema chosen for the input's shape and re-reports that
 * schema's issues at their own paths (a plain z.union would fold them into one
 * vague message at the union). The value passes through unchanged.
 */
function dispatch<T>(pick: (value: unknown) => z.ZodType | string) {
  return z
    .custom<T>(() => true)
    .superRefine((value, ctx) => {
      const chosen = pick(value);
      if (typeof chosen === "string") {
        ctx.addIssue({ code: "custom", path: [], message: chosen });
        return;
      }
      const res = chosen.safeParse(value);
      if (!res.success)
        for (const issue of res.error.issues)
          ctx.addIssue({
            code: "custom",
            path: issue.path,
            message: issue.message,
          });
    });
}

/** Adds an issue unless `text` is blank or valid JSON (the agent JSON-parses template content before rendering it). */
function checkJsonContent(ctx: z.RefinementCtx, value: unknown, key: string) {
  if (!hasText(value)) return;
  try {
    JSON.parse(value);
  } catch (err) {
    ctx.addIssue({
      code: "custom",
      path: [key],
      message: `is not valid JSON (${err instanceof Error ? err.message : String(err)})`,
    });
  }
}

/** The agent takes a template name or content when given and non-blank; both at once is an error. */
function checkSources(ctx: z.RefinementCtx, value: Obj, sources: Array<{ key: string; given: boolean }>, neither: string) {
  const given = sources.filter((s) => s.given);
  if (given.length === 0) ctx.addIssue({ code: "custom", path: [sources[0].key], message: neither });
  const names = sources.map((s) => s.key).join(", ");
  for (const extra of given.slice(1))
    ctx.addIssue({
      code: "custom",
      path: [extra.key],
      message: `give only one of ${names}`,
    });
}

// ------------------------------------------------------ commands, operations

export const MULTILINE_MODES = ["split_lines", "whole"] as const;
const MULTILINE = 'must be "split_lines" or "whole"';
const MODE = 'must name a device mode such as Config, Enable or User (several may be given as "Root,User")';

export const PromptResponseRuleSchema = object(
  {
    /** Regular expressions (Rust syntax) that identify the prompt. */
    patterns: z.array(text("must be text (a regular expression)"), {
      error: req("must be a list of regular expressions"),
    }),
    /** Sent as-is; include "\n" to submit. */
    response: text(),
    record_input: flag().optional(),
  },
  "a prompt rule { patterns, response }",
);

export const CommandInteractionSchema = object(
  {
    prompts: z
      .array(PromptResponseRuleSchema, {
        error: "must be a list of prompt rules",
      })
      .optional(),
  },
  "an object { prompts: [...] }",
);

/** Extra prompt responses: enable_password plus any template-specific key, all text. */
export const CommandDynamicParamsSchema = z
  .object({ enable_password: optionalText(), EnablePassword: optionalText() }, { error: "must be an object of prompt responses" })
  .catchall(z.string({ error: TEXT }));

const commandShape = {
  /** One mode, or candidates separated by "," or "|". */
  mode: text(MODE).refine((s) => s.trim() !== "", "must not be empty; " + MODE.replace("must ", "")),
  command: text().refine((s) => s.trim() !== "", "must not be empty"),
  multiline_mode: orTemplate(z.enum(MULTILINE_MODES, { error: MULTILINE }), MULTILINE).optional(),
  /** Seconds; the agent's default is 60. */
  timeout: count("must be a whole number of seconds (0 or more)").nullish(),
  dyn_params: CommandDynamicParamsSchema.optional(),
  interaction: CommandInteractionSchema.optional(),
};

/** One device command (a step of a flow). */
export const CommandSchema = object(commandShape, "a command { mode, command }");

const FLOW_STEPS = "a flow needs at least one step";
const flowShape = {
  // serde defaults a missing list to [], which the agent then refuses as empty
  steps: z
    .array(CommandSchema, {
      error: (i) => (i.input === undefined ? FLOW_STEPS : "must be a list of commands"),
    })
    .min(1, FLOW_STEPS),
  stop_on_error: flag().optional(),
  max_steps: count("must be a whole number (0 or more)").nullish(),
};

export const CommandFlowSchema = object(flowShape, "a flow { steps: [...] }");

export const OPERATION_KINDS = ["command", "flow"] as const;

export const CommandOperationSchema = object({ kind: z.literal("command"), ...commandShape }, "an operation");
export const FlowOperationSchema = object({ kind: z.literal("flow"), ...flowShape }, "an operation");

/** What a tx step runs (or rolls back with): { kind: "command", ... } or { kind: "flow", steps: [...] }. */
export const SessionOperationSchema = z.discriminatedUnion("kind", [CommandOperationSchema, FlowOperationSchema], {
  error: (issue) => {
    if (issue.input === undefined) return "is required";
    if ((issue.code as string) === "invalid_type") return 'must be an operation object such as { "kind": "command", "mode": "Config", "command": "..." }';
    const kind = isObj(issue.input) ? issue.input.kind : undefined;
    if (kind === undefined) return 'is required: "command" or "flow"';
    if (kind === "template") return 'must be "command" or "flow" (the agent does not run "template" operations inside transactions)';
    return 'must be "command" or "flow"';
  },
});

// --------------------------------------------------------------- tx blocks

export const WholeResourceRollbackSchema = object(
  {
    /** One compensating operation for the whole block. */
    rollback: SessionOperationSchema,
    /** Roll back only if this step (0-based) succeeded; default 0. */
    trigger_step_index: count("must be a step number (0-based)").optional(),
  },
  "an object { rollback, trigger_step_index? }",
);
export type WholeResourceRollback = z.infer<typeof WholeResourceRollbackSchema>;

export const ROLLBACK_POLICY_NAMES = ["none", "per_step"] as const;
const ROLLBACK_POLICY = 'must be "per_step", "none" or { "whole_resource": { "rollback": {...} } }';
const WholeResourcePolicySchema = z.strictObject(
  { whole_resource: WholeResourceRollbackSchema },
  {
    error: (issue) =>
      issue.code === "unrecognized_keys" ? `must hold only "whole_resource" (also found ${issue.keys.map((k) => `"${k}"`).join(", ")})` : ROLLBACK_POLICY,
  },
);

/** "per_step" | "none" | { whole_resource: { rollback, trigger_step_index? } } */
export type RollbackPolicy = (typeof ROLLBACK_POLICY_NAMES)[number] | { whole_resource: WholeResourceRollback } | (string & {});
export const RollbackPolicySchema = dispatch<RollbackPolicy>((value) => {
  if (value === undefined) return "is required";
  if (typeof value === "string") {
    if ((ROLLBACK_POLICY_NAMES as readonly string[]).includes(value) || isTemplateExpression(value)) return z.string();
    return ROLLBACK_POLICY;
  }
  if (isObj(value) && "whole_resource" in value) return WholeResourcePolicySchema;
  return ROLLBACK_POLICY;
});

export const TxStepSchema = object(
  {
    run: SessionOperationSchema,
    /** Compensating operation, used by the "per_step" policy. */
    rollback: SessionOperationSchema.nullish(),
    /** Also roll back this step when it is the one that failed. */
    rollback_on_failure: flag().optional(),
  },
  "a step { run, rollback? }",
);

function checkTriggerStep(block: unknown, ctx: z.RefinementCtx) {
  if (!isObj(block) || !Array.isArray(block.steps) || block.steps.length === 0) return;
  const policy = block.rollback_policy;
  if (!isObj(policy) || !isObj(policy.whole_resource)) return;
  const index = policy.whole_resource.trigger_step_index;
  if (typeof index !== "number" || !Number.isInteger(index) || index < 0) return;
  const n = block.steps.length;
  if (index >= n)
    ctx.addIssue({
      code: "custom",
      path: ["rollback_policy", "whole_resource", "trigger_step_index"],
      message: `is ${index} but the block has only ${n} step${n === 1 ? "" : "s"} (use 0${n > 1 ? ` to ${n - 1}` : ""})`,
    });
}

/** A transaction block: steps run in order, rolled back by its policy on failure. */
export const TxBlockSchema = object(
  {
    name: text(),
    rollback_policy: RollbackPolicySchema,
    steps: z.array(TxStepSchema, { error: req("must be a list of steps") }).min(1, "a block needs at least one step"),
    fail_fast: flag(),
  },
  "a tx block { name, rollback_policy, steps, fail_fast }",
).superRefine(checkTriggerStep, always);

/** A workflow block that the agent loads from a saved or inline tx-block template. */
export const TxBlockTemplateRefSchema = object(
  {
    /** Overrides the template's block name when non-blank. */
    name: optionalText(),
    /** Overrides the template's fail_fast when given. */
    fail_fast: flag().nullish(),
    tx_block_template_name: optionalText(),
    tx_block_template_content: optionalText(),
    tx_block_template_vars: VarsSchema.nullish(),
  },
  "a block",
).superRefine((v, ctx) => {
  if (!isObj(v)) return;
  if (hasText(v.tx_block_template_name) && hasText(v.tx_block_template_content))
    ctx.addIssue({
      code: "custom",
      path: ["tx_block_template_content"],
      message: "give either tx_block_template_name or tx_block_template_content, not both",
    });
  checkJsonContent(ctx, v.tx_block_template_content, "tx_block_template_content");
}, always);

/** True when the agent treats a workflow block as a template reference rather than an inline block. */
export function isTxBlockTemplateRef(block: unknown): boolean {
  return isObj(block) && (hasText(block.tx_block_template_name) || hasText(block.tx_block_template_content));
}

export type TxBlock = z.infer<typeof TxBlockSchema>;
export type TxBlockTemplateRef = z.infer<typeof TxBlockTemplateRefSchema>;
export type WorkflowBlock = TxBlock | TxBlockTemplateRef;

/** A workflow block: an inline tx block, or a reference to a tx-block template. */
export const WorkflowBlockSchema = dispatch<WorkflowBlock>((value) => (isTxBlockTemplateRef(value) ? TxBlockTemplateRefSchema : TxBlockSchema));

/** A transaction workflow: blocks run in order; earlier blocks are compensated when a later one fails. */
export const TxWorkflowSchema = object(
  {
    name: text(),
    fail_fast: flag(),
    blocks: z.array(WorkflowBlockSchema, { error: req("must be a list of blocks") }).min(1, "a workflow needs at least one block"),
  },
  "a tx workflow { name, fail_fast, blocks }",
);

// ----------------------------------------------------------- orchestration

export const STRATEGIES = ["serial", "parallel"] as const;
const STRATEGY = 'must be "serial" or "parallel"';
const strategy = () => orTemplate(z.enum(STRATEGIES, { error: STRATEGY }), STRATEGY);
const maxParallel = () => count("must be a whole number (1 or more)").nullish();
const nameList = (what: string, each: string) => {
  const list = z.array(
    text(`must be ${each} (text)`).refine((s) => s.trim() !== "", "must not be empty"),
    { error: `must be a list of ${what}` },
  );
  return dispatch<string[] | string>((value) => (isTemplateExpression(value) ? z.string() : list)).optional();
};

function checkParallelism(v: unknown, ctx: z.RefinementCtx) {
  if (isObj(v) && v.strategy === "parallel" && v.max_parallel === 0)
    ctx.addIssue({
      code: "custom",
      path: ["max_parallel"],
      message: 'must be at least 1 when strategy is "parallel"',
    });
}

export const ACTION_KINDS = ["tx_workflow"] as const;
const ACTION_FIELDS = new Set(["kind", "workflow", "workflow_template_name", "workflow_vars"]);

/** Runs a tx workflow on every target of the job: inline `workflow` or a saved `workflow_template_name`. */
export const TxWorkflowActionSchema = object(
  {
    kind: z.literal("tx_workflow", {
      error: req('must be "tx_workflow" (the only action kind the agent runs)'),
    }),
    workflow: TxWorkflowSchema.nullish(),
    workflow_template_name: optionalText(),
    /** Variables for the saved workflow template; not allowed with an inline workflow. */
    workflow_vars: VarsSchema.nullish(),
  },
  'an action { "kind": "tx_workflow", ... }',
).superRefine((v, ctx) => {
  if (!isObj(v)) return;
  for (const key of Object.keys(v))
    if (!ACTION_FIELDS.has(key))
      ctx.addIssue({
        code: "custom",
        path: [key],
        message: "is not an action field: the agent accepts only kind, workflow, workflow_template_name and workflow_vars here",
      });
  const inline = v.workflow !== undefined && v.workflow !== null;
  const named = hasText(v.workflow_template_name);
  if (!inline && !named)
    ctx.addIssue({
      code: "custom",
      path: ["workflow_template_name"],
      message: "give a workflow_template_name or an inline workflow",
    });
  if (inline && named)
    ctx.addIssue({
      code: "custom",
      path: ["workflow"],
      message: "give either an inline workflow or workflow_template_name, not both",
    });
  if (inline && v.workflow_vars !== undefined && v.workflow_vars !== null)
    ctx.addIssue({
      code: "custom",
      path: ["workflow_vars"],
      message: "is only allowed with workflow_template_name, not with an inline workflow",
    });
}, always);

/** The action a job runs; the agent knows one kind today, "tx_workflow". */
export const OrchestrationActionSchema = TxWorkflowActionSchema;

export const OrchestrationJobSchema = object(
  {
    /** Optional; the agent calls unnamed jobs job-1, job-2, ... */
    name: optionalText(),
    strategy: strategy(),
    max_parallel: maxParallel(),
    fail_fast: flag().nullish(),
    /** Device groups saved on the agent. */
    target_groups: nameList("device group names", "a device group name"),
    /** Device labels saved on the agent. */
    target_tags: nameList("device labels", "a device label"),
    /** Saved connection names on the agent. */
    targets: nameList("saved connection names", "a saved connection name"),
    action: OrchestrationActionSchema,
  },
  "a job { strategy, targets / target_groups / target_tags, action }",
).superRefine((v, ctx) => {
  if (!isObj(v)) return;
  const empty = (x: unknown) => x === undefined || (Array.isArray(x) && x.length === 0);
  if (empty(v.targets) && empty(v.target_groups) && empty(v.target_tags))
    ctx.addIssue({
      code: "custom",
      path: ["targets"],
      message: "a job needs at least one entry in targets, target_groups or target_tags",
    });
  checkParallelism(v, ctx);
}, always);

export const OrchestrationStageSchema = object(
  {
    name: nonBlank(),
    strategy: strategy(),
    max_parallel: maxParallel(),
    fail_fast: flag().nullish(),
    jobs: z.array(OrchestrationJobSchema, { error: req("must be a list of jobs") }).min(1, "a stage needs at least one job"),
  },
  "a stage { name, strategy, jobs }",
).superRefine(checkParallelism, always);

const STAGES = "a plan needs at least one stage";
/** An orchestration plan: stages run in order, each stage runs its jobs on their targets. */
export const OrchestrationPlanSchema = object(
  {
    name: nonBlank(),
    fail_fast: flag().optional(),
    rollback_on_stage_failure: flag().optional(),
    rollback_completed_stages_on_failure: flag().optional(),
    // serde defaults a missing list to [], which the agent then refuses as empty
    stages: z
      .array(OrchestrationStageSchema, {
        error: (i) => (i.input === undefined ? STAGES : "must be a list of stages"),
      })
      .min(1, STAGES),
  },
  "an orchestration plan { name, stages }",
);

// --------------------------------------------------------- dispatch payloads

const textfsmShape = {
  textfsm_template: optionalText(),
  parse_textfsm: z.boolean({ error: BOOL }).optional(),
  textfsm_platform: optionalText(),
  textfsm_vendor: optionalText(),
  textfsm_strict_errors: z.boolean({ error: BOOL }).optional(),
};
const multilineMode = () => z.enum(MULTILINE_MODES, { error: MULTILINE }).optional();

/** POST /api/exec/async (besides task_id, record_level, connection). */
export const ExecPayloadSchema = object(
  {
    command: text().refine((s) => s.trim() !== "", "must not be empty"),
    /** Device mode; the profile's default mode when absent. */
    mode: optionalText(),
    multiline_mode: multilineMode(),
    ...textfsmShape,
  },
  "an object",
);

/** POST /api/template/execute/async: a saved command template or inline template text. */
export const TemplatePayloadSchema = object(
  {
    template: optionalText(),
    template_content: optionalText(),
    vars: VarsSchema.nullable().default({}),
    mode: optionalText(),
    multiline_mode: multilineMode(),
    template_dir: optionalText(),
    ...textfsmShape,
  },
  "an object",
).superRefine((v, ctx) => {
  if (!isObj(v)) return;
  checkSources(
    ctx,
    v,
    [
      { key: "template", given: hasText(v.template) },
      { key: "template_content", given: hasText(v.template_content) },
    ],
    "give a template name or template_content",
  );
}, always);

/** POST /api/tx/block/async / ExecuteTxBlockAsync. */
export const TxBlockPayloadSchema = object(
  {
    tx_block: TxBlockSchema.nullish(),
    tx_block_template_name: optionalText(),
    tx_block_template_content: optionalText(),
    tx_block_template_vars: VarsSchema.nullish(),
  },
  "an object",
).superRefine((v, ctx) => {
  if (!isObj(v)) return;
  checkSources(
    ctx,
    v,
    [
      {
        key: "tx_block",
        given: v.tx_block !== undefined && v.tx_block !== null,
      },
      {
        key: "tx_block_template_name",
        given: hasText(v.tx_block_template_name),
      },
      {
        key: "tx_block_template_content",
        given: hasText(v.tx_block_template_content),
      },
    ],
    "give an inline tx_block, a tx_block_template_name or tx_block_template_content",
  );
  checkJsonContent(ctx, v.tx_block_template_content, "tx_block_template_content");
}, always);

/** POST /api/tx/workflow/async / ExecuteTxWorkflowAsync. workflow_vars render the inline workflow too. */
export const TxWorkflowPayloadSchema = object(
  {
    workflow: TxWorkflowSchema.nullish(),
    workflow_template_name: optionalText(),
    workflow_template_content: optionalText(),
    workflow_vars: VarsSchema.nullish(),
  },
  "an object",
).superRefine((v, ctx) => {
  if (!isObj(v)) return;
  checkSources(
    ctx,
    v,
    [
      {
        key: "workflow",
        given: v.workflow !== undefined && v.workflow !== null,
      },
      {
        key: "workflow_template_name",
        given: hasText(v.workflow_template_name),
      },
      {
        key: "workflow_template_content",
        given: hasText(v.workflow_template_content),
      },
    ],
    "give an inline workflow, a workflow_template_name or workflow_template_content",
  );
  checkJsonContent(ctx, v.workflow_template_content, "workflow_template_content");
}, always);

/** POST /api/orchestrate/async / ExecuteOrchestrationAsync. plan_vars render the inline plan too. */
export const OrchestratePayloadSchema = object(
  {
    plan: OrchestrationPlanSchema.nullish(),
    plan_template_name: optionalText(),
    plan_template_content: optionalText(),
    plan_vars: VarsSchema.nullish(),
    /** Directory relative paths in the plan resolve against; "." when blank. */
    base_dir: optionalText(),
  },
  "an object",
).superRefine((v, ctx) => {
  if (!isObj(v)) return;
  checkSources(
    ctx,
    v,
    [
      { key: "plan", given: v.plan !== undefined && v.plan !== null },
      { key: "plan_template_name", given: hasText(v.plan_template_name) },
      { key: "plan_template_content", given: hasText(v.plan_template_content) },
    ],
    "give an inline plan, a plan_template_name or plan_template_content",
  );
  checkJsonContent(ctx, v.plan_template_content, "plan_template_content");
}, always);

/** The agent's operation name for each dispatch type (AcceptedTaskResponse.operation, result_summary.operation). */
export const OPERATION_BY_TYPE = {
  exec: "exec",
  template: "template_execute",
  tx_block: "tx_block",
  tx_workflow: "tx_workflow",
  orchestrate: "orchestrate",
} as const satisfies Record<string, string>;
export type DispatchType = keyof typeof OPERATION_BY_TYPE;
export const DISPATCH_TYPES = Object.keys(OPERATION_BY_TYPE) as DispatchType[];

export const DISPATCH_PAYLOAD_SCHEMAS: Record<DispatchType, z.ZodType> = {
  exec: ExecPayloadSchema,
  template: TemplatePayloadSchema,
  tx_block: TxBlockPayloadSchema,
  tx_workflow: TxWorkflowPayloadSchema,
  orchestrate: OrchestratePayloadSchema,
};

// -------------------------------------------------------------------- types

export type PromptResponseRule = z.infer<typeof PromptResponseRuleSchema>;
export type CommandInteraction = z.infer<typeof CommandInteractionSchema>;
export type CommandDynamicParams = z.infer<typeof CommandDynamicParamsSchema>;
export type Command = z.infer<typeof CommandSchema>;
export type CommandFlow = z.infer<typeof CommandFlowSchema>;
export type CommandOperation = z.infer<typeof CommandOperationSchema>;
export type FlowOperation = z.infer<typeof FlowOperationSchema>;
export type SessionOperation = z.infer<typeof SessionOperationSchema>;
export type TxStep = z.infer<typeof TxStepSchema>;
export type TxWorkflow = z.infer<typeof TxWorkflowSchema>;
export type TxWorkflowAction = z.infer<typeof TxWorkflowActionSchema>;
export type OrchestrationAction = z.infer<typeof OrchestrationActionSchema>;
export type OrchestrationJob = z.infer<typeof OrchestrationJobSchema>;
export type OrchestrationStage = z.infer<typeof OrchestrationStageSchema>;
export type OrchestrationPlan = z.infer<typeof OrchestrationPlanSchema>;
export type ExecPayload = z.infer<typeof ExecPayloadSchema>;
export type TemplatePayload = z.infer<typeof TemplatePayloadSchema>;
export type TxBlockPayload = z.infer<typeof TxBlockPayloadSchema>;
export type TxWorkflowPayload = z.infer<typeof TxWorkflowPayloadSchema>;
export type OrchestratePayload = z.infer<typeof OrchestratePayloadSchema>;

// --------------------------------------------------------------- validatePlan

export type PlanKind = "tx_block" | "tx_workflow" | "orchestrate";
export interface PlanByKind {
  tx_block: TxBlock;
  tx_workflow: TxWorkflow;
  orchestrate: OrchestrationPlan;
}
export const PLAN_SCHEMAS = {
  tx_block: TxBlockSchema,
  tx_workflow: TxWorkflowSchema,
  orchestrate: OrchestrationPlanSchema,
} as const satisfies Record<PlanKind, z.ZodType>;

export interface PlanIssue {
  /** Dotted path into the document, e.g. "blocks.0.steps.2.run.command"; "" for the document itself. */
  path: string;
  message: string;
}
export type PlanValidationResult<T> = { ok: true; value: T } | { ok: false; errors: PlanIssue[] };

/** Every problem the agent would refuse the document for, one entry per field. */
export function validatePlan<K extends PlanKind>(kind: K, value: unknown): PlanValidationResult<PlanByKind[K]> {
  const schema: z.ZodType = PLAN_SCHEMAS[kind];
  if (!schema) throw new Error(`unknown plan kind: ${String(kind)}`);
  const res = schema.safeParse(value);
  if (res.success) return { ok: true, value: res.data as PlanByKind[K] };
  const seen = new Set<string>();
  const errors: PlanIssue[] = [];
  for (const issue of res.error.issues) {
    const path = issue.path.map(String).join(".");
    const key = `${path}\u0000${issue.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    errors.push({ path, message: issue.message });
  }
  return { ok: false, errors };
}

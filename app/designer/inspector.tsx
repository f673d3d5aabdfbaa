// The form for the selected node: one form per node kind, real controls, errors
// from the shared validation shown at their fields.
import { useEffect, useState } from "react";
import { STRATEGIES } from "../../server/domain/plans";
import { useAgentData } from "./agent-data";
import { CountField, FlagField, JsonField, NameListField, SelectField, TextField } from "./fields";
import { useDesignerT, type DesignerT } from "./i18n";
import { useStore } from "./store";
import type { BlockData, BlockRefData, DesignerNode, JobAction, JobData, PlanData, StageData, StepData, WorkflowData } from "./types";
import type { DesignerIssue } from "./validate";

type Errors = (field: string) => string | undefined;
type Op = Record<string, unknown>;

export function Inspector({ node, issues }: { node: DesignerNode | null; issues: DesignerIssue[] }) {
  const t = useDesignerT();
  if (!node) return <p className="hint">{t("inspector.none")}</p>;
  // messages for a field and anything under it
  const err: Errors = (field) => {
    const hits = issues.filter((i) => i.field === field || (field !== "" && i.field.startsWith(`${field}.`)));
    return hits.length ? hits.map((i) => (i.field !== field ? `${i.field.slice(field.length + 1)} ${i.message}` : i.message)).join("; ") : undefined;
  };
  const nodeLevel = issues.filter((i) => i.field === "");
  return (
    <div className="dz-inspector" key={node.id} data-testid="inspector">
      <h2>{t(`kind.${node.type}`)}</h2>
      {nodeLevel.map((i, k) => (
        <div key={k} className="field-error">
          {i.message}
        </div>
      ))}
      <Form node={node} err={err} t={t} />
      <Extra extra={node.data.extra} />
    </div>
  );
}

function Extra({ extra }: { extra: Record<string, unknown> }) {
  const t = useDesignerT();
  const keys = Object.keys(extra).filter((k) => !k.startsWith("__designer"));
  if (!keys.length) return null;
  return (
    <details className="dz-extra">
      <summary>{t("inspector.extra", { n: keys.length })}</summary>
      <pre>{JSON.stringify(Object.fromEntries(keys.map((k) => [k, extra[k]])), null, 2)}</pre>
    </details>
  );
}

function Form({ node, err, t }: { node: DesignerNode; err: Errors; t: DesignerT }) {
  const store = useStore();
  const agent = useAgentData();
  function edit<D>(field: string, patch: (d: D) => D) {
    store.update(node.id, field, (d) => patch(d as D) as DesignerNode["data"]);
  }
  switch (node.type) {
    case "workflow": {
      const d = node.data;
      const up = (k: keyof WorkflowData) => (v: unknown) => edit<WorkflowData>(k as string, (x) => ({ ...x, [k]: v }));
      return (
        <>
          <TextField label={t("field.name")} value={d.name} onChange={up("name")} error={err("name")} />
          <FlagField label="fail_fast" hint={t("hint.workflowFailFast")} value={d.fail_fast} onChange={up("fail_fast")} error={err("fail_fast")} required />
        </>
      );
    }
    case "block": {
      const d = node.data;
      const up = (k: keyof BlockData) => (v: unknown) => edit<BlockData>(k as string, (x) => ({ ...x, [k]: v }));
      return (
        <>
          <TextField label={t("field.name")} value={d.name} onChange={up("name")} error={err("name")} />
          <FlagField label="fail_fast" value={d.fail_fast} onChange={up("fail_fast")} error={err("fail_fast")} required />
          <PolicyEditor value={d.rollback_policy} onChange={up("rollback_policy")} err={err} t={t} />
          {err("steps") ? <div className="field-error">steps: {err("steps")}</div> : null}
        </>
      );
    }
    case "blockRef": {
      const d = node.data;
      const up = (k: keyof BlockRefData) => (v: unknown) => edit<BlockRefData>(k as string, (x) => ({ ...x, [k]: v }));
      return (
        <>
          <TextField label={t("field.txBlockTemplate")} value={d.tx_block_template_name} list={agent.txBlockTemplates} onChange={up("tx_block_template_name")} error={err("tx_block_template_name")} hint={agent.agentId ? t("hint.fromAgent") : t("hint.pickAgent")} />
          <TextField label={t("field.nameOverride")} value={d.name} onChange={up("name")} emptyIsAbsent error={err("name")} />
          <FlagField label="fail_fast" value={d.fail_fast} onChange={up("fail_fast")} error={err("fail_fast")} />
          <JsonField label="tx_block_template_vars" value={d.tx_block_template_vars} onChange={up("tx_block_template_vars")} error={err("tx_block_template_vars")} />
          <TextField label="tx_block_template_content" multiline value={d.tx_block_template_content} onChange={up("tx_block_template_content")} emptyIsAbsent error={err("tx_block_template_content")} />
        </>
      );
    }
    case "step": {
      const d = node.data;
      const up = (k: keyof StepData) => (v: unknown) => edit<StepData>(k as string, (x) => ({ ...x, [k]: v }));
      return (
        <>
          <OpEditor label={t("field.run")} path="run" value={d.run} onChange={up("run")} err={err} t={t} />
          <SelectField
            label={t("field.rollback")}
            value={d.rollback ? "op" : d.rollback === null ? "null" : undefined}
            allowUnset
            options={[
              ["null", t("field.noRollback")],
              ["op", t("field.rollbackOp")],
            ]}
            onChange={(v) => up("rollback")(v === "op" ? { kind: "command", mode: (d.run as Op | undefined)?.mode ?? "Config", command: "", timeout: (d.run as Op | undefined)?.timeout } : v === "null" ? null : undefined)}
          />
          {d.rollback ? <OpEditor label={t("field.rollbackOp")} path="rollback" value={d.rollback} onChange={up("rollback")} err={err} t={t} /> : null}
          <FlagField label="rollback_on_failure" value={d.rollback_on_failure} onChange={up("rollback_on_failure")} error={err("rollback_on_failure")} />
        </>
      );
    }
    case "plan": {
      const d = node.data;
      const up = (k: keyof PlanData) => (v: unknown) => edit<PlanData>(k as string, (x) => ({ ...x, [k]: v }));
      return (
        <>
          <TextField label={t("field.name")} value={d.name} onChange={up("name")} error={err("name")} />
          <FlagField label="fail_fast" value={d.fail_fast} onChange={up("fail_fast")} error={err("fail_fast")} />
          <FlagField label="rollback_on_stage_failure" value={d.rollback_on_stage_failure} onChange={up("rollback_on_stage_failure")} error={err("rollback_on_stage_failure")} />
          <FlagField label="rollback_completed_stages_on_failure" value={d.rollback_completed_stages_on_failure} onChange={up("rollback_completed_stages_on_failure")} error={err("rollback_completed_stages_on_failure")} />
        </>
      );
    }
    case "stage": {
      const d = node.data;
      const up = (k: keyof StageData) => (v: unknown) => edit<StageData>(k as string, (x) => ({ ...x, [k]: v }));
      return (
        <>
          <TextField label={t("field.name")} value={d.name} onChange={up("name")} error={err("name")} />
          <StrategyField value={d.strategy} onChange={up("strategy")} error={err("strategy")} t={t} />
          <CountField label="max_parallel" value={d.max_parallel} onChange={up("max_parallel")} error={err("max_parallel")} />
          <FlagField label="fail_fast" value={d.fail_fast} onChange={up("fail_fast")} error={err("fail_fast")} />
          {err("jobs") ? <div className="field-error">jobs: {err("jobs")}</div> : null}
        </>
      );
    }
    case "job": {
      const d = node.data;
      const up = (k: keyof JobData) => (v: unknown) => edit<JobData>(k as string, (x) => ({ ...x, [k]: v }));
      const action: JobAction = d.action ?? { kind: "tx_workflow", workflow: undefined, workflow_template_name: "", workflow_vars: undefined, extra: {} };
      const upAction = (k: keyof JobAction) => (v: unknown) => edit<JobData>(`action.${k}`, (x) => ({ ...x, rawAction: undefined, action: { ...action, [k]: v } }));
      return (
        <>
          <TextField label={t("field.name")} value={d.name} onChange={up("name")} emptyIsAbsent error={err("name")} />
          <StrategyField value={d.strategy} onChange={up("strategy")} error={err("strategy")} t={t} />
          <CountField label="max_parallel" value={d.max_parallel} onChange={up("max_parallel")} error={err("max_parallel")} />
          <FlagField label="fail_fast" value={d.fail_fast} onChange={up("fail_fast")} error={err("fail_fast")} />
          <NameListField label={t("field.targets")} hint={agent.agentId ? t("hint.fromAgent") : t("hint.pickAgent")} value={d.targets} options={agent.connections.map((c) => c.name)} onChange={up("targets")} error={err("targets")} />
          <NameListField label="target_groups" value={d.target_groups} options={[]} onChange={up("target_groups")} error={err("target_groups")} />
          <NameListField label="target_tags" value={d.target_tags} options={[]} onChange={up("target_tags")} error={err("target_tags")} />
          <fieldset>
            <legend>{t("field.action")}</legend>
            {d.rawAction !== undefined ? <div className="field-error">{err("action")}</div> : null}
            <TextField label={t("field.workflowTemplate")} value={action.workflow_template_name} list={agent.txWorkflowTemplates} onChange={upAction("workflow_template_name")} error={err("action.workflow_template_name")} />
            <JsonField label="workflow_vars" value={action.workflow_vars} onChange={upAction("workflow_vars")} error={err("action.workflow_vars")} />
            <JsonField label={t("field.inlineWorkflow")} value={action.workflow} onChange={upAction("workflow")} error={err("action.workflow")} rows={3} />
          </fieldset>
        </>
      );
    }
  }
}

function StrategyField({ value, onChange, error, t }: { value: string | undefined; onChange: (v: unknown) => void; error?: string; t: DesignerT }) {
  return <SelectField label={t("field.strategy")} value={value} options={STRATEGIES.map((s) => [s, t(`strategy.${s}`)])} onChange={onChange} error={error} />;
}

function PolicyEditor({ value, onChange, err, t }: { value: unknown; onChange: (v: unknown) => void; err: Errors; t: DesignerT }) {
  const whole = value && typeof value === "object" && "whole_resource" in value ? ((value as { whole_resource: Op }).whole_resource ?? {}) : null;
  const choice = whole ? "whole_resource" : typeof value === "string" ? value : undefined;
  return (
    <>
      <SelectField
        label={t("field.rollback_policy")}
        value={choice}
        error={whole ? undefined : err("rollback_policy")}
        options={[
          ["per_step", t("policy.per_step")],
          ["none", t("policy.none")],
          ["whole_resource", t("policy.whole_resource")],
        ]}
        onChange={(v) => onChange(v === "whole_resource" ? { whole_resource: { rollback: { kind: "command", mode: "Config", command: "" } } } : v)}
      />
      {whole ? (
        <>
          <OpEditor label={t("field.wholeRollback")} path="rollback_policy.whole_resource.rollback" value={whole.rollback} onChange={(op) => onChange({ whole_resource: { ...whole, rollback: op } })} err={err} t={t} />
          <CountField
            label="trigger_step_index"
            hint={t("hint.trigger")}
            value={whole.trigger_step_index as number | undefined}
            onChange={(v) => {
              const { trigger_step_index: _old, ...rest } = whole;
              onChange({ whole_resource: v === undefined ? rest : { ...rest, trigger_step_index: v } });
            }}
            error={err("rollback_policy.whole_resource.trigger_step_index")}
          />
        </>
      ) : null}
    </>
  );
}

/** A command or flow operation. Modes come from the profile of one of the agent's connections. */
function OpEditor({ label, path, value, onChange, err, t }: { label: string; path: string; value: unknown; onChange: (v: unknown) => void; err: Errors; t: DesignerT }) {
  const agent = useAgentData();
  const profiles = [...new Set(agent.connections.map((c) => c.profile).filter(Boolean))];
  const [profile, setProfile] = useState(profiles[0] ?? "");
  const { loadModes } = agent;
  useEffect(() => {
    if (profile) loadModes(profile);
  }, [profile, loadModes]);
  const op: Op = value && typeof value === "object" ? (value as Op) : {};
  const up = (k: string) => (v: unknown) => {
    const next = { ...op, [k]: v };
    if (v === undefined) delete next[k];
    onChange(next);
  };
  const modes = agent.modes[profile] ?? [];
  return (
    <fieldset>
      <legend>{label}</legend>
      <SelectField
        label={t("field.opKind")}
        value={typeof op.kind === "string" ? op.kind : undefined}
        options={[
          ["command", "command"],
          ["flow", "flow"],
        ]}
        error={err(`${path}.kind`) ?? (typeof value !== "object" ? err(path) : undefined)}
        onChange={(k) => onChange(k === "flow" ? { kind: "flow", steps: [{ mode: op.mode ?? "Config", command: op.command ?? "" }], stop_on_error: true } : { kind: "command", mode: "Config", command: "" })}
      />
      {op.kind === "flow" ? (
        <>
          <JsonField label={t("field.flowSteps")} rows={6} value={op.steps} onChange={up("steps")} error={err(`${path}.steps`)} />
          <FlagField label="stop_on_error" value={op.stop_on_error as boolean | undefined} onChange={up("stop_on_error")} error={err(`${path}.stop_on_error`)} />
        </>
      ) : (
        <>
          {profiles.length > 1 ? <SelectField label={t("field.modesOf")} value={profile} options={profiles.map((p) => [p, p])} onChange={(p) => setProfile(p ?? "")} /> : null}
          <TextField label={t("field.mode")} value={op.mode as string | undefined} list={modes} onChange={up("mode")} error={err(`${path}.mode`)} hint={modes.length ? t("hint.modes", { profile, modes: modes.join(", ") }) : undefined} />
          <TextField label={t("field.command")} value={op.command as string | undefined} onChange={up("command")} error={err(`${path}.command`)} placeholder="vlan 120" />
          <CountField label={t("field.timeout")} value={op.timeout as number | undefined} onChange={up("timeout")} error={err(`${path}.timeout`)} />
        </>
      )}
    </fieldset>
  );
}

// Renders a run's result by task type: the summary first (what the agent says
// happened), then the structured detail it reported, then raw JSON.
//
// Shapes (what a rauto agent puts in the task callback's `result`, i.e. the
// serialised response of the synchronous endpoint, snake_case):
// - exec:        ExecResponse {output, exit_code, outputs: [CommandResult], parsed_output, parse_error, recording_jsonl, result_summary}
// - template:    ExecuteTemplateResponse {rendered_commands, executed: [CommandResult], recording_jsonl, result_summary}
// - tx_block:    ExecuteTxBlockResponse {tx_block, tx_result: TxResult | null, recording_jsonl, result_summary}
// - tx_workflow: ExecuteTxWorkflowResponse {workflow, tx_workflow_result: TxWorkflowResult | null, recording_jsonl, result_summary}
// - orchestrate: ExecuteOrchestrationResponse {plan, orchestration_result: OrchestrationExecutionResult | null, result_summary}
// CommandResult {command, success, exit_code, output, all, error, parsed_output, parse_error}.
// TxResult (rneter) {block_name, committed, failed_step, executed_steps, rollback_attempted,
//   rollback_succeeded, rollback_steps, rollback_errors, and in newer rneter failure_reason,
//   block_rollback_operation_summary, block_rollback_steps, step_results: [TxStepResult]}.
// TxStepResult {step_index, mode, operation_summary, execution_state (not_run|succeeded|failed),
//   failure_reason, forward_operation_steps, rollback_state (not_needed|succeeded|failed|skipped|
//   block_succeeded|block_failed|block_skipped), rollback_operation_summary, rollback_reason,
//   rollback_operation_steps}; operation steps {step_index, mode, operation_summary, success,
//   exit_code, content, all, prompt}.
// TxWorkflowResult {workflow_name, committed, failed_block, block_results: [TxResult],
//   rollback_attempted, rollback_succeeded, rollback_errors}.
// OrchestrationExecutionResult {plan_name, success, fail_fast, total_stages, executed_stages,
//   stages: [{name, strategy, status, fail_fast, jobs_total/succeeded/failed/skipped,
//   jobs: [{name, strategy, status, fail_fast, action_kind, action_summary,
//   targets_total/succeeded/failed/skipped, results: [TargetExecutionResult]}]}]}
//   (older agents put `results` and `targets_*` straight on the stage);
// TargetExecutionResult {label, connection_name, host, status, operation, duration_ms, error,
//   tx_result, workflow_result, recording_jsonl, compensation?: {scope, attempted, success,
//   reason, operation, duration_ms, error, tx_result, recording_jsonl}}.
// Everything is read defensively: renderers are plain functions, so a shape
// they cannot handle is caught here and shown as JSON instead of breaking the page.
import type { ReactNode } from "react";
import type { MessageKey, Translate } from "../lib/i18n";
import { useT } from "../lib/prefs";

type Json = unknown;
type Obj = Record<string, Json>;
const obj = (v: Json): Obj | null => (v && typeof v === "object" && !Array.isArray(v) ? (v as Obj) : null);
const arr = (v: Json): Json[] => (Array.isArray(v) ? v : []);
const str = (v: Json): string | undefined => (typeof v === "string" ? v : typeof v === "number" || typeof v === "boolean" ? String(v) : undefined);
const text = (v: Json): string | undefined => {
  const s = str(v);
  return s !== undefined && s.trim() !== "" ? s : undefined;
};
const num = (v: Json): number | undefined => (typeof v === "number" && Number.isFinite(v) ? v : undefined);
const bool = (v: Json): boolean | undefined => (typeof v === "boolean" ? v : undefined);
const fill = (s: string, vars: Record<string, string | number>) => s.replace(/\{(\w+)\}/g, (m, k: string) => (k in vars ? String(vars[k]) : m));

function toJson(v: Json): string {
  try {
    return JSON.stringify(v, (_k, x: unknown) => (typeof x === "bigint" ? x.toString() : x), 2) ?? String(v);
  } catch {
    return "[unserializable]";
  }
}

const STATUS_LABEL = new Map<string, MessageKey>([
  ["success", "result.st.success"],
  ["succeeded", "result.st.success"],
  ["failed", "result.st.failed"],
  ["skipped", "result.st.skipped"],
  ["not_run", "result.st.not_run"],
  ["partial_success", "result.st.partial_success"],
  ["dry_run", "result.st.dry_run"],
  ["committed", "result.st.committed"],
]);
const STATUS_CLASS = new Map<string, string>([
  ["success", "success"],
  ["succeeded", "success"],
  ["committed", "success"],
  ["failed", "failed"],
  ["partial_success", "partial"],
  ["skipped", "pending"],
  ["not_run", "pending"],
  ["dry_run", "pending"],
]);
const ROLLBACK_LABEL = new Map<string, [MessageKey, string]>([
  ["succeeded", ["result.rb.succeeded", "success"]],
  ["failed", ["result.rb.failed", "failed"]],
  ["skipped", ["result.rb.skipped", "pending"]],
  ["block_succeeded", ["result.rb.block_succeeded", "success"]],
  ["block_failed", ["result.rb.block_failed", "failed"]],
  ["block_skipped", ["result.rb.block_skipped", "pending"]],
]);

function badge(t: Translate, value: string | undefined, key?: string | number): ReactNode {
  if (!value) return null;
  const label = STATUS_LABEL.get(value);
  return (
    <span key={key} className={`badge ${STATUS_CLASS.get(value) ?? "pending"}`} data-status={value}>
      {label ? t(label) : value}
    </span>
  );
}

function rawBadge(label: string, cls: string, status: string): ReactNode {
  return (
    <span className={`badge ${cls}`} data-status={status}>
      {label}
    </span>
  );
}

/** success/failed from a `success` or `committed` flag, else a status/outcome string. */
function statusOf(o: Obj): string {
  if (typeof o.success === "boolean") return o.success ? "success" : "failed";
  if (typeof o.committed === "boolean") return o.committed ? "committed" : "failed";
  return str(o.status) ?? str(o.outcome) ?? str(o.execution_state) ?? "";
}

function facts(parts: ReactNode[]): ReactNode {
  const shown = parts.filter((p) => p !== null && p !== undefined && p !== false && p !== "");
  if (!shown.length) return null;
  return (
    <p className="muted small">
      {shown.map((p, i) => (
        <span key={i}>
          {i ? " · " : null}
          {p}
        </span>
      ))}
    </p>
  );
}

function errorBox(t: Translate, message: string | undefined): ReactNode {
  if (!message) return null;
  return (
    <div className="alert">
      <strong>{t("result.error")}:</strong> <span className="error-text">{message}</span>
    </div>
  );
}

function errorList(title: string, errors: Json[]): ReactNode {
  const items = errors.map((e) => text(e) ?? toJson(e));
  if (!items.length) return null;
  return (
    <div className="alert">
      <strong>{title}</strong>
      <ul>
        {items.map((e, i) => (
          <li key={i}>{e}</li>
        ))}
      </ul>
    </div>
  );
}

function jsonBlock(v: Json): ReactNode {
  return <pre className="output">{toJson(v)}</pre>;
}

function countsLine(t: Translate, total: Json, succeeded: Json, failed: Json, skipped?: Json): string | null {
  if (num(total) === undefined && num(succeeded) === undefined && num(failed) === undefined) return null;
  let line = fill(t("result.counts"), { total: num(total) ?? "?", succeeded: num(succeeded) ?? 0, failed: num(failed) ?? 0 });
  if (num(skipped)) line += `, ${fill(t("result.countsSkipped"), { skipped: num(skipped) ?? 0 })}`;
  return line;
}

function duration(ms: Json): string | null {
  const n = num(ms);
  return n === undefined ? null : n >= 10_000 ? `${(n / 1000).toFixed(1)} s` : `${n} ms`;
}

// ---------------------------------------------------------------- commands

function commandsTable(t: Translate, rows: Json[]): ReactNode {
  if (!rows.length) return null;
  return (
    <table className="result-table">
      <thead>
        <tr>
          <th>#</th>
          <th>{t("result.command")}</th>
          <th>{t("result.status")}</th>
          <th>{t("result.output")}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r, i) => {
          const o = obj(r) ?? { output: r };
          const exit = num(o.exit_code);
          const out = str(o.output) ?? str(o.all) ?? str(o.stdout) ?? "";
          return (
            <tr key={i}>
              <td>{i + 1}</td>
              <td>
                <code>{str(o.command) ?? str(o.cmd) ?? "—"}</code>
              </td>
              <td>
                {badge(t, statusOf(o))}
                {exit !== undefined ? <span className="muted small"> {t("result.exitCode")} {exit}</span> : null}
              </td>
              <td>
                {out ? <pre className="output">{out}</pre> : null}
                {errorBox(t, text(o.error))}
                {text(o.parse_error) ? (
                  <p className="muted small">
                    {t("result.parseError")}: {text(o.parse_error)}
                  </p>
                ) : null}
                {o.parsed_output !== undefined && o.parsed_output !== null ? (
                  <details>
                    <summary>{t("result.parsed")}</summary>
                    {jsonBlock(o.parsed_output)}
                  </details>
                ) : null}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

function execBody(t: Translate, r: Obj): ReactNode {
  const outputs = arr(r.outputs);
  const single = str(r.output);
  if (!outputs.length && single === undefined) return null;
  return (
    <>
      {outputs.length ? commandsTable(t, outputs) : <pre className="output">{single}</pre>}
      {num(r.exit_code) !== undefined && !outputs.length ? (
        <p className="muted small">
          {t("result.exitCode")} {num(r.exit_code)}
        </p>
      ) : null}
      {!outputs.length && text(r.parse_error) ? (
        <p className="muted small">
          {t("result.parseError")}: {text(r.parse_error)}
        </p>
      ) : null}
      {!outputs.length && r.parsed_output !== undefined && r.parsed_output !== null ? (
        <details>
          <summary>{t("result.parsed")}</summary>
          {jsonBlock(r.parsed_output)}
        </details>
      ) : null}
    </>
  );
}

function templateBody(t: Translate, r: Obj): ReactNode {
  const rendered = str(r.rendered_commands) ?? str(r.rendered);
  const executed = arr(r.executed).length ? arr(r.executed) : arr(r.outputs);
  if (rendered === undefined && !executed.length) return null;
  return (
    <>
      {rendered !== undefined ? (
        <>
          <h4>{t("result.rendered")}</h4>
          <pre className="output">{rendered}</pre>
        </>
      ) : null}
      {commandsTable(t, executed)}
    </>
  );
}

// ---------------------------------------------------------------- transactions

/** Output of the child steps one tx operation produced (one per command of a flow). */
function operationSteps(t: Translate, steps: Json[]): ReactNode {
  if (!steps.length) return null;
  if (steps.length === 1) {
    const o = obj(steps[0]) ?? {};
    const out = str(o.content) || str(o.all) || "";
    const exit = num(o.exit_code);
    return (
      <>
        {out ? <pre className="output">{out}</pre> : null}
        {exit !== undefined ? (
          <span className="muted small">
            {t("result.exitCode")} {exit}
          </span>
        ) : null}
      </>
    );
  }
  return (
    <ol className="small">
      {steps.map((s, i) => {
        const o = obj(s) ?? {};
        const out = str(o.content) || str(o.all) || "";
        return (
          <li key={i}>
            <code>{str(o.operation_summary) ?? "—"}</code> {badge(t, statusOf(o))}
            {num(o.exit_code) !== undefined ? (
              <span className="muted">
                {" "}
                {t("result.exitCode")} {num(o.exit_code)}
              </span>
            ) : null}
            {out ? <pre className="output">{out}</pre> : null}
          </li>
        );
      })}
    </ol>
  );
}

function rollbackBadge(t: Translate, state: string | undefined): ReactNode {
  if (!state || state === "not_needed") return null;
  const known = ROLLBACK_LABEL.get(state);
  return known ? rawBadge(t(known[0]), known[1], state) : rawBadge(state, "pending", state);
}

function stepRows(t: Translate, steps: Json[]): ReactNode {
  return (
    <table className="result-table">
      <thead>
        <tr>
          <th>{t("result.step")}</th>
          <th>{t("result.command")}</th>
          <th>{t("result.status")}</th>
          <th>{t("result.output")}</th>
          <th>{t("result.rollback")}</th>
        </tr>
      </thead>
      <tbody>
        {steps.map((s, i) => {
          const o = obj(s) ?? {};
          const idx = num(o.step_index);
          // older/other shapes: {command, success, output} or {run: {command}, rollback: {command}}
          const run = obj(o.run);
          const command = str(o.operation_summary) ?? str(o.command) ?? str(run?.command);
          const mode = str(o.mode) ?? str(run?.mode);
          const rbState = str(o.rollback_state);
          const rbCommand = str(o.rollback_operation_summary) ?? str(obj(o.rollback)?.command);
          const forward = arr(o.forward_operation_steps);
          const rbSteps = arr(o.rollback_operation_steps);
          return (
            <tr key={i} data-step={idx ?? i}>
              <td>{idx !== undefined ? idx + 1 : i + 1}</td>
              <td>
                <code>{command ?? "—"}</code>
                {mode ? <span className="muted small"> ({mode})</span> : null}
              </td>
              <td>{badge(t, statusOf(o))}</td>
              <td>
                {forward.length ? operationSteps(t, forward) : str(o.output) ? <pre className="output">{str(o.output)}</pre> : null}
                {errorBox(t, text(o.failure_reason) ?? text(o.error))}
              </td>
              <td>
                {rollbackBadge(t, rbState)}
                {rbCommand ? (
                  <>
                    {" "}
                    <code>{rbCommand}</code>
                  </>
                ) : null}
                {text(o.rollback_reason) ? <p className="muted small">{text(o.rollback_reason)}</p> : null}
                {operationSteps(t, rbSteps)}
                {!rbState || rbState === "not_needed" ? (rbCommand ? null : "—") : null}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

function txResultView(t: Translate, tx: Obj, opts: { showName?: boolean; showStatus?: boolean } = {}): ReactNode {
  const committed = bool(tx.committed);
  const steps = arr(tx.step_results).length ? arr(tx.step_results) : arr(tx.steps);
  const failedStep = num(tx.failed_step);
  const executed = num(tx.executed_steps);
  const rbAttempted = bool(tx.rollback_attempted);
  const rbSucceeded = bool(tx.rollback_succeeded);
  const rbCount = num(tx.rollback_steps);
  const blockRb = str(tx.block_rollback_operation_summary);
  return (
    <div className="tx-result">
      {facts([
        opts.showName && str(tx.block_name) ? <strong>{str(tx.block_name)}</strong> : null,
        committed === undefined || opts.showStatus === false ? null : badge(t, committed ? "committed" : "failed"),
        executed !== undefined ? fill(t("result.executedSteps"), { n: executed }) : null,
        failedStep !== undefined ? fill(t("result.failedStep"), { step: failedStep + 1 }) : null,
        rbAttempted ? (
          <>
            {t("result.rollback")}: {rawBadge(t(rbSucceeded ? "result.rb.succeeded" : "result.rb.failed"), rbSucceeded ? "success" : "failed", rbSucceeded ? "rollback_succeeded" : "rollback_failed")}
            {rbCount !== undefined ? ` ${fill(t("result.rollbackSteps"), { n: rbCount })}` : ""}
          </>
        ) : committed === false && rbAttempted === false ? (
          <>
            {t("result.rollback")}: {rawBadge(t("result.rb.notAttempted"), "pending", "rollback_not_attempted")}
          </>
        ) : null,
      ])}
      {errorBox(t, text(tx.failure_reason))}
      {steps.length ? stepRows(t, steps) : null}
      {blockRb || arr(tx.block_rollback_steps).length ? (
        <>
          <h5>{t("result.blockRollback")}</h5>
          {blockRb ? <code>{blockRb}</code> : null}
          {operationSteps(t, arr(tx.block_rollback_steps))}
        </>
      ) : null}
      {errorList(t("result.rollbackErrors"), arr(tx.rollback_errors))}
    </div>
  );
}

function txBlockBody(t: Translate, r: Obj): ReactNode {
  const tx = obj(r.tx_result) ?? (typeof r.committed === "boolean" || Array.isArray(r.step_results) ? r : null);
  if (tx) return txResultView(t, tx, { showName: true });
  if ("tx_result" in r) return <p className="muted">{t("result.noExecution")}</p>;
  return null;
}

function workflowView(t: Translate, wf: Obj): ReactNode {
  const blocks = arr(wf.block_results).length ? arr(wf.block_results) : arr(wf.blocks);
  const failedBlock = num(wf.failed_block);
  const rbAttempted = bool(wf.rollback_attempted);
  const rbSucceeded = bool(wf.rollback_succeeded);
  const failedName = failedBlock !== undefined ? str(obj(blocks[failedBlock])?.block_name) : undefined;
  return (
    <div className="workflow-result">
      {facts([
        str(wf.workflow_name) ? <strong>{str(wf.workflow_name)}</strong> : null,
        typeof wf.committed === "boolean" ? badge(t, wf.committed ? "committed" : "failed") : null,
        failedBlock !== undefined ? `${fill(t("result.failedBlock"), { block: failedBlock + 1 })}${failedName ? ` (${failedName})` : ""}` : null,
        rbAttempted ? (
          <>
            {t("result.workflowRollback")}: {rawBadge(t(rbSucceeded ? "result.rb.succeeded" : "result.rb.failed"), rbSucceeded ? "success" : "failed", rbSucceeded ? "rollback_succeeded" : "rollback_failed")}
          </>
        ) : null,
      ])}
      {errorList(t("result.rollbackErrors"), arr(wf.rollback_errors))}
      {blocks.map((b, i) => {
        const o = obj(b);
        if (!o) return <div key={i}>{jsonBlock(b)}</div>;
        // committed blocks before the failed one are undone by the workflow-level rollback
        const undone = rbAttempted && o.committed === true && failedBlock !== undefined && i < failedBlock;
        return (
          <section key={i} data-block={str(o.block_name) ?? str(o.name) ?? i}>
            <h4>
              {t("result.block")} {i + 1}: {str(o.block_name) ?? str(o.name) ?? "—"} {badge(t, statusOf(o))}{" "}
              {undone ? rawBadge(t(rbSucceeded ? "result.rb.workflow" : "result.rb.workflowFailed"), rbSucceeded ? "partial" : "failed", "workflow_rolled_back") : null}
            </h4>
            {txResultView(t, o, { showStatus: false })}
          </section>
        );
      })}
    </div>
  );
}

function txWorkflowBody(t: Translate, r: Obj): ReactNode {
  const wf = obj(r.tx_workflow_result) ?? (Array.isArray(r.block_results) ? r : null);
  if (wf) return workflowView(t, wf);
  if ("tx_workflow_result" in r) return <p className="muted">{t("result.noExecution")}</p>;
  return null;
}

// ---------------------------------------------------------------- orchestration

function compensationView(t: Translate, c: Obj): ReactNode {
  const attempted = bool(c.attempted);
  const ok = bool(c.success);
  const status = ok ? "succeeded" : attempted === false ? "skipped" : "failed";
  const compTx = obj(c.tx_result);
  const [labelKey, cls] = ROLLBACK_LABEL.get(status) ?? (["result.rb.failed", "failed"] as [MessageKey, string]);
  return (
    <div className="small">
      {t("result.compensation")}: {rawBadge(t(labelKey), cls, `compensation_${status}`)}
      {str(c.scope) ? <span className="muted"> {str(c.scope)}</span> : null}
      {duration(c.duration_ms) && num(c.duration_ms) ? <span className="muted"> · {duration(c.duration_ms)}</span> : null}
      {text(c.operation) ? (
        <>
          {" "}
          <code>{text(c.operation)}</code>
        </>
      ) : null}
      {text(c.reason) ? <p className="muted">{text(c.reason)}</p> : null}
      {errorBox(t, text(c.error))}
      {compTx ? (
        <details>
          <summary>{t("result.details")}</summary>
          {txResultView(t, compTx, { showName: true })}
        </details>
      ) : null}
    </div>
  );
}

function targetsTable(t: Translate, targets: Json[]): ReactNode {
  if (!targets.length) return null;
  return (
    <table className="result-table">
      <thead>
        <tr>
          <th>{t("result.target")}</th>
          <th>{t("result.status")}</th>
          <th>{t("result.operation")}</th>
          <th>{t("result.duration")}</th>
          <th>{t("result.details")}</th>
        </tr>
      </thead>
      <tbody>
        {targets.map((x, j) => {
          const tg = obj(x);
          if (!tg)
            return (
              <tr key={j}>
                <td colSpan={5}>{jsonBlock(x)}</td>
              </tr>
            );
          const label = str(tg.label) ?? str(tg.target) ?? str(tg.name) ?? str(tg.connection_name) ?? str(tg.host) ?? `#${j + 1}`;
          const where = [str(tg.connection_name), str(tg.host)].filter((v): v is string => !!v && v !== label);
          const wf = obj(tg.workflow_result);
          const tx = obj(tg.tx_result);
          const comp = obj(tg.compensation);
          return (
            <tr key={j} data-target={label}>
              <td>
                {label}
                {where.length ? <span className="muted small"> ({where.join(", ")})</span> : null}
              </td>
              <td>{badge(t, statusOf(tg))}</td>
              <td>{text(tg.operation) ? <code>{text(tg.operation)}</code> : "—"}</td>
              <td>{duration(tg.duration_ms) ?? "—"}</td>
              <td>
                {errorBox(t, text(tg.error))}
                {comp ? compensationView(t, comp) : null}
                {wf || tx ? (
                  <details>
                    <summary>{t("result.details")}</summary>
                    {wf ? workflowView(t, wf) : null}
                    {tx ? txResultView(t, tx, { showName: true }) : null}
                  </details>
                ) : null}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

function jobView(t: Translate, job: Obj, i: number): ReactNode {
  return (
    <div key={i} className="orchestration-job" data-job={str(job.name) ?? i}>
      <h5>
        {t("result.job")}: {str(job.name) ?? `${i + 1}`} {badge(t, statusOf(job))}
      </h5>
      {facts([
        str(job.action_kind) ? (
          <>
            {t("result.action")}: <code>{str(job.action_kind)}</code>
          </>
        ) : null,
        text(job.action_summary) ?? null,
        str(job.strategy) ?? null,
        countsLine(t, job.targets_total, job.targets_succeeded, job.targets_failed, job.targets_skipped),
      ])}
      {targetsTable(t, arr(job.results).length ? arr(job.results) : arr(job.targets))}
    </div>
  );
}

function orchestrationView(t: Translate, o: Obj): ReactNode {
  const stages = arr(o.stages);
  return (
    <div className="orchestration-result">
      {facts([
        str(o.plan_name) ? <strong>{str(o.plan_name)}</strong> : null,
        typeof o.success === "boolean" ? badge(t, o.success ? "success" : "failed") : null,
        num(o.total_stages) !== undefined ? fill(t("result.stagesExecuted"), { executed: num(o.executed_stages) ?? "?", total: num(o.total_stages) ?? "?" }) : null,
      ])}
      {stages.map((st, i) => {
        const s = obj(st);
        if (!s) return <div key={i}>{jsonBlock(st)}</div>;
        const jobs = arr(s.jobs);
        return (
          <section key={i} data-stage={str(s.name) ?? i}>
            <h4>
              {t("result.stage")} {i + 1}: {str(s.name) ?? "—"} {badge(t, statusOf(s))}
            </h4>
            {facts([str(s.strategy) ?? null, jobs.length ? countsLine(t, s.jobs_total, s.jobs_succeeded, s.jobs_failed, s.jobs_skipped) : countsLine(t, s.targets_total, s.targets_succeeded, s.targets_failed, s.targets_skipped)])}
            {jobs.length
              ? jobs.map((j, k) => {
                  const jo = obj(j);
                  return jo ? jobView(t, jo, k) : <div key={k}>{jsonBlock(j)}</div>;
                })
              : // older agents: one action per stage, targets straight on the stage
                targetsTable(t, arr(s.results).length ? arr(s.results) : arr(s.targets))}
          </section>
        );
      })}
    </div>
  );
}

function orchestrateBody(t: Translate, r: Obj): ReactNode {
  const o = obj(r.orchestration_result) ?? (Array.isArray(r.stages) && typeof r.plan_name === "string" ? r : null);
  if (o) return orchestrationView(t, o);
  if ("orchestration_result" in r) return <p className="muted">{t("result.noExecution")}</p>;
  return null;
}

// ---------------------------------------------------------------- entry

function renderBody(t: Translate, type: string, result: Json): ReactNode {
  const r = obj(result);
  if (!r) return null;
  switch (type) {
    case "exec":
      return execBody(t, r);
    case "template":
      return templateBody(t, r);
    case "tx_block":
      return txBlockBody(t, r);
    case "tx_workflow":
      return txWorkflowBody(t, r);
    case "orchestrate":
      return orchestrateBody(t, r);
    default:
      return null;
  }
}

function summaryView(t: Translate, s: Obj | null): ReactNode {
  if (!s) return null;
  const message = text(s.summary) ?? text(s.message);
  const outcome = str(s.outcome) ?? (typeof s.success === "boolean" ? (s.success ? "success" : "failed") : undefined);
  const counts = obj(s.counts);
  const detailError = text(obj(s.details)?.error);
  if (!message && !outcome && !counts && !detailError) return null;
  return (
    <>
      <p>
        {badge(t, outcome)} {message ?? ""}
      </p>
      {counts ? facts([countsLine(t, counts.total, counts.succeeded, counts.failed, counts.skipped)]) : null}
      {detailError && detailError !== message ? errorBox(t, detailError) : null}
    </>
  );
}

export function RunResult({ type, summary, result }: { type: string; summary: Json; result: Json }) {
  const t = useT();
  let head: ReactNode = null;
  let body: ReactNode = null;
  try {
    head = summaryView(t, obj(summary) ?? obj(obj(result)?.result_summary));
  } catch {
    head = null;
  }
  try {
    body = renderBody(t, type, result);
  } catch {
    body = null;
  }
  const hasResult = result !== null && result !== undefined;
  const unrecognized = hasResult && (body === null || body === undefined);
  return (
    <div className="run-result">
      {head}
      {body}
      {unrecognized ? <p className="muted small">{t("result.unrecognized")}</p> : null}
      {hasResult ? (
        <details open={unrecognized}>
          <summary>{t("result.raw")}</summary>
          <pre className="output">{toJson(result)}</pre>
        </details>
      ) : null}
    </div>
  );
}

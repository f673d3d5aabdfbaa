// Renders a run's result by task type: the summary first (what the agent says
// happened), then the structured detail it reported, then raw JSON. Agents
// differ in the detail they send, so every shape is read defensively.
import { useT } from "../lib/prefs";

type Json = unknown;
const obj = (v: Json): Record<string, Json> | null => (v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, Json>) : null);
const str = (v: Json): string | undefined => (typeof v === "string" ? v : typeof v === "number" || typeof v === "boolean" ? String(v) : undefined);
const okOf = (o: Record<string, Json>): string => {
  if (typeof o.success === "boolean") return o.success ? "success" : "failed";
  return str(o.status) ?? str(o.outcome) ?? "";
};
const firstArray = (o: Record<string, Json> | null, keys: string[]) => {
  for (const k of keys) if (o && Array.isArray(o[k])) return o[k] as Json[];
  return [];
};

function Outcome({ value }: { value: string }) {
  return value ? <span className={`badge ${value}`}>{value}</span> : null;
}

function Commands({ rows }: { rows: Json[] }) {
  const t = useT();
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
          return (
            <tr key={i}>
              <td>{i + 1}</td>
              <td>
                <code>{str(o.command) ?? str(o.cmd) ?? "—"}</code>
              </td>
              <td>
                <Outcome value={okOf(o)} />
              </td>
              <td>
                <pre className="output">{str(o.output) ?? str(o.stdout) ?? str(o.error) ?? ""}</pre>
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

function Steps({ steps, rollbacks }: { steps: Json[]; rollbacks: Json[] }) {
  const t = useT();
  return (
    <>
      <table className="result-table">
        <thead>
          <tr>
            <th>{t("result.step")}</th>
            <th>{t("result.command")}</th>
            <th>{t("result.status")}</th>
            <th>{t("result.rollback")}</th>
          </tr>
        </thead>
        <tbody>
          {steps.map((s, i) => {
            const o = obj(s) ?? {};
            const run = obj(o.run) ?? o;
            const rb = obj(o.rollback) ?? obj(o.rollback_result);
            return (
              <tr key={i}>
                <td>{str(o.index) ?? i + 1}</td>
                <td>
                  <code>{str(run.command) ?? str(o.command) ?? "—"}</code>
                  {str(o.output) ? <pre className="output">{str(o.output)}</pre> : null}
                </td>
                <td>
                  <Outcome value={okOf(o)} />
                </td>
                <td>{rb ? <><code>{str(rb.command) ?? ""}</code> <Outcome value={okOf(rb)} /></> : "—"}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {rollbacks.length ? (
        <>
          <h4>{t("result.rollbacks")}</h4>
          <Commands rows={rollbacks} />
        </>
      ) : null}
    </>
  );
}

export function RunResult({ type, summary, result }: { type: string; summary: Json; result: Json }) {
  const t = useT();
  const s = obj(summary);
  const r = obj(result);
  const text = str(s?.summary) ?? str(s?.message);
  let body: React.ReactNode = null;
  if (type === "exec") {
    body = <Commands rows={firstArray(r, ["outputs", "results", "commands"]).length ? firstArray(r, ["outputs", "results", "commands"]) : r && str(r.output) ? [r] : []} />;
  } else if (type === "template") {
    const rendered = str(r?.rendered) ?? str(r?.rendered_commands) ?? str(s?.rendered);
    body = (
      <>
        {rendered ? (
          <>
            <h4>{t("result.rendered")}</h4>
            <pre className="output">{rendered}</pre>
          </>
        ) : null}
        <Commands rows={firstArray(r, ["outputs", "executed", "results", "commands"])} />
      </>
    );
  } else if (type === "tx_block") {
    const steps = firstArray(r, ["steps", "step_results"]);
    body = steps.length ? <Steps steps={steps} rollbacks={firstArray(r, ["rollbacks", "rollback_results"])} /> : <Commands rows={firstArray(r, ["outputs"])} />;
  } else if (type === "tx_workflow") {
    const blocks = firstArray(r, ["blocks", "block_results"]);
    body = blocks.map((b, i) => {
      const o = obj(b) ?? {};
      return (
        <section key={i}>
          <h4>
            {str(o.name) ?? `${t("result.block")} ${i + 1}`} <Outcome value={okOf(o)} />
          </h4>
          <Steps steps={firstArray(o, ["steps", "step_results"])} rollbacks={firstArray(o, ["rollbacks", "rollback_results"])} />
        </section>
      );
    });
  } else if (type === "orchestrate") {
    const stages = firstArray(r, ["stages", "stage_results"]);
    body = stages.length ? (
      <table className="result-table">
        <thead>
          <tr>
            <th>{t("result.stage")}</th>
            <th>{t("result.targets")}</th>
          </tr>
        </thead>
        <tbody>
          {stages.map((st, i) => {
            const o = obj(st) ?? {};
            return (
              <tr key={i}>
                <td>
                  {str(o.name) ?? i + 1} <Outcome value={okOf(o)} />
                </td>
                <td>
                  {firstArray(o, ["targets", "results", "jobs"]).map((x, j) => {
                    const tg = obj(x) ?? {};
                    return (
                      <span key={j} style={{ marginRight: ".5rem" }}>
                        {str(tg.target) ?? str(tg.name) ?? str(tg.connection) ?? j + 1} <Outcome value={okOf(tg)} />
                      </span>
                    );
                  })}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    ) : null;
  }
  const empty = !body || (Array.isArray(body) && body.length === 0);
  return (
    <div className="run-result">
      {text ? <p>{text}</p> : null}
      {!empty ? body : null}
      {result !== null && result !== undefined ? (
        <details>
          <summary>{t("result.raw")}</summary>
          <pre className="output">{JSON.stringify(result, null, 2)}</pre>
        </details>
      ) : null}
    </div>
  );
}

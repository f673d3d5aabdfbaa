// Preview & dispatch: what tasks.create will receive, sent to the chosen targets.
import { useState } from "react";
import { trpc } from "../lib/trpc.client";
import type { AgentSummary } from "./agent-data";
import { errorText, Modal } from "./dialogs";
import { useDesignerT } from "./i18n";
import type { DesignerKind } from "./types";


export function buildTaskInput(kind: DesignerKind, plan: unknown, name: string, targets: Array<{ agentId: string; connection?: string }>, dryRun: boolean) {
  return kind === "tx_workflow"
    ? { name, type: "tx_workflow" as const, targets, payload: { workflow: plan }, dryRun }
    : { name, type: "orchestrate" as const, targets: targets.map((x) => ({ agentId: x.agentId })), payload: { plan }, dryRun };
}

export function DispatchDialog(props: { kind: DesignerKind; plan: unknown; name: string; agents: AgentSummary[]; onClose: () => void; onDispatched: (id: string) => void }) {
  const t = useDesignerT();
  const [picked, setPicked] = useState<string[]>([]);
  const [connections, setConnections] = useState<Record<string, string[] | string>>({});
  const [chosen, setChosen] = useState<Array<{ agentId: string; connection: string }>>([]);
  const [dryRun, setDryRun] = useState(false);
  const [state, setState] = useState<{ busy?: boolean; error?: string }>({});
  const toggleAgent = (id: string, on: boolean) => {
    setPicked((p) => (on ? [...p, id] : p.filter((x) => x !== id)));
    if (!on) setChosen((c) => c.filter((x) => x.agentId !== id));
    if (on && props.kind === "tx_workflow" && !connections[id])
      trpc()
        .agents.connections.query({ id })
        .then(
          (list) => setConnections((c) => ({ ...c, [id]: list.map((x) => String(x.name)) })),
          (e: Error) => setConnections((c) => ({ ...c, [id]: e.message })),
        );
  };
  const targets = props.kind === "tx_workflow" ? chosen : picked.map((agentId) => ({ agentId }));
  const input = buildTaskInput(props.kind, props.plan, props.name, targets, dryRun);
  const send = async () => {
    setState({ busy: true });
    try {
      const { id } = await trpc().tasks.create.mutate(input);
      props.onDispatched(id);
    } catch (err) {
      setState({ error: errorText(err) });
    }
  };
  return (
    <Modal title={t("dispatch.title")} onClose={props.onClose} wide>
      <fieldset>
        <legend>{t(props.kind === "tx_workflow" ? "dispatch.targetsWorkflow" : "dispatch.targetsPlan")}</legend>
        {props.agents.length === 0 ? <p className="hint">{t("palette.noAgents")}</p> : null}
        {props.agents.map((a) => (
          <div key={a.id}>
            <label className="dz-check">
              <input type="checkbox" checked={picked.includes(a.id)} onChange={(e) => toggleAgent(a.id, e.target.checked)} /> {a.name} <span className="muted">({a.status})</span>
            </label>
            {props.kind === "tx_workflow" && picked.includes(a.id) ? (
              <div className="dz-indent">
                {typeof connections[a.id] === "string" ? <div className="field-error">{connections[a.id]}</div> : null}
                {Array.isArray(connections[a.id]) && connections[a.id].length === 0 ? <div className="hint">{t("dispatch.noConnections")}</div> : null}
                {(Array.isArray(connections[a.id]) ? (connections[a.id] as string[]) : []).map((c) => (
                  <label key={c} className="dz-check">
                    <input
                      type="checkbox"
                      checked={chosen.some((x) => x.agentId === a.id && x.connection === c)}
                      onChange={(e) => setChosen((list) => (e.target.checked ? [...list, { agentId: a.id, connection: c }] : list.filter((x) => !(x.agentId === a.id && x.connection === c))))}
                    />{" "}
                    {c}
                  </label>
                ))}
              </div>
            ) : null}
          </div>
        ))}
      </fieldset>
      <label className="dz-check">
        <input type="checkbox" checked={dryRun} onChange={(e) => setDryRun(e.target.checked)} /> {t("dispatch.dryRun")}
      </label>
      <h3>{t("dispatch.preview")}</h3>
      <pre className="dz-preview" data-testid="dispatch-preview">
        {JSON.stringify(input, null, 2)}
      </pre>
      {state.error ? (
        <div className="alert" role="alert" style={{ whiteSpace: "pre-wrap" }}>
          {state.error}
        </div>
      ) : null}
      <button type="button" className="primary" onClick={send} disabled={state.busy || targets.length === 0}>
        {targets.length === 0 ? t("dispatch.pickTargets") : t("dispatch.send", { n: targets.length })}
      </button>
    </Modal>
  );
}

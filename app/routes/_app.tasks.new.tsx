// "New task" for the three dialog types (exec, template, tx_block), with real
// form controls; the raw JSON tab is for everything else.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, redirect, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { useEffect, useMemo, useState } from "react";
import { formError } from "../lib/errors";
import { trpc } from "../lib/trpc.client";

type DialogType = "exec" | "template" | "tx_block";

export async function loader({ context, request }: LoaderFunctionArgs) {
  const agentId = new URL(request.url).searchParams.get("agent") ?? undefined;
  const agents = await context.trpc.agents.list({ limit: 200 });
  const chosen = agentId ?? agents.items.find((a) => a.status === "online")?.id ?? agents.items[0]?.id;
  const devices = chosen ? await context.trpc.devices.list({ agentId: chosen, limit: 200 }) : { items: [] };
  return {
    agents: agents.items.map((a) => ({ id: a.id, name: a.name, status: a.status })),
    agentId: chosen ?? null,
    devices: devices.items.map((d) => ({ name: d.name, profile: d.deviceProfile, status: d.status })),
  };
}

function buildInput(form: FormData) {
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
    const steps = cmds
      .map((command, i) => ({ command: command.trim(), mode: modes[i]?.trim() || "Config", rollback: rollbacks[i]?.trim() }))
      .filter((s) => s.command)
      .map((s) => ({ run: { kind: "command", mode: s.mode, command: s.command }, ...(s.rollback ? { rollback: { kind: "command", mode: s.mode, command: s.rollback } } : {}) }));
    payload = { tx_block: { name: String(form.get("blockName") ?? "") || "change", fail_fast: true, rollback_policy: String(form.get("rollbackPolicy") ?? "per_step"), steps } };
  }
  return {
    name: String(form.get("name") ?? "").trim() || undefined,
    type,
    targets: connections.map((connection) => ({ agentId, connection })),
    payload,
    dryRun: form.get("dryRun") === "on",
    recordLevel: form.get("recordLevel") === "full" ? "full" : "key-events-only",
    queueIfOffline: form.get("queueIfOffline") === "on",
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await request.formData();
  let input: Record<string, unknown>;
  try {
    input = buildInput(form);
  } catch {
    return { error: { message: "The advanced JSON is not valid JSON.", fieldErrors: { advanced: "invalid JSON" } } };
  }
  try {
    const { id } = await context.trpc.tasks.create(input);
    throw redirect(`/tasks/${id}`);
  } catch (err) {
    if (err instanceof Response) throw err;
    return { error: formError(err) };
  }
}

function useAgentList<T>(agentId: string | null, load: (id: string) => Promise<T>, deps: unknown[] = []) {
  const [state, setState] = useState<{ data?: T; error?: string }>({});
  useEffect(() => {
    if (!agentId) return;
    let live = true;
    load(agentId).then(
      (data) => live && setState({ data }),
      (e: Error) => live && setState({ error: e.message }),
    );
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [agentId, ...deps]);
  return state;
}

export default function NewTask() {
  const { agents, agentId, devices } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const busy = useNavigation().state !== "idle";
  const [params, setParams] = useSearchParams();
  const [type, setType] = useState<DialogType>((params.get("type") as DialogType) || "exec");
  const [tab, setTab] = useState<"form" | "json">("form");
  const [vars, setVars] = useState<Array<[string, string]>>([["", ""]]);
  const [steps, setSteps] = useState([0]);
  const [selected, setSelected] = useState<string[]>([]);
  const fe = data?.error?.fieldErrors ?? {};
  const profile = devices.find((d) => d.name === selected[0])?.profile;
  const modes = useAgentList(agentId, (id) => (profile ? trpc().agents.profileModes.query({ id, profile }) : Promise.resolve(null)), [profile]);
  const templates = useAgentList(agentId, (id) => (type === "template" ? trpc().agents.templates.query({ id, kind: "command" }) : Promise.resolve([])), [type]);
  const modeOptions = useMemo(() => modes.data?.modes ?? [], [modes.data]);
  const err = (k: string) => (fe[k] ? <div className="field-error">{fe[k]}</div> : null);
  const payloadErr = Object.entries(fe).filter(([k]) => k.startsWith("payload"));

  if (agents.length === 0) {
    return (
      <div className="card empty">
        <h2>No agents yet</h2>
        <p>Connect an agent first; tasks run on an agent's saved connections.</p>
        <Link className="button primary" to="/agents">
          Register agent
        </Link>
      </div>
    );
  }
  return (
    <>
      <p>
        <Link to="/tasks">← Tasks</Link>
      </p>
      <h1>New task</h1>
      {data?.error ? (
        <div className="alert" role="alert">
          {data.error.message}
          {payloadErr.length ? (
            <ul>
              {payloadErr.map(([k, v]) => (
                <li key={k}>
                  <code>{k}</code>: {v}
                </li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}
      <div className="row" role="tablist" style={{ marginBottom: ".75rem" }}>
        <button type="button" role="tab" aria-selected={tab === "form"} onClick={() => setTab("form")}>
          Form
        </button>
        <button type="button" role="tab" aria-selected={tab === "json"} onClick={() => setTab("json")}>
          Raw JSON (advanced)
        </button>
      </div>
      <Form method="post" className="card" style={{ maxWidth: 860 }}>
        {tab === "json" ? (
          <>
            <label htmlFor="advanced">tasks.create input</label>
            <textarea id="advanced" name="advanced" rows={18} defaultValue={JSON.stringify({ type: "exec", targets: [{ agentId, connection: devices[0]?.name ?? "" }], payload: { command: "show version" } }, null, 2)} aria-invalid={fe.advanced ? true : undefined} />
            {err("advanced")}
          </>
        ) : (
          <>
            <label htmlFor="type">Type</label>
            <select id="type" name="type" value={type} onChange={(e) => setType(e.target.value as DialogType)}>
              <option value="exec">exec — run a command</option>
              <option value="template">template — render and run a command template</option>
              <option value="tx_block">tx_block — transaction with rollback</option>
            </select>
            <label htmlFor="name">Name (optional)</label>
            <input id="name" name="name" maxLength={200} />
            <label htmlFor="agentId">Agent</label>
            <select id="agentId" name="agentId" value={agentId ?? ""} onChange={(e) => setParams({ agent: e.target.value, type })}>
              {agents.map((a) => (
                <option key={a.id} value={a.id}>
                  {a.name} ({a.status})
                </option>
              ))}
            </select>
            <fieldset>
              <legend>Devices (saved connections)</legend>
              {devices.length === 0 ? <p className="hint">This agent has reported no saved connections. Probe and sync its devices from the agent page.</p> : null}
              {devices.map((d) => (
                <label key={d.name} style={{ fontWeight: 400 }}>
                  <input type="checkbox" name="connection" value={d.name} style={{ width: "auto" }} checked={selected.includes(d.name)} onChange={(e) => setSelected((s) => (e.target.checked ? [...s, d.name] : s.filter((x) => x !== d.name)))} /> {d.name}{" "}
                  <span className="muted">
                    {d.profile} · {d.status}
                  </span>
                </label>
              ))}
              {Object.entries(fe)
                .filter(([k]) => k.startsWith("targets"))
                .map(([k, v]) => (
                  <div key={k} className="field-error">
                    {v}
                  </div>
                ))}
            </fieldset>
            {type !== "tx_block" ? (
              <>
                <label htmlFor="mode">Mode</label>
                <input id="mode" name="mode" list="modes" placeholder={modes.data?.default_mode ?? "default"} />
                <datalist id="modes">
                  {modeOptions.map((m) => (
                    <option key={m} value={m} />
                  ))}
                </datalist>
              </>
            ) : null}
            {type === "exec" ? (
              <>
                <label htmlFor="command">Command</label>
                <input id="command" name="command" required aria-invalid={fe["payload.command"] ? true : undefined} placeholder="show version" />
                {err("payload.command")}
              </>
            ) : null}
            {type === "template" ? (
              <>
                <label htmlFor="template">Template</label>
                <input id="template" name="template" list="templates" required />
                <datalist id="templates">
                  {(templates.data ?? []).map((tpl) => (
                    <option key={tpl.name} value={tpl.name} />
                  ))}
                </datalist>
                {templates.error ? <div className="hint">Could not list the agent's templates: {templates.error}</div> : null}
                <fieldset>
                  <legend>Variables</legend>
                  {vars.map(([k, v], i) => (
                    <div className="row" key={i}>
                      <input name="varName" aria-label={`Variable ${i + 1} name`} defaultValue={k} placeholder="name" />
                      <input name="varValue" aria-label={`Variable ${i + 1} value`} defaultValue={v} placeholder="value" />
                    </div>
                  ))}
                  <button type="button" onClick={() => setVars((x) => [...x, ["", ""]])}>
                    Add variable
                  </button>
                </fieldset>
              </>
            ) : null}
            {type === "tx_block" ? (
              <>
                <label htmlFor="blockName">Block name</label>
                <input id="blockName" name="blockName" defaultValue="change" />
                <label htmlFor="rollbackPolicy">Rollback policy</label>
                <select id="rollbackPolicy" name="rollbackPolicy" defaultValue="per_step">
                  <option value="per_step">per step — undo completed steps in reverse</option>
                  <option value="none">none</option>
                </select>
                <fieldset>
                  <legend>Steps</legend>
                  {steps.map((k, i) => (
                    <div className="row" key={k}>
                      <input name="stepCommand" aria-label={`Step ${i + 1} command`} placeholder="vlan 120" />
                      <input name="stepMode" aria-label={`Step ${i + 1} mode`} placeholder="Config" style={{ maxWidth: 120 }} />
                      <input name="stepRollback" aria-label={`Step ${i + 1} rollback command`} placeholder="no vlan 120" />
                    </div>
                  ))}
                  <button type="button" onClick={() => setSteps((s) => [...s, (s.at(-1) ?? 0) + 1])}>
                    Add step
                  </button>
                </fieldset>
              </>
            ) : null}
            <label style={{ fontWeight: 400 }}>
              <input type="checkbox" name="dryRun" style={{ width: "auto" }} disabled={type === "exec"} /> Dry run {type === "exec" ? "(not available for exec)" : ""}
            </label>
            <label style={{ fontWeight: 400 }}>
              <input type="checkbox" name="queueIfOffline" style={{ width: "auto" }} /> Queue until the agent is online
            </label>
            <label htmlFor="recordLevel">Record level</label>
            <select id="recordLevel" name="recordLevel" defaultValue="key-events-only">
              <option value="key-events-only">key events only</option>
              <option value="full">full</option>
            </select>
          </>
        )}
        <p>
          <button type="submit" className="primary" disabled={busy}>
            {busy ? "Dispatching…" : "Dispatch"}
          </button>
        </p>
      </Form>
    </>
  );
}

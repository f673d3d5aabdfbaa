// "New task" for the three dialog types (exec, template, tx_block), with real
// form controls; the raw JSON tab is for everything else.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, redirect, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { useState } from "react";
import { formError } from "../lib/errors";
import { readPrefs, useT } from "../lib/prefs";
import { translator } from "../lib/i18n";
import { buildTaskInput, templateVariables, type DialogType } from "../lib/task-form";
import { trpc } from "../lib/trpc.client";
import { tabKeys } from "../components/tabs";
import { useQuery } from "../lib/use-query";

export async function loader({ context, request }: LoaderFunctionArgs) {
  const q = new URL(request.url).searchParams;
  const agentId = q.get("agent") ?? undefined;
  const agents = await context.trpc.agents.list({ limit: 200 });
  const chosen = agentId ?? agents.items.find((a) => a.status === "online")?.id ?? agents.items[0]?.id;
  const devices = chosen ? await context.trpc.devices.list({ agentId: chosen, limit: 200 }) : { items: [] };
  return {
    agents: agents.items.map((a) => ({ id: a.id, name: a.name, status: a.status })),
    agentId: chosen ?? null,
    devices: devices.items.map((d) => ({ name: d.name, profile: d.deviceProfile, status: d.status })),
    preselect: q.get("connection"),
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await request.formData();
  let input: Record<string, unknown>;
  try {
    input = buildTaskInput(form);
  } catch {
    const t = translator(readPrefs(request).locale);
    return { error: { message: t("newTask.badJson"), fieldErrors: { advanced: t("newTask.badJsonField") } } };
  }
  try {
    const { id } = await context.trpc.tasks.create(input);
    throw redirect(`/tasks/${id}`);
  } catch (err) {
    if (err instanceof Response) throw err;
    return { error: formError(err) };
  }
}

interface Step {
  key: number;
  command: string;
  mode: string;
  rollback: string;
  onFailure: boolean;
}

export default function NewTask() {
  const { agents, agentId, devices, preselect } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const t = useT();
  const busy = useNavigation().state !== "idle";
  const [params, setParams] = useSearchParams();
  const [type, setType] = useState<DialogType>((params.get("type") as DialogType) || "exec");
  const [tab, setTab] = useState<"form" | "json">("form");
  const [template, setTemplate] = useState("");
  const [extraVars, setExtraVars] = useState<number[]>([]);
  const [steps, setSteps] = useState<Step[]>([{ key: 0, command: "", mode: "", rollback: "", onFailure: false }]);
  const [policy, setPolicy] = useState("per_step");
  const [selected, setSelected] = useState<string[]>(preselect ? [preselect] : []);
  const fe = data?.error?.fieldErrors ?? {};
  const profile = devices.find((d) => d.name === selected[0])?.profile || devices[0]?.profile;
  const modes = useQuery(agentId && profile ? () => trpc().agents.profileModes.query({ id: agentId, profile }) : null, [agentId, profile]);
  const templates = useQuery(agentId && type === "template" ? () => trpc().agents.templates.query({ id: agentId, kind: "command" }) : null, [agentId, type]);
  const content = useQuery(agentId && template ? () => trpc().agents.template.query({ id: agentId, kind: "command", name: template }) : null, [agentId, template]);
  const modeOptions = (modes.data as { modes?: string[] } | undefined)?.modes ?? [];
  const defaultMode = (modes.data as { default_mode?: string } | undefined)?.default_mode;
  const tplContent = (content.data as { content?: string } | undefined)?.content ?? "";
  const vars = templateVariables(tplContent);
  const err = (k: string) => (fe[k] ? <div className="field-error">{fe[k]}</div> : null);
  const payloadErr = Object.entries(fe).filter(([k]) => k.startsWith("payload"));
  const setStep = (i: number, patch: Partial<Step>) => setSteps((s) => s.map((x, j) => (j === i ? { ...x, ...patch } : x)));
  const move = (i: number, d: number) =>
    setSteps((s) => {
      const n = [...s];
      const [x] = n.splice(i, 1);
      n.splice(i + d, 0, x!);
      return n;
    });

  if (agents.length === 0) {
    return (
      <div className="card empty">
        <h2>{t("newTask.noAgents")}</h2>
        <p>{t("newTask.noAgentsBody")}</p>
        <Link className="button primary" to="/agents">
          {t("agents.register")}
        </Link>
      </div>
    );
  }
  return (
    <>
      <p>
        <Link to="/tasks">← {t("tasks.title")}</Link>
      </p>
      <h1>{t("tasks.new")}</h1>
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
      <div className="tabs" role="tablist" aria-label={t("newTask.editor")} onKeyDown={tabKeys(["form", "json"] as const, tab, setTab)}>
        <button type="button" role="tab" aria-selected={tab === "form"} tabIndex={tab === "form" ? 0 : -1} onClick={() => setTab("form")}>
          {t("newTask.form")}
        </button>
        <button type="button" role="tab" aria-selected={tab === "json"} tabIndex={tab === "json" ? 0 : -1} onClick={() => setTab("json")}>
          {t("newTask.json")}
        </button>
      </div>
      <Form method="post" className="card" style={{ maxWidth: 920 }}>
        {tab === "json" ? (
          <>
            <label htmlFor="advanced">{t("newTask.jsonLabel")}</label>
            <textarea id="advanced" name="advanced" rows={18} spellCheck={false} style={{ fontFamily: "ui-monospace, monospace" }} defaultValue={JSON.stringify({ type: "exec", targets: [{ agentId, connection: devices[0]?.name ?? "" }], payload: { command: "show version" } }, null, 2)} aria-invalid={fe.advanced ? true : undefined} />
            {err("advanced")}
          </>
        ) : (
          <>
            <div className="row">
              <div style={{ flex: 1 }}>
                <label htmlFor="type">{t("task.type")}</label>
                <select id="type" name="type" value={type} onChange={(e) => setType(e.target.value as DialogType)}>
                  <option value="exec">{t("newTask.type.exec")}</option>
                  <option value="template">{t("newTask.type.template")}</option>
                  <option value="tx_block">{t("newTask.type.tx_block")}</option>
                </select>
              </div>
              <div style={{ flex: 1 }}>
                <label htmlFor="name">{t("newTask.name")}</label>
                <input id="name" name="name" maxLength={200} />
              </div>
            </div>
            <label htmlFor="agentId">{t("newTask.agent")}</label>
            <select id="agentId" name="agentId" value={agentId ?? ""} onChange={(e) => setParams({ agent: e.target.value, type })}>
              {agents.map((a) => (
                <option key={a.id} value={a.id}>
                  {a.name} ({t(`status.${a.status}`)})
                </option>
              ))}
            </select>
            <fieldset>
              <legend>{t("newTask.devices")}</legend>
              <div className="device-picks">
              {devices.length === 0 ? <p className="hint">{t("newTask.noDevices")}</p> : null}
              {devices.map((d) => (
                <label key={d.name} style={{ fontWeight: 400 }}>
                  <input type="checkbox" name="connection" value={d.name} style={{ width: "auto" }} checked={selected.includes(d.name)} onChange={(e) => setSelected((s) => (e.target.checked ? [...s, d.name] : s.filter((x) => x !== d.name)))} /> {d.name}{" "}
                  <span className="muted">
                    {d.profile} · {t(`deviceStatus.${d.status}`)}
                  </span>
                </label>
              ))}
              </div>
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
                <label htmlFor="mode">{t("newTask.mode")}</label>
                <select id="mode" name="mode" defaultValue="">
                  <option value="">
                    {t("newTask.defaultMode")}
                    {defaultMode ? ` (${defaultMode})` : ""}
                  </option>
                  {modeOptions.map((m) => (
                    <option key={m} value={m}>
                      {m}
                    </option>
                  ))}
                </select>
              </>
            ) : null}
            {type === "exec" ? (
              <>
                <label htmlFor="command">{t("result.command")}</label>
                <input id="command" name="command" required aria-invalid={fe["payload.command"] ? true : undefined} placeholder="show version" />
                {err("payload.command")}
              </>
            ) : null}
            {type === "template" ? (
              <>
                <label htmlFor="template">{t("newTask.template")}</label>
                <select id="template" name="template" value={template} onChange={(e) => setTemplate(e.target.value)} required>
                  <option value="">{templates.loading ? t("common.loading") : t("newTask.pickTemplate")}</option>
                  {((templates.data as Array<{ name: string }> | undefined) ?? []).map((tpl) => (
                    <option key={tpl.name} value={tpl.name}>
                      {tpl.name}
                    </option>
                  ))}
                </select>
                {templates.error ? <div className="field-error">{t("agent.listFailed")} {templates.error}</div> : null}
                {templates.data && (templates.data as unknown[]).length === 0 ? <div className="hint">{t("newTask.noTemplates")}</div> : null}
                {tplContent ? <pre className="output" aria-label={t("templates.content")}>{tplContent}</pre> : null}
                <fieldset>
                  <legend>{t("newTask.variables")}</legend>
                  {vars.length === 0 && template ? <p className="hint">{t("newTask.noVars")}</p> : null}
                  {vars.map((v) => (
                    <div key={`${template}-${v}`}>
                      <input type="hidden" name="varName" value={v} />
                      <label htmlFor={`var-${v}`}>{v}</label>
                      <input id={`var-${v}`} name="varValue" />
                    </div>
                  ))}
                  {extraVars.map((k, i) => (
                    <div className="row" key={k}>
                      <input name="varName" aria-label={`${t("newTask.varName")} ${i + 1}`} placeholder={t("newTask.varName")} />
                      <input name="varValue" aria-label={`${t("newTask.varValue")} ${i + 1}`} placeholder={t("newTask.varValue")} />
                    </div>
                  ))}
                  <button type="button" onClick={() => setExtraVars((x) => [...x, (x.at(-1) ?? 0) + 1])}>
                    {t("newTask.addVar")}
                  </button>
                </fieldset>
              </>
            ) : null}
            {type === "tx_block" ? (
              <>
                <div className="row">
                  <div style={{ flex: 1 }}>
                    <label htmlFor="blockName">{t("newTask.blockName")}</label>
                    <input id="blockName" name="blockName" defaultValue="change" />
                  </div>
                  <div style={{ flex: 1 }}>
                    <label htmlFor="rollbackPolicy">{t("newTask.rollbackPolicy")}</label>
                    <select id="rollbackPolicy" name="rollbackPolicy" value={policy} onChange={(e) => setPolicy(e.target.value)}>
                      <option value="per_step">{t("newTask.policy.per_step")}</option>
                      <option value="whole_resource">{t("newTask.policy.whole_resource")}</option>
                      <option value="none">{t("newTask.policy.none")}</option>
                    </select>
                  </div>
                </div>
                <label htmlFor="failFast">{t("newTask.failFast")}</label>
                <select id="failFast" name="failFast" defaultValue="on">
                  <option value="on">{t("newTask.failFastOn")}</option>
                  <option value="off">{t("newTask.failFastOff")}</option>
                </select>
                <fieldset>
                  <legend>{t("newTask.steps")}</legend>
                  <table className="steps">
                    <thead>
                      <tr>
                        <th>#</th>
                        <th>{t("result.command")}</th>
                        <th style={{ width: 130 }}>{t("newTask.mode")}</th>
                        {policy === "per_step" ? <th>{t("newTask.rollbackCommand")}</th> : null}
                        {policy === "per_step" ? <th>{t("newTask.onFailure")}</th> : null}
                        <th />
                      </tr>
                    </thead>
                    <tbody>
                      {steps.map((s, i) => (
                        <tr key={s.key}>
                          <td>{i + 1}</td>
                          <td>
                            <input name="stepCommand" aria-label={`${t("newTask.step")} ${i + 1} ${t("result.command")}`} placeholder="vlan 120" value={s.command} onChange={(e) => setStep(i, { command: e.target.value })} />
                          </td>
                          <td>
                            <select name="stepMode" aria-label={`${t("newTask.step")} ${i + 1} ${t("newTask.mode")}`} value={s.mode} onChange={(e) => setStep(i, { mode: e.target.value })}>
                              <option value="">Config</option>
                              {modeOptions.filter((m) => m !== "Config").map((m) => (
                                <option key={m} value={m}>
                                  {m}
                                </option>
                              ))}
                            </select>
                          </td>
                          {policy === "per_step" ? (
                            <td>
                              <input name="stepRollback" aria-label={`${t("newTask.step")} ${i + 1} ${t("newTask.rollbackCommand")}`} placeholder="no vlan 120" value={s.rollback} onChange={(e) => setStep(i, { rollback: e.target.value })} />
                            </td>
                          ) : (
                            <td hidden>
                              <input type="hidden" name="stepRollback" value="" />
                            </td>
                          )}
                          {policy === "per_step" ? (
                            <td>
                              <input type="checkbox" name="stepRollbackOnFailure" value={String(i)} checked={s.onFailure} onChange={(e) => setStep(i, { onFailure: e.target.checked })} aria-label={`${t("newTask.step")} ${i + 1} ${t("newTask.onFailure")}`} style={{ width: "auto" }} />
                            </td>
                          ) : null}
                          <td>
                            <div className="row">
                            <button type="button" onClick={() => move(i, -1)} disabled={i === 0} aria-label={`${t("newTask.moveUp")} ${i + 1}`}>
                              ↑
                            </button>
                            <button type="button" onClick={() => move(i, 1)} disabled={i === steps.length - 1} aria-label={`${t("newTask.moveDown")} ${i + 1}`}>
                              ↓
                            </button>
                            <button type="button" onClick={() => setSteps((x) => x.filter((_, j) => j !== i))} disabled={steps.length === 1} aria-label={`${t("newTask.removeStep")} ${i + 1}`}>
                              ✕
                            </button>
                            </div>
                          </td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                  <button type="button" onClick={() => setSteps((s) => [...s, { key: Math.max(...s.map((x) => x.key)) + 1, command: "", mode: "", rollback: "", onFailure: false }])}>
                    {t("newTask.addStep")}
                  </button>
                </fieldset>
                {policy === "whole_resource" ? (
                  <fieldset>
                    <legend>{t("newTask.policy.whole_resource")}</legend>
                    <label htmlFor="wholeCommand">{t("newTask.rollbackCommand")}</label>
                    <input id="wholeCommand" name="wholeCommand" placeholder="rollback configuration checkpoint" />
                    <div className="row">
                      <div style={{ flex: 1 }}>
                        <label htmlFor="wholeMode">{t("newTask.mode")}</label>
                        <input id="wholeMode" name="wholeMode" placeholder="Config" />
                      </div>
                      <div style={{ flex: 1 }}>
                        <label htmlFor="wholeTrigger">{t("newTask.trigger")}</label>
                        <input id="wholeTrigger" name="wholeTrigger" type="number" min={1} max={steps.length} defaultValue={1} />
                      </div>
                    </div>
                  </fieldset>
                ) : null}
              </>
            ) : null}
            <label style={{ fontWeight: 400 }}>
              <input type="checkbox" name="dryRun" style={{ width: "auto" }} disabled={type === "exec"} /> {t("newTask.dryRun")} {type === "exec" ? t("newTask.dryRunExec") : ""}
            </label>
            <label style={{ fontWeight: 400 }}>
              <input type="checkbox" name="queueIfOffline" style={{ width: "auto" }} /> {t("newTask.queue")}
            </label>
            <label htmlFor="recordLevel">{t("newTask.recordLevel")}</label>
            <select id="recordLevel" name="recordLevel" defaultValue="key-events-only">
              <option value="key-events-only">{t("newTask.record.key")}</option>
              <option value="full">{t("newTask.record.full")}</option>
            </select>
          </>
        )}
        <p>
          <button type="submit" className="primary" disabled={busy}>
            {busy ? t("newTask.dispatching") : t("newTask.dispatch")}
          </button>
        </p>
      </Form>
    </>
  );
}

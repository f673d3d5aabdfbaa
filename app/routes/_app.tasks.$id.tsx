import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, redirect, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { useRef, useState } from "react";
import { formError } from "../lib/errors";
import { usePrefs, useT } from "../lib/prefs";
import { useLiveRevalidate } from "../lib/use-live";
import { RunResult } from "../components/run-result";
import { ConfirmButton } from "../components/confirm";
import type { MessageKey } from "../lib/i18n";
import { timelineText } from "../lib/event-text";

// timeline event types with a label in both languages; anything else an agent sends is shown as is
const EVENT_TYPES = new Set(["submitted", "delivered", "started", "progress", "stage", "log", "completed", "failed", "callback", "waiting_lock", "lock_conflict", "delivery_failed", "delivery_in_doubt", "deadline_extended", "timed_out", "cancel_requested", "agent_error"]);

export async function loader({ context, params }: LoaderFunctionArgs) {
  return context.trpc.tasks.get({ id: params.id ?? "" });
}

export async function action({ context, params, request }: ActionFunctionArgs) {
  const intent = (await request.formData()).get("intent");
  try {
    if (intent === "cancel") await context.trpc.tasks.cancel({ id: params.id ?? "" });
    if (intent === "rerun") {
      const { id } = await context.trpc.tasks.rerun({ id: params.id ?? "" });
      throw redirect(`/tasks/${id}`);
    }
    return { error: null };
  } catch (err) {
    if (err instanceof Response) throw err;
    return { error: formError(err).message };
  }
}

const ACTIVE = ["pending", "running"];
const RUN_ACTIVE = ["pending", "waiting_lock", "delivering", "accepted", "running"];

export default function TaskDetail() {
  const task = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const t = useT();
  const { locale } = usePrefs();
  const busy = useNavigation().state !== "idle";
  const active = ACTIVE.includes(task.status);
  // the tab's single live stream: this task's events and status changes re-read it
  useLiveRevalidate(["task", "run", "task_event"], (e) => "taskId" in e && e.taskId === task.id, 250);
  const [copied, setCopied] = useState(false);
  // ?run=<id> (from the dashboard's failed runs) opens that run's result
  const [params] = useSearchParams();
  const [open, setOpen] = useState<string | null>(params.get("run") ?? (task.runs.length === 1 ? (task.runs[0]?.id ?? null) : null));
  const cancelForm = useRef<HTMLFormElement>(null);
  const done = task.runs.filter((r) => !RUN_ACTIVE.includes(r.status)).length;
  const pct = task.runs.length ? Math.round((task.runs.reduce((s, r) => s + (RUN_ACTIVE.includes(r.status) ? (r.progress ?? 0) : 100), 0) / task.runs.length)) : 0;
  const time = new Intl.DateTimeFormat(locale, { hour: "2-digit", minute: "2-digit", second: "2-digit" });
  const runLabel = new Map(task.runs.map((r) => [r.id, r.connection ? `${r.agentName} / ${r.connection}` : r.agentName]));
  const copy = async () => {
    const json = JSON.stringify({ name: task.name ?? undefined, type: task.type, payload: task.payload, targets: task.runs.map((r) => ({ agentId: r.agentId, ...(r.connection ? { connection: r.connection } : {}) })) }, null, 2);
    await navigator.clipboard?.writeText(json).catch(() => {});
    setCopied(true);
    setTimeout(() => setCopied(false), 1500);
  };
  return (
    <>
      <p>
        <Link to="/tasks">← {t("tasks.title")}</Link>
      </p>
      <div className="toolbar">
        <h1>
          {task.name ?? task.type} <span className={`badge ${task.status}`} data-testid="task-status">{t(`taskStatus.${task.status}`)}</span>
        </h1>
        <div className="row">
          {active && task.cancelRequestedAt ? (
            <span className="badge running" data-testid="cancel-requested" title={t("task.cancelRequestedHint")}>
              {t("task.cancelRequested")}
            </span>
          ) : null}
          {active && !task.cancelRequestedAt ? (
            <Form method="post" ref={cancelForm}>
              <input type="hidden" name="intent" value="cancel" />
              <ConfirmButton title={t("task.cancelTitle")} body={t("task.cancelBody")} confirmLabel={t("task.cancel")} onConfirm={() => cancelForm.current?.requestSubmit()} disabled={busy}>
                {t("task.cancel")}
              </ConfirmButton>
            </Form>
          ) : null}
          <Form method="post">
            <button name="intent" value="rerun" disabled={busy}>
              {t("task.rerun")}
            </button>
          </Form>
          <button type="button" onClick={copy}>
            {copied ? t("agents.copied") : t("task.copyJson")}
          </button>
        </div>
      </div>
      {data?.error ? (
        <div className="alert" role="alert">
          {data.error}
        </div>
      ) : null}
      <div className="card">
        <dl className="kv">
          <dt>{t("task.type")}</dt>
          <dd>
            <code>{task.type}</code>
          </dd>
          <dt>{t("task.progress")}</dt>
          <dd className="row">
            <div className={`progress ${task.status}`} style={{ width: 240 }} role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={pct} aria-label={t("task.progress")}>
              <span style={{ width: `${pct}%` }} />
            </div>
            <span className="muted">
              {done} / {task.runs.length} {t("task.runsDone")}
            </span>
          </dd>
        </dl>
      </div>
      <h2>{t("task.runs")}</h2>
      <table>
        <thead>
          <tr>
            <th>{t("common.agent")}</th>
            <th>{t("task.connection")}</th>
            <th>{t("agents.col.status")}</th>
            <th>{t("task.progress")}</th>
            <th>{t("task.attempts")}</th>
            <th>{t("task.duration")}</th>
            <th>{t("task.detail")}</th>
          </tr>
        </thead>
        <tbody>
          {task.runs.map((r) => (
            <tr key={r.id} data-testid={`run-${r.id}`} id={`run-${r.id}`} className={open === r.id ? "selected" : undefined}>
              <td>{r.agentId ? <Link to={`/agents/${r.agentId}`}>{r.agentName}</Link> : r.agentName}</td>
              <td>{r.connection ?? "—"}</td>
              <td>
                <span className={`badge ${r.status}`}>{t(`runStatus.${r.status}`)}</span>
              </td>
              <td>
                <div className={`progress ${r.status}`} role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={RUN_ACTIVE.includes(r.status) ? (r.progress ?? 0) : 100} aria-label={`${t("task.progress")} ${r.connection ?? r.agentName}`}>
                  <span style={{ width: `${RUN_ACTIVE.includes(r.status) ? (r.progress ?? 0) : 100}%` }} />
                </div>
                {r.stage ? <span className="muted small">{r.stage}</span> : null}
              </td>
              <td>
                {r.deliveryAttempts} / {r.executionAttempts}
              </td>
              <td>{r.executionTimeMs !== null ? `${Number(r.executionTimeMs)} ms` : "—"}</td>
              <td>
                {r.error ?? (RUN_ACTIVE.includes(r.status) || r.cancelRequestedAt ? r.statusDetail : ((r.resultSummary as { summary?: string } | null)?.summary ?? r.statusDetail)) ?? ""}{" "}
                {r.result !== null || r.resultSummary !== null ? (
                  <button type="button" className="link" data-testid="toggle-result" aria-expanded={open === r.id} onClick={() => setOpen(open === r.id ? null : r.id)}>
                    {open === r.id ? t("task.hideResult") : t("task.showResult")}
                  </button>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {task.runs
        .filter((r) => r.id === open)
        .map((r) => (
          <section key={r.id} className="card" style={{ marginTop: ".75rem" }} data-testid="run-result">
            <h3>
              {t("task.result")}: {r.agentName}
              {r.connection ? ` / ${r.connection}` : ""}
            </h3>
            <RunResult type={task.type} summary={r.resultSummary} result={r.result} />
          </section>
        ))}
      <h2>{t("task.timeline")}</h2>
      {task.events.length === 0 ? (
        <p className="muted">{active ? t("task.waiting") : t("task.noEvents")}</p>
      ) : (
        <ol className="card timeline" aria-live="polite" data-testid="timeline">
          {task.events.map((e) => (
            <li key={e.seq}>
              <span className="muted"><span suppressHydrationWarning>{time.format(new Date(e.occurredAt))}</span></span> <span className={`badge ${e.level === "error" ? "failed" : e.level === "success" ? "success" : "pending"}`} title={e.eventType}>{EVENT_TYPES.has(e.eventType) ? t(`eventType.${e.eventType}` as MessageKey) : e.eventType}</span>{" "}
              {/* with several runs, say which one an event is about */}
              {task.runs.length > 1 && e.runId && runLabel.has(e.runId) ? <span className="tag" data-testid="event-run">{runLabel.get(e.runId)}</span> : null} {timelineText(e, locale, t)}
              {e.progress !== null ? <span className="muted"> · {e.progress}%</span> : null}
            </li>
          ))}
        </ol>
      )}
    </>
  );
}

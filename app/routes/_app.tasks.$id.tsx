import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, redirect, useLoaderData, useNavigation, useRevalidator } from "@remix-run/react";
import { useEffect, useState } from "react";
import { trpc } from "../lib/trpc.client";
import { formError } from "../lib/errors";

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

type TaskView = Awaited<ReturnType<typeof loader>>;
type TimelineEvent = TaskView["events"][number];

/** Loader data plus events streamed over SSE since; status changes re-run the loader. */
function useLiveEvents(task: TaskView) {
  const [events, setEvents] = useState<TimelineEvent[]>(task.events);
  const { revalidate } = useRevalidator();
  useEffect(() => setEvents(task.events), [task.events]);
  const final = !["pending", "running"].includes(task.status);
  const lastSeq = task.events.at(-1)?.seq ?? 0;
  useEffect(() => {
    if (final) return;
    const sub = trpc().tasks.events.subscribe(
      { taskId: task.id, lastEventId: String(lastSeq) },
      {
        onData: (msg) => {
          if (msg.data.kind === "event") {
            const ev = msg.data.event as TimelineEvent;
            setEvents((cur) => (cur.some((e) => e.seq === ev.seq) ? cur : [...cur, ev]));
          } else revalidate();
        },
      },
    );
    return () => sub.unsubscribe();
  }, [task.id, final, lastSeq, revalidate]);
  return events;
}

export default function TaskDetail() {
  const task = useLoaderData<typeof loader>();
  const events = useLiveEvents(task);
  const busy = useNavigation().state !== "idle";
  const active = ["pending", "running"].includes(task.status);
  return (
    <>
      <p>
        <Link to="/tasks">← Tasks</Link>
      </p>
      <div className="toolbar">
        <h1>
          {task.name ?? task.type} <span className={`badge ${task.status}`}>{task.status}</span>
        </h1>
        <Form method="post" className="row">
          {active ? (
            <button name="intent" value="cancel" disabled={busy}>
              Cancel
            </button>
          ) : null}
          <button name="intent" value="rerun" disabled={busy}>
            Re-run
          </button>
          <button type="button" onClick={() => navigator.clipboard?.writeText(JSON.stringify({ type: task.type, payload: task.payload }, null, 2))}>
            Copy as JSON
          </button>
        </Form>
      </div>
      <h2>Runs</h2>
      <table>
        <thead>
          <tr>
            <th>Agent</th>
            <th>Connection</th>
            <th>Status</th>
            <th>Progress</th>
            <th>Attempts</th>
            <th>Detail</th>
          </tr>
        </thead>
        <tbody>
          {task.runs.map((r) => (
            <tr key={r.id} data-testid={`run-${r.id}`}>
              <td>{r.agentName}</td>
              <td>{r.connection ?? "—"}</td>
              <td>
                <span className={`badge ${r.status}`}>{r.status.replace("_", " ")}</span>
              </td>
              <td>{r.progress !== null ? <progress max={100} value={r.progress} aria-label="progress" /> : "—"}</td>
              <td>
                {r.deliveryAttempts} / {r.executionAttempts}
              </td>
              <td>{r.error ?? r.statusDetail ?? (r.resultSummary as { summary?: string } | null)?.summary ?? ""}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>Timeline</h2>
      <ol className="card" aria-live="polite" data-testid="timeline">
        {events.map((e) => (
          <li key={e.seq}>
            <span className="muted">{new Date(e.occurredAt).toLocaleTimeString()}</span> <span className={`badge ${e.level === "error" ? "failed" : e.level === "success" ? "success" : "pending"}`}>{e.eventType}</span> {e.message}
          </li>
        ))}
      </ol>
    </>
  );
}

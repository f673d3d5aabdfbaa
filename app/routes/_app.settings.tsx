import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation, useRouteLoaderData, useSubmit } from "@remix-run/react";
import { useRef } from "react";
import { ConfirmButton } from "../components/confirm";
import { formError } from "../lib/errors";
import { usePrefs, useT } from "../lib/prefs";

const RESET_PHRASE = "RESET SWITCHYARD";

export async function loader({ context }: LoaderFunctionArgs) {
  const [settings, info] = await Promise.all([context.trpc.settings.get(), context.trpc.agents.connectInfo()]);
  return { settings, info };
}

type Result = { intent: string; ok: boolean; error: ReturnType<typeof formError> | null; counts: Record<string, number> | null };

export async function action({ request, context }: ActionFunctionArgs): Promise<Result> {
  const form = await request.formData();
  const intent = String(form.get("intent") ?? "password");
  try {
    let counts: Record<string, number> | null = null;
    if (intent === "password") {
      await context.trpc.auth.changePassword({ currentPassword: String(form.get("currentPassword") ?? ""), newPassword: String(form.get("newPassword") ?? "") });
    } else if (intent === "defaults") {
      await context.trpc.settings.update({ taskDefaultDeadlineSeconds: Number(form.get("deadline")), historyRetentionDays: Number(form.get("retention")) });
    } else if (intent === "clearHistory") {
      counts = await context.trpc.settings.clearHistory({ olderThanDays: Number(form.get("olderThanDays") ?? 0) });
    } else if (intent === "clearNotifications") {
      counts = await context.trpc.settings.clearNotifications({ readOnly: form.get("readOnly") === "on" });
    } else if (intent === "reset") {
      counts = (await context.trpc.settings.reset({ confirm: String(form.get("confirm") ?? "") })) as Record<string, number>;
    }
    return { intent, ok: true, error: null, counts };
  } catch (err) {
    return { intent, ok: false, error: formError(err), counts: null };
  }
}

function Outcome({ data, intent }: { data: Result | undefined; intent: string }) {
  const t = useT();
  if (!data || data.intent !== intent) return null;
  if (data.error) {
    return (
      <div className="alert" role="alert">
        {data.error.message}
      </div>
    );
  }
  return (
    <div className="alert ok" role="status">
      {t(intent === "password" ? "settings.passwordChanged" : "settings.done")}
      {data.counts ? ` (${Object.entries(data.counts).map(([k, v]) => `${k}: ${v}`).join(", ")})` : ""}
    </div>
  );
}

export default function Settings() {
  const { settings, info } = useLoaderData<typeof loader>();
  const layout = useRouteLoaderData("routes/_app") as { user: { username: string; role: string } } | undefined;
  const data = useActionData<typeof action>();
  const t = useT();
  const { theme, locale } = usePrefs();
  const busy = useNavigation().state !== "idle";
  const submit = useSubmit();
  const historyForm = useRef<HTMLFormElement>(null);
  const notesForm = useRef<HTMLFormElement>(null);
  const fe = data?.intent === "password" ? (data.error?.fieldErrors ?? {}) : {};
  const admin = layout?.user.role === "admin";
  return (
    <>
      <h1>{t("settings.title")}</h1>
      <div className="cards2" style={{ marginTop: 0 }}>
        <section className="card" aria-labelledby="s-profile">
          <h2 id="s-profile">{t("settings.profile")}</h2>
          <dl className="kv">
            <dt>{t("field.username")}</dt>
            <dd>{layout?.user.username}</dd>
            <dt>{t("settings.role")}</dt>
            <dd>{layout?.user.role}</dd>
          </dl>
          <h3>{t("settings.changePassword")}</h3>
          <Outcome data={data} intent="password" />
          <Form method="post">
            <input type="hidden" name="intent" value="password" />
            <label htmlFor="currentPassword">{t("field.currentPassword")}</label>
            <input id="currentPassword" name="currentPassword" type="password" autoComplete="current-password" aria-invalid={fe.currentPassword ? true : undefined} />
            {fe.currentPassword ? <div className="field-error">{fe.currentPassword}</div> : null}
            <label htmlFor="newPassword">{t("field.newPassword")}</label>
            <input id="newPassword" name="newPassword" type="password" autoComplete="new-password" aria-invalid={fe.newPassword ? true : undefined} aria-describedby="np-hint" />
            <div id="np-hint" className="hint">
              {t("field.passwordHint")}
            </div>
            {fe.newPassword ? <div className="field-error">{fe.newPassword}</div> : null}
            <p>
              <button type="submit" className="primary" disabled={busy}>
                {t("settings.save")}
              </button>
            </p>
          </Form>
        </section>
        <section className="card" aria-labelledby="s-prefs">
          <h2 id="s-prefs">{t("settings.preferences")}</h2>
          <Form method="post" action="/preferences">
            <input type="hidden" name="back" value="/settings" />
            <div role="group" aria-labelledby="s-theme">
              <h3 id="s-theme">{t("settings.theme")}</h3>
              <div className="row">
                {(["light", "dark", "system"] as const).map((k) => (
                  <button key={k} name="theme" value={k} aria-pressed={theme === k}>
                    {t(`theme.${k}`)}
                  </button>
                ))}
              </div>
            </div>
            <div role="group" aria-labelledby="s-lang">
              <h3 id="s-lang">{t("settings.language")}</h3>
              <div className="row">
                <button name="lang" value="en" aria-pressed={locale === "en"} lang="en">
                  English
                </button>
                <button name="lang" value="zh" aria-pressed={locale === "zh"} lang="zh-CN">
                  中文
                </button>
              </div>
            </div>
          </Form>
          <h2>{t("settings.agentDefaults")}</h2>
          <dl className="kv">
            <dt>{t("settings.heartbeat")}</dt>
            <dd>{Math.round(info.heartbeatIntervalMs / 1000)} s</dd>
            <dt>{t("settings.offlineAfter")}</dt>
            <dd>{Math.round(info.timeoutMs / 1000)} s</dd>
            <dt>{t("settings.grpc")}</dt>
            <dd>{info.grpcEnabled ? `:${info.grpcPort}` : t("settings.disabled")}</dd>
          </dl>
          <p className="hint">{t("settings.envHint")}</p>
          <Outcome data={data} intent="defaults" />
          <Form method="post" className="row" style={{ alignItems: "flex-end" }}>
            <input type="hidden" name="intent" value="defaults" />
            <div>
              <label htmlFor="deadline">{t("settings.deadline")}</label>
              <input id="deadline" name="deadline" type="number" min={1} max={604800} defaultValue={settings.taskDefaultDeadlineSeconds} disabled={!admin} />
            </div>
            <div>
              <label htmlFor="retention">{t("settings.retention")}</label>
              <input id="retention" name="retention" type="number" min={1} max={3650} defaultValue={settings.historyRetentionDays} disabled={!admin} />
            </div>
            <button type="submit" disabled={busy || !admin}>
              {t("settings.save")}
            </button>
          </Form>
        </section>
      </div>
      {admin ? (
        <>
          <section className="card" style={{ marginTop: ".75rem" }} aria-labelledby="s-data">
            <h2 id="s-data">{t("settings.data")}</h2>
            <Outcome data={data} intent="clearHistory" />
            <Outcome data={data} intent="clearNotifications" />
            <Form method="post" className="row" style={{ alignItems: "flex-end" }} ref={historyForm}>
              <input type="hidden" name="intent" value="clearHistory" />
              <div>
                <label htmlFor="olderThanDays">{t("settings.olderThan")}</label>
                <input id="olderThanDays" name="olderThanDays" type="number" min={0} max={3650} defaultValue={30} style={{ maxWidth: 120 }} />
              </div>
              <ConfirmButton title={t("settings.clearHistory")} body={<p>{t("settings.clearHistoryHint")}</p>} confirmLabel={t("settings.clearHistory")} disabled={busy} onConfirm={() => submit(historyForm.current)}>
                {t("settings.clearHistory")}
              </ConfirmButton>
            </Form>
            <p className="hint">{t("settings.clearHistoryHint")}</p>
            <Form method="post" className="row" ref={notesForm}>
              <input type="hidden" name="intent" value="clearNotifications" />
              <label style={{ fontWeight: 400, display: "inline-flex", gap: ".3rem", margin: 0 }}>
                <input type="checkbox" name="readOnly" defaultChecked style={{ width: "auto" }} /> {t("settings.readOnly")}
              </label>
              <ConfirmButton title={t("settings.clearNotifications")} body={<p>{t("settings.clearNotificationsHint")}</p>} confirmLabel={t("settings.clearNotifications")} disabled={busy} onConfirm={() => submit(notesForm.current)}>
                {t("settings.clearNotifications")}
              </ConfirmButton>
            </Form>
          </section>
          <section className="card danger" style={{ marginTop: ".75rem" }} aria-labelledby="s-danger">
            <h2 id="s-danger">{t("settings.danger")}</h2>
            <p>{t("settings.resetBody")}</p>
            <Outcome data={data} intent="reset" />
            <ConfirmButton title={t("settings.resetTitle")} body={<p>{t("settings.resetBody")}</p>} confirmLabel={t("settings.reset")} phrase={RESET_PHRASE} onConfirm={(typed) => submit({ intent: "reset", confirm: typed }, { method: "post" })}>
              {t("settings.reset")}
            </ConfirmButton>
          </section>
        </>
      ) : null}
    </>
  );
}

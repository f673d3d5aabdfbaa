import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { formError } from "../lib/errors";
import { usePrefs, useT } from "../lib/prefs";

export async function loader({ context }: LoaderFunctionArgs) {
  const [settings, info] = await Promise.all([context.trpc.settings.get(), context.trpc.agents.connectInfo()]);
  return { settings, info };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await request.formData();
  try {
    await context.trpc.auth.changePassword({
      currentPassword: String(form.get("currentPassword") ?? ""),
      newPassword: String(form.get("newPassword") ?? ""),
    });
    return { ok: true as const, error: null };
  } catch (err) {
    return { ok: false as const, error: formError(err) };
  }
}

export default function Settings() {
  const { settings, info } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const t = useT();
  const { theme, locale } = usePrefs();
  const busy = useNavigation().state !== "idle";
  const fe = data?.error?.fieldErrors ?? {};
  return (
    <>
      <h1>{t("settings.title")}</h1>
      <div className="card" style={{ maxWidth: 520 }}>
        <h2>{t("settings.changePassword")}</h2>
        {data?.ok ? <div className="alert ok" role="status">{t("settings.passwordChanged")}</div> : null}
        {data?.error ? <div className="alert" role="alert">{data.error.message}</div> : null}
        <Form method="post">
          <label htmlFor="currentPassword">{t("field.currentPassword")}</label>
          <input id="currentPassword" name="currentPassword" type="password" autoComplete="current-password" aria-invalid={fe.currentPassword ? true : undefined} />
          {fe.currentPassword ? <div className="field-error">{fe.currentPassword}</div> : null}
          <label htmlFor="newPassword">{t("field.newPassword")}</label>
          <input id="newPassword" name="newPassword" type="password" autoComplete="new-password" aria-invalid={fe.newPassword ? true : undefined} />
          <div className="hint">{t("field.passwordHint")}</div>
          {fe.newPassword ? <div className="field-error">{fe.newPassword}</div> : null}
          <p>
            <button type="submit" className="primary" disabled={busy}>
              {t("settings.save")}
            </button>
          </p>
        </Form>
      </div>
      <div className="card" style={{ maxWidth: 520, marginTop: "1rem" }}>
        <h2>Preferences</h2>
        <Form method="post" action="/preferences" className="row">
          <input type="hidden" name="back" value="/settings" />
          <button name="theme" value="light" aria-pressed={theme === "light"}>Light</button>
          <button name="theme" value="dark" aria-pressed={theme === "dark"}>Dark</button>
          <button name="theme" value="system" aria-pressed={theme === "system"}>System</button>
          <button name="lang" value={locale === "zh" ? "en" : "zh"}>{t("lang.switch")}</button>
        </Form>
        <h2>Agent defaults</h2>
        <p className="muted">
          Heartbeat every {Math.round(info.heartbeatIntervalMs / 1000)} s; offline after {Math.round(info.timeoutMs / 1000)} s without one.
          Task deadline {settings.taskDefaultDeadlineSeconds} s. History kept {settings.historyRetentionDays} days.
        </p>
      </div>
    </>
  );
}

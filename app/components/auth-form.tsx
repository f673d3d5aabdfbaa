import { Form, useNavigation } from "@remix-run/react";
import type { FormError } from "../lib/errors";
import { useT } from "../lib/prefs";

export function AuthForm({ title, intro, submit, error, newPassword }: { title: string; intro?: string; submit: string; error?: FormError; newPassword?: boolean }) {
  const t = useT();
  const busy = useNavigation().state !== "idle";
  const fe = error?.fieldErrors ?? {};
  return (
    <main className="centered">
      <div className="card narrow">
        <div className="brand">
          <img src="/favicon.svg" width={24} height={24} alt="" /> {t("app.name")}
        </div>
        <h1>{title}</h1>
        {intro ? <p className="muted">{intro}</p> : null}
        {error ? (
          <div className="alert" role="alert">
            {error.message}
          </div>
        ) : null}
        <Form method="post" noValidate>
          <label htmlFor="username">{t("field.username")}</label>
          <input id="username" name="username" autoComplete="username" required aria-invalid={fe.username ? true : undefined} aria-describedby={fe.username ? "username-error" : undefined} autoFocus />
          {fe.username ? <div id="username-error" className="field-error">{fe.username}</div> : null}
          <label htmlFor="password">{t("field.password")}</label>
          <input id="password" name="password" type="password" autoComplete={newPassword ? "new-password" : "current-password"} required aria-invalid={fe.password ? true : undefined} aria-describedby="password-hint" />
          {newPassword ? <div id="password-hint" className="hint">{t("field.passwordHint")}</div> : null}
          {fe.password ? <div className="field-error">{fe.password}</div> : null}
          <p>
            <button type="submit" className="primary" disabled={busy}>
              {submit}
            </button>
          </p>
        </Form>
      </div>
    </main>
  );
}

import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { useActionData } from "@remix-run/react";
import { AuthForm } from "../components/auth-form";
import { formError } from "../lib/errors";
import { useT } from "../lib/prefs";

function safeNext(url: URL) {
  const next = url.searchParams.get("next");
  return next && next.startsWith("/") && !next.startsWith("//") ? next : "/dashboard";
}

export async function loader({ context, request }: LoaderFunctionArgs) {
  const { setupRequired, user } = await context.trpc.auth.status();
  if (setupRequired) throw redirect("/setup");
  if (user) throw redirect(safeNext(new URL(request.url)));
  return null;
}

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await request.formData();
  try {
    await context.trpc.auth.login({ username: String(form.get("username") ?? ""), password: String(form.get("password") ?? "") });
  } catch (err) {
    return { error: formError(err) };
  }
  throw redirect(safeNext(new URL(request.url)));
}

export default function Login() {
  const t = useT();
  const data = useActionData<typeof action>();
  return <AuthForm title={t("login.title")} submit={t("login.submit")} error={data?.error} />;
}

import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { useActionData } from "@remix-run/react";
import { AuthForm } from "../components/auth-form";
import { formError } from "../lib/errors";
import { useT } from "../lib/prefs";

export async function loader({ context }: LoaderFunctionArgs) {
  const { setupRequired } = await context.trpc.auth.status();
  if (!setupRequired) throw redirect("/login");
  return null;
}

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await request.formData();
  try {
    await context.trpc.auth.setup({ username: String(form.get("username") ?? ""), password: String(form.get("password") ?? "") });
  } catch (err) {
    return { error: formError(err) };
  }
  throw redirect("/agents");
}

export default function Setup() {
  const t = useT();
  const data = useActionData<typeof action>();
  return <AuthForm title={t("setup.title")} intro={t("setup.intro")} submit={t("setup.submit")} error={data?.error} newPassword />;
}

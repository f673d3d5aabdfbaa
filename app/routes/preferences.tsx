import { redirect, type ActionFunctionArgs } from "@remix-run/node";
import { prefCookie, readPrefs } from "../lib/prefs";

// Language and theme live in plain cookies so the sign-in pages use them too.
export async function action({ request }: ActionFunctionArgs) {
  const form = await request.formData();
  const headers = new Headers();
  const lang = form.get("lang");
  const theme = form.get("theme");
  if (lang === "en" || lang === "zh") headers.append("Set-Cookie", prefCookie("sy_lang", lang));
  if (theme === "toggle") {
    const current = readPrefs(request).theme;
    const hinted = form.get("current");
    const effective = current === "system" ? (hinted === "dark" ? "dark" : "light") : current;
    headers.append("Set-Cookie", prefCookie("sy_theme", effective === "dark" ? "light" : "dark"));
  } else if (theme === "light" || theme === "dark" || theme === "system") {
    headers.append("Set-Cookie", prefCookie("sy_theme", theme));
  }
  const back = String(form.get("back") ?? "/");
  throw redirect(back.startsWith("/") && !back.startsWith("//") ? back : "/", { headers });
}

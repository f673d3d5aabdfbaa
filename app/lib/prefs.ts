import { useRouteLoaderData } from "@remix-run/react";
import { translator, type Locale } from "./i18n";

export type Theme = "light" | "dark" | "system";

export function readPrefs(request: Request): { locale: Locale; theme: Theme } {
  const cookie = request.headers.get("cookie") ?? "";
  const get = (name: string) => new RegExp(`(?:^|;\\s*)${name}=([^;]*)`).exec(cookie)?.[1];
  const lang = get("sy_lang");
  const theme = get("sy_theme");
  const accept = request.headers.get("accept-language") ?? "";
  return {
    locale: lang === "zh" || lang === "en" ? lang : accept.toLowerCase().startsWith("zh") ? "zh" : "en",
    theme: theme === "light" || theme === "dark" ? theme : "system",
  };
}

export function prefCookie(name: "sy_lang" | "sy_theme", value: string) {
  return `${name}=${value}; Path=/; Max-Age=31536000; SameSite=Lax`;
}

interface RootData {
  locale: Locale;
  theme: Theme;
}

export function usePrefs(): RootData {
  return (useRouteLoaderData("root") as RootData | undefined) ?? { locale: "en", theme: "system" };
}

export function useT() {
  return translator(usePrefs().locale);
}

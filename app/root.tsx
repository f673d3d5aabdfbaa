import { useEffect } from "react";
import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Links, Meta, Outlet, Scripts, ScrollRestoration, isRouteErrorResponse, useRouteError } from "@remix-run/react";
import styles from "./styles/app.css";
import { readPrefs, usePrefs, useT } from "./lib/prefs";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: styles },
  { rel: "icon", href: "/favicon.svg", type: "image/svg+xml" },
];

export const meta: MetaFunction = () => [{ title: "Switchyard" }];

export async function loader({ request }: LoaderFunctionArgs) {
  return readPrefs(request);
}

// applies the system theme before first paint when the operator chose "system"
const themeScript = `(function(){var d=document.documentElement;if(d.dataset.theme==='system'){d.dataset.theme=matchMedia('(prefers-color-scheme: dark)').matches?'dark':'light'}})()`;

export function Layout({ children }: { children: React.ReactNode }) {
  const { locale, theme } = usePrefs();
  return (
    <html lang={locale === "zh" ? "zh-CN" : "en"} data-theme={theme}>
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <script dangerouslySetInnerHTML={{ __html: themeScript }} />
        <Meta />
        <Links />
      </head>
      <body>
        {children}
        <ScrollRestoration />
        <Scripts />
      </body>
    </html>
  );
}

export default function App() {
  // lets people (and browser tests) know the page is interactive, not just painted
  useEffect(() => {
    document.documentElement.dataset.hydrated = "true";
  }, []);
  return <Outlet />;
}

export function ErrorBoundary() {
  const error = useRouteError();
  const t = useT();
  const notFound = isRouteErrorResponse(error) && error.status === 404;
  return (
    <main className="centered">
      <div className="card narrow" role="alert">
        <h1>{notFound ? "404" : t("error.title")}</h1>
        <p>{notFound ? t("error.notFound") : t("error.retry")}</p>
        <a href="/">Switchyard</a>
      </div>
    </main>
  );
}

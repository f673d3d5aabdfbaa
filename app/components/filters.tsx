// A GET form of filters: changing one reloads the list from its first page.
import { Form, useSearchParams, useSubmit } from "@remix-run/react";
import type { ReactNode } from "react";
import { useT } from "../lib/prefs";

export function Filters({ label, children }: { label: string; children: ReactNode }) {
  const t = useT();
  const submit = useSubmit();
  const [params] = useSearchParams();
  const active = [...params.keys()].some((k) => !["cursor", "id", "new"].includes(k));
  return (
    <Form method="get" className="row filters" role="search" aria-label={label} onChange={(e) => {
        // selects and dates apply at once; text applies on Enter or the button
        const el = e.target as HTMLInputElement | HTMLSelectElement;
        if (el.tagName === "SELECT" || el.type === "date") submit(e.currentTarget, { replace: true });
      }}>
      {children}
      <button type="submit">{t("filters.apply")}</button>
      {active ? (
        <a className="button" href="?">
          {t("filters.clear")}
        </a>
      ) : null}
    </Form>
  );
}

export function SelectFilter({ name, label, any, options }: { name: string; label: string; any: string; options: Array<[string, string]> }) {
  const [params] = useSearchParams();
  return (
    <select name={name} defaultValue={params.get(name) ?? ""} aria-label={label}>
      <option value="">{any}</option>
      {options.map(([v, l]) => (
        <option key={v} value={v}>
          {l}
        </option>
      ))}
    </select>
  );
}

export function TextFilter({ name, label, placeholder }: { name: string; label: string; placeholder?: string }) {
  const [params] = useSearchParams();
  return <input type="search" name={name} defaultValue={params.get(name) ?? ""} aria-label={label} placeholder={placeholder ?? label} />;
}

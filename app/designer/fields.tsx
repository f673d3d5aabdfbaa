// Form controls the inspector is built from. Each writes plan values exactly:
// an emptied optional field becomes absent, a "{{ expr }}" stays text.
import { useId, useState, type ReactNode } from "react";
import type { Count, Flag } from "./types";
import { useDesignerT } from "./i18n";

export function Field({ label, hint, error, children, id }: { label: string; hint?: string; error?: string; children: ReactNode; id: string }) {
  return (
    <div className="dz-field">
      <label htmlFor={id}>{label}</label>
      {children}
      {hint ? <div className="hint">{hint}</div> : null}
      {error ? <div className="field-error">{error}</div> : null}
    </div>
  );
}

export function TextField(props: { label: string; value: string | null | undefined; onChange: (v: string | undefined) => void; error?: string; hint?: string; list?: string[]; placeholder?: string; emptyIsAbsent?: boolean; multiline?: boolean }) {
  const id = useId();
  const listId = `${id}-list`;
  const set = (v: string) => props.onChange(v === "" && props.emptyIsAbsent ? undefined : v);
  return (
    <Field id={id} label={props.label} hint={props.hint} error={props.error}>
      {props.multiline ? (
        <textarea id={id} rows={4} value={props.value ?? ""} onChange={(e) => set(e.target.value)} aria-invalid={props.error ? true : undefined} placeholder={props.placeholder} />
      ) : (
        <input id={id} value={props.value ?? ""} onChange={(e) => set(e.target.value)} aria-invalid={props.error ? true : undefined} list={props.list ? listId : undefined} placeholder={props.placeholder} autoComplete="off" />
      )}
      {props.list ? (
        <datalist id={listId}>
          {props.list.map((o) => (
            <option key={o} value={o} />
          ))}
        </datalist>
      ) : null}
    </Field>
  );
}

/** A closed choice; a value outside the options (e.g. a template expression) is shown and kept. */
export function SelectField(props: { label: string; value: string | undefined; options: Array<[string, string]>; onChange: (v: string | undefined) => void; error?: string; hint?: string; allowUnset?: boolean }) {
  const id = useId();
  const t = useDesignerT();
  const known = props.options.some(([v]) => v === props.value);
  return (
    <Field id={id} label={props.label} hint={props.hint} error={props.error}>
      <select id={id} value={props.value ?? ""} onChange={(e) => props.onChange(e.target.value === "" ? undefined : e.target.value)} aria-invalid={props.error ? true : undefined}>
        {props.allowUnset || props.value === undefined ? <option value="">{t("field.unset")}</option> : null}
        {!known && props.value !== undefined ? <option value={props.value}>{props.value}</option> : null}
        {props.options.map(([v, label]) => (
          <option key={v} value={v}>
            {label}
          </option>
        ))}
      </select>
    </Field>
  );
}

export function FlagField(props: { label: string; value: Flag | null | undefined; onChange: (v: Flag | undefined) => void; error?: string; hint?: string; required?: boolean }) {
  const t = useDesignerT();
  const v = props.value === null ? undefined : props.value;
  const value = v === true ? "true" : v === false ? "false" : v;
  return (
    <SelectField
      label={props.label}
      hint={props.hint}
      error={props.error}
      value={value}
      allowUnset={!props.required}
      options={[
        ["true", t("field.yes")],
        ["false", t("field.no")],
      ]}
      onChange={(s) => props.onChange(s === "true" ? true : s === "false" ? false : s)}
    />
  );
}

export function CountField(props: { label: string; value: Count | null | undefined; onChange: (v: Count | undefined) => void; error?: string; hint?: string }) {
  const id = useId();
  const shown = props.value === null || props.value === undefined ? "" : String(props.value);
  return (
    <Field id={id} label={props.label} hint={props.hint} error={props.error}>
      <input
        id={id}
        inputMode="numeric"
        value={shown}
        aria-invalid={props.error ? true : undefined}
        onChange={(e) => {
          const s = e.target.value.trim();
          props.onChange(s === "" ? undefined : /^-?\d+$/.test(s) ? Number(s) : e.target.value);
        }}
      />
    </Field>
  );
}

/** Names (connections, groups, labels) as chips with a picker; a template expression is edited as text. */
export function NameListField(props: { label: string; value: string[] | string | undefined; options: string[]; onChange: (v: string[] | string | undefined) => void; error?: string; hint?: string }) {
  const id = useId();
  const t = useDesignerT();
  const [draft, setDraft] = useState("");
  if (typeof props.value === "string")
    return (
      <Field id={id} label={props.label} hint={props.hint} error={props.error}>
        <input id={id} value={props.value} onChange={(e) => props.onChange(e.target.value === "" ? [] : e.target.value)} />
      </Field>
    );
  const list = props.value ?? [];
  const add = (name: string) => {
    const n = name.trim();
    if (n && !list.includes(n)) props.onChange([...list, n]);
    setDraft("");
  };
  const listId = `${id}-opts`;
  return (
    <Field id={id} label={props.label} hint={props.hint} error={props.error}>
      <div className="dz-chips">
        {list.map((n) => (
          <span key={n} className="dz-chip">
            {n}
            <button type="button" className="link" aria-label={t("field.removeName", { name: n })} onClick={() => props.onChange(list.filter((x) => x !== n))}>
              ×
            </button>
          </span>
        ))}
      </div>
      <div className="row">
        <input
          id={id}
          value={draft}
          list={listId}
          placeholder={t("field.addName")}
          onChange={(e) => {
            const v = e.target.value;
            if (props.options.includes(v)) add(v);
            else setDraft(v);
          }}
          onKeyDown={(e) => {
            if (e.key === "Enter") {
              e.preventDefault();
              add(draft);
            }
          }}
          aria-invalid={props.error ? true : undefined}
        />
        <button type="button" onClick={() => add(draft)} disabled={!draft.trim()}>
          {t("field.add")}
        </button>
      </div>
      <datalist id={listId}>
        {props.options
          .filter((o) => !list.includes(o))
          .map((o) => (
            <option key={o} value={o} />
          ))}
      </datalist>
    </Field>
  );
}

/** Any JSON value (vars, a flow's steps): applied when it parses. */
export function JsonField(props: { label: string; value: unknown; onChange: (v: unknown) => void; error?: string; hint?: string; rows?: number }) {
  const id = useId();
  const t = useDesignerT();
  const [text, setText] = useState(() => (props.value === undefined ? "" : JSON.stringify(props.value, null, 2)));
  const [bad, setBad] = useState<string | null>(null);
  return (
    <Field id={id} label={props.label} hint={props.hint} error={bad ? t("field.badJson", { message: bad }) : props.error}>
      <textarea
        id={id}
        rows={props.rows ?? 4}
        className="dz-mono"
        value={text}
        aria-invalid={bad || props.error ? true : undefined}
        onChange={(e) => {
          setText(e.target.value);
          if (e.target.value.trim() === "") {
            setBad(null);
            props.onChange(undefined);
            return;
          }
          try {
            props.onChange(JSON.parse(e.target.value));
            setBad(null);
          } catch (err) {
            setBad((err as Error).message);
          }
        }}
      />
    </Field>
  );
}

// A button that asks before doing something destructive. The dialog says what
// will happen; an optional phrase must be typed to enable the confirm button.
import { useId, useRef, useState, type ReactNode } from "react";
import { useT } from "../lib/prefs";

export function ConfirmButton({
  children,
  title,
  body,
  confirmLabel,
  onConfirm,
  phrase,
  disabled,
  danger = true,
}: {
  children: ReactNode;
  title: string;
  body: ReactNode;
  confirmLabel: string;
  onConfirm: (typed: string) => void;
  phrase?: string;
  disabled?: boolean;
  danger?: boolean;
}) {
  const t = useT();
  const ref = useRef<HTMLDialogElement>(null);
  const uid = useId();
  const [typed, setTyped] = useState("");
  return (
    <>
      <button type="button" className={danger ? "danger-btn" : undefined} disabled={disabled} onClick={() => ref.current?.showModal()}>
        {children}
      </button>
      <dialog ref={ref} aria-labelledby={`${uid}-t`} aria-describedby={`${uid}-b`} onClose={() => setTyped("")}>
        <h2 id={`${uid}-t`}>{title}</h2>
        <div id={`${uid}-b`}>{body}</div>
        {phrase ? (
          <>
            <label htmlFor={`${uid}-p`}>
              {t("confirm.type")} <code>{phrase}</code>
            </label>
            <input id={`${uid}-p`} value={typed} onChange={(e) => setTyped(e.target.value)} autoComplete="off" />
          </>
        ) : null}
        <div className="row" style={{ marginTop: "1rem", justifyContent: "flex-end" }}>
          <button type="button" onClick={() => ref.current?.close()} autoFocus>
            {t("confirm.keep")}
          </button>
          <button
            type="button"
            className={danger ? "danger-btn" : "primary"}
            disabled={phrase !== undefined && typed !== phrase}
            onClick={() => {
              const value = typed;
              ref.current?.close();
              onConfirm(value);
            }}
          >
            {confirmLabel}
          </button>
        </div>
      </dialog>
    </>
  );
}

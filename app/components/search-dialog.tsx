// One search box across agents, devices, tasks and templates (⌘K / Ctrl-K, or "/").
import { useNavigate } from "@remix-run/react";
import { useEffect, useId, useRef, useState } from "react";
import { useT } from "../lib/prefs";
import { trpc } from "../lib/trpc.client";

interface Hit {
  group: string;
  label: string;
  detail: string;
  to: string;
}

export function SearchButton() {
  const t = useT();
  const ref = useRef<HTMLDialogElement>(null);
  const input = useRef<HTMLInputElement>(null);
  const uid = useId();
  const navigate = useNavigate();
  const [q, setQ] = useState("");
  const [hits, setHits] = useState<Hit[]>([]);
  const [active, setActive] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);

  const open = () => {
    ref.current?.showModal();
    input.current?.select();
  };

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const typing = e.target instanceof HTMLElement && (e.target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(e.target.tagName));
      if ((e.key === "k" && (e.metaKey || e.ctrlKey)) || (e.key === "/" && !typing)) {
        e.preventDefault();
        open();
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);

  useEffect(() => {
    const term = q.trim();
    if (!term) {
      setHits((h) => (h.length ? [] : h));
      setError(null);
      setLoading(false);
      return;
    }
    let live = true;
    setLoading(true);
    const timer = setTimeout(() => {
      trpc()
        .search.query.query({ q: term, limit: 5 })
        .then((r) => {
          if (!live) return;
          setHits([
            ...r.agents.map((a) => ({ group: t("nav.agents"), label: a.name, detail: t(`status.${a.status}`), to: `/agents/${a.id}` })),
            ...r.devices.map((d) => ({ group: t("nav.devices"), label: d.name, detail: d.host, to: `/devices/${d.id}` })),
            ...r.tasks.map((x) => ({ group: t("nav.tasks"), label: x.name ?? x.id.slice(0, 8), detail: `${x.type} · ${x.status}`, to: `/tasks/${x.id}` })),
            ...r.templates.map((x) => ({ group: t("nav.templates"), label: x.name, detail: x.kind, to: `/templates?id=${x.id}` })),
          ]);
          setActive(0);
          setError(null);
        })
        .catch((e: Error) => live && setError(e.message))
        .finally(() => live && setLoading(false));
    }, 150);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [q, t]);

  const go = (h: Hit | undefined) => {
    if (!h) return;
    ref.current?.close();
    setQ("");
    navigate(h.to);
  };

  return (
    <>
      <button type="button" className="search-trigger" onClick={open} aria-keyshortcuts="Control+K Meta+K /">
        <span aria-hidden="true">⌕</span> {t("search.open")} <kbd>Ctrl K</kbd>
      </button>
      <dialog ref={ref} aria-labelledby={`${uid}-title`} className="search-dialog">
        <h2 id={`${uid}-title`} className="sr-only">
          {t("search.title")}
        </h2>
        <input
          ref={input}
          type="search"
          role="combobox"
          aria-expanded={hits.length > 0}
          aria-controls={`${uid}-list`}
          aria-activedescendant={hits[active] ? `${uid}-opt-${active}` : undefined}
          aria-label={t("search.title")}
          placeholder={t("search.placeholder")}
          value={q}
          onChange={(e) => setQ(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === "ArrowDown") {
              e.preventDefault();
              setActive((a) => Math.min(a + 1, hits.length - 1));
            } else if (e.key === "ArrowUp") {
              e.preventDefault();
              setActive((a) => Math.max(a - 1, 0));
            } else if (e.key === "Enter") {
              e.preventDefault();
              go(hits[active]);
            }
          }}
        />
        {error ? (
          <div className="alert" role="alert">
            {t("search.failed")} {error}
          </div>
        ) : null}
        <ul id={`${uid}-list`} role="listbox" className="search-results" aria-label={t("search.results")}>
          {hits.map((h, i) => (
            <li key={h.to} id={`${uid}-opt-${i}`} role="option" aria-selected={i === active} onMouseEnter={() => setActive(i)} onClick={() => go(h)}>
              <span className="muted">{h.group}</span> <strong>{h.label}</strong> <span className="muted">{h.detail}</span>
            </li>
          ))}
        </ul>
        {q.trim() && !loading && !error && hits.length === 0 ? <p className="muted">{t("search.none")}</p> : null}
        <p className="hint">{t("search.hint")}</p>
      </dialog>
    </>
  );
}

import { Link, useSearchParams } from "@remix-run/react";
import type { ReactNode } from "react";
import { useT } from "../lib/prefs";

/** Title, empty state or table, and a keyset "load more" link. */
export function ListPage<T>({
  title,
  empty,
  items,
  nextCursor,
  columns,
  rowKey,
  actions,
  filters,
  emptyAction,
}: {
  title: string;
  empty: string;
  items: T[];
  nextCursor: string | null;
  columns: Array<{ header: string; cell: (row: T) => ReactNode }>;
  rowKey: (row: T) => string;
  actions?: ReactNode;
  filters?: ReactNode;
  emptyAction?: ReactNode;
}) {
  const t = useT();
  const [params] = useSearchParams();
  const cursor = params.get("cursor");
  const next = new URLSearchParams(params);
  if (nextCursor) next.set("cursor", nextCursor);
  const first = new URLSearchParams(params);
  first.delete("cursor");
  return (
    <>
      <div className="toolbar">
        <h1>{title}</h1>
        {actions}
      </div>
      {filters}
      {items.length === 0 ? (
        <div className="card empty" data-testid="empty">
          <p>{empty}</p>
          {emptyAction}
        </div>
      ) : (
        <table aria-label={title}>
          <thead>
            <tr>
              {columns.map((c, i) => (
                <th key={i}>{c.header}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {items.map((row) => (
              <tr key={rowKey(row)}>
                {columns.map((c, i) => (
                  <td key={i}>{c.cell(row)}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {nextCursor || cursor ? (
        <p className="row">
          {cursor ? (
            <Link className="button" to={`?${first.toString()}`}>
              {t("common.firstPage")}
            </Link>
          ) : null}
          {nextCursor ? (
            <Link className="button" to={`?${next.toString()}`}>
              {t("common.nextPage")}
            </Link>
          ) : null}
        </p>
      ) : null}
    </>
  );
}

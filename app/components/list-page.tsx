import { Link } from "@remix-run/react";
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
}: {
  title: string;
  empty: string;
  items: T[];
  nextCursor: string | null;
  columns: Array<{ header: string; cell: (row: T) => ReactNode }>;
  rowKey: (row: T) => string;
  actions?: ReactNode;
}) {
  const t = useT();
  return (
    <>
      <div className="toolbar">
        <h1>{title}</h1>
        {actions}
      </div>
      {items.length === 0 ? (
        <div className="card empty">
          <p>{empty}</p>
        </div>
      ) : (
        <table aria-label={title}>
          <thead>
            <tr>
              {columns.map((c) => (
                <th key={c.header}>{c.header}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {items.map((row) => (
              <tr key={rowKey(row)}>
                {columns.map((c) => (
                  <td key={c.header}>{c.cell(row)}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {nextCursor ? (
        <p>
          <Link className="button" to={`?cursor=${encodeURIComponent(nextCursor)}`}>
            {t("common.loadMore")}
          </Link>
        </p>
      ) : null}
    </>
  );
}

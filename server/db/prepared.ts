// Hot-path SQL runs as named prepared statements: parsed and planned once per
// pooled connection instead of on every call. Each name must be unique in the
// process and always carry the same text.
export type PreparedQuery = { name: string; text: string; values: unknown[] };

export const prepared =
  (name: string, text: string) =>
  (values: unknown[]): PreparedQuery => ({ name: `switchyard-${name}`, text, values });

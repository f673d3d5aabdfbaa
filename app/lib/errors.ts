// Turns an error thrown by the tRPC server-side caller into what a form shows.
export interface FormError {
  message: string;
  fieldErrors: Record<string, string>;
}

export function formError(err: unknown): FormError {
  const e = err as { message?: string; code?: string; cause?: { issues?: { path: PropertyKey[]; message: string }[]; details?: { fields?: { path: string; message: string }[] } } };
  const fieldErrors: Record<string, string> = {};
  for (const i of e?.cause?.issues ?? []) fieldErrors[i.path.map(String).join(".")] = i.message;
  for (const f of e?.cause?.details?.fields ?? []) fieldErrors[f.path] = f.message;
  const hasFields = Object.keys(fieldErrors).length > 0;
  const message = hasFields && e?.code === "BAD_REQUEST" ? "Please correct the highlighted fields." : (e?.message ?? "Request failed.");
  return { message, fieldErrors };
}

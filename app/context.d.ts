import type { Caller } from "../server/trpc/router";
import type { SessionUser } from "../server/services/auth";

declare module "@remix-run/node" {
  // Single Fetch: loader data keeps its types (Dates stay Dates)
  interface Future {
    v3_singleFetch: true;
  }
  interface AppLoadContext {
    trpc: Caller;
    user: SessionUser | null;
  }
}
export {};

import type { Caller } from "../server/trpc/router";
import type { SessionUser } from "../server/services/auth";

declare module "@remix-run/node" {
  interface AppLoadContext {
    trpc: Caller;
    user: SessionUser | null;
  }
}
export {};

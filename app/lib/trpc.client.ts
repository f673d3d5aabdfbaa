// The browser's tRPC client: batched queries/mutations, and one SSE stream per
// subscription for live data.
import { createTRPCClient, httpBatchLink, httpSubscriptionLink, splitLink } from "@trpc/client";
import superjson from "superjson";
import type { AppRouter } from "../../server/trpc/router";

let client: ReturnType<typeof createTRPCClient<AppRouter>> | undefined;

export function trpc() {
  client ??= createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => op.type === "subscription",
        true: httpSubscriptionLink({ url: "/trpc", transformer: superjson }),
        false: httpBatchLink({ url: "/trpc", transformer: superjson }),
      }),
    ],
  });
  return client;
}

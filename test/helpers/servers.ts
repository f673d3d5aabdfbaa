import { startGrpcServer } from "../../server/grpc/server.ts";
import { createTestApp, startTestServer, TEST_AGENT_KEY } from "./app.ts";
import { grpcAgent, httpAgent, type EmulatedAgent } from "./agent-emulator.ts";

/** A test database, the web role and the grpc role on port 0, and agent factories for both transports. */
export async function startManager(envOverrides: Record<string, string | undefined> = {}) {
  const t = await createTestApp(envOverrides);
  const web = await startTestServer(t.app, { remix: false });
  const grpc = await startGrpcServer(t.app, { host: "127.0.0.1", port: 0 });
  const agents: EmulatedAgent[] = [];
  const agent = (transport: "http" | "grpc", name: string, token: string | null = TEST_AGENT_KEY) => {
    const a = transport === "http" ? httpAgent({ baseUrl: web.url, token, name }) : grpcAgent({ address: `127.0.0.1:${grpc.port}`, token, name });
    agents.push(a);
    return a;
  };
  return {
    ...t,
    web,
    grpc,
    grpcAddress: `127.0.0.1:${grpc.port}`,
    agent,
    async close() {
      for (const a of agents) a.close();
      await grpc.stop(100);
      await web.close();
      await t.close();
    },
  };
}
export type Manager = Awaited<ReturnType<typeof startManager>>;

import type { Env } from "../env.ts";
import { createHttpTransport } from "./http-transport.ts";
import { createGrpcTransport } from "./grpc-transport.ts";
import type { AgentAddress, AgentTransport } from "./transport.ts";

export type TransportFactory = (agent: AgentAddress) => AgentTransport;

/** The transport follows the agent's saved report mode. */
export function createTransportFactory(env: Pick<Env, "AGENT_API_KEY" | "AGENT_CALL_TIMEOUT" | "MANAGER_GRPC_MAX_MESSAGE_BYTES">): TransportFactory {
  const opts = { token: env.AGENT_API_KEY, timeoutMs: env.AGENT_CALL_TIMEOUT, maxMessageBytes: env.MANAGER_GRPC_MAX_MESSAGE_BYTES };
  return (agent) => (agent.reportMode === "grpc" ? createGrpcTransport(agent, opts) : createHttpTransport(agent, opts));
}

export type { AgentAddress, AgentTransport } from "./transport.ts";

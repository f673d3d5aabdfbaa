// The grpc role: grpc-js serving the agent reporting contract
// (rauto.manager.v1.AgentReportingService) on its own port.
import path from "node:path";
import { fileURLToPath } from "node:url";
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import type { AppContext } from "../app-context.ts";
import { createReportingHandlers } from "./reporting.ts";

export const PROTO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../proto");

export const PROTO_LOADER_OPTIONS: protoLoader.Options = {
  keepCase: true,
  longs: String,
  enums: String,
  defaults: false,
  oneofs: true,
  includeDirs: [PROTO_ROOT],
};

export function loadProto(file: string) {
  const def = protoLoader.loadSync(path.join(PROTO_ROOT, file), PROTO_LOADER_OPTIONS);
  return grpc.loadPackageDefinition(def);
}

export interface GrpcHandle {
  server: grpc.Server;
  port: number;
  stop: (graceMs: number) => Promise<void>;
}

export async function startGrpcServer(app: AppContext, opts: { host: string; port: number }): Promise<GrpcHandle> {
  const max = app.env.MANAGER_GRPC_MAX_MESSAGE_BYTES;
  const server = new grpc.Server({
    "grpc.max_receive_message_length": max,
    "grpc.max_send_message_length": max,
  });
  const pkg = loadProto("rauto/manager/v1/agent_reporting.proto") as unknown as {
    rauto: { manager: { v1: { AgentReportingService: grpc.ServiceClientConstructor } } };
  };
  server.addService(pkg.rauto.manager.v1.AgentReportingService.service, createReportingHandlers(app));
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(`${opts.host}:${opts.port}`, grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
  );
  return {
    server,
    port,
    stop: (graceMs) =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          server.forceShutdown();
          resolve();
        }, graceMs);
        timer.unref();
        server.tryShutdown(() => {
          clearTimeout(timer);
          resolve();
        });
      }),
  };
}

// The host's gRPC connection to one plugin process: one HTTP/2 session over the Unix socket
// the plugin named in its handshake, shared by the clients of every service the plugin
// serves. Every call carries the per-start token.
import { createConnection } from "node:net";
import { type Client, createClient } from "@connectrpc/connect";
import {
  AUTHORIZATION_HEADER,
  GRPCController,
  Health,
  PluginHooks,
  PluginHTTP,
} from "@plugwire/protocol";
import { createLeanGrpcTransport } from "@plugwire/protocol/grpc";

export interface PluginConnection {
  readonly hooks: Client<typeof PluginHooks>;
  /** ServeHTTP for requests that arrive whole; plugins without it answer Unimplemented. */
  readonly http: Client<typeof PluginHTTP>;
  readonly health: Client<typeof Health>;
  readonly controller: Client<typeof GRPCController>;
  /** Closes the session and every open stream. */
  close(): void;
}

/** Connects lazily: the session opens on the first call. */
export function connectToPlugin(socketPath: string, token: string): PluginConnection {
  // The authority is only a name: the session runs over the socket createConnection opens.
  const transport = createLeanGrpcTransport({
    baseUrl: "http://plugin",
    createConnection: () => createConnection(socketPath),
    header: { [AUTHORIZATION_HEADER]: `Bearer ${token}` },
  });
  return {
    hooks: createClient(PluginHooks, transport),
    http: createClient(PluginHTTP, transport),
    health: createClient(Health, transport),
    controller: createClient(GRPCController, transport),
    close: () => transport.close(),
  };
}

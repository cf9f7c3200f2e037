// The host's gRPC connection to one plugin process: one HTTP/2 session over the Unix socket
// the plugin named in its handshake, shared by the clients of every service the plugin
// serves, and for a plugin of protocol version 2 the call channel on a connection of its own
// beside it, which carries the small unary calls (hooks, ServeHTTP of small requests). Every
// call carries the per-start token.
import { createConnection } from "node:net";
import { type Client, createClient } from "@connectrpc/connect";
import {
  AUTHORIZATION_HEADER,
  GRPCController,
  Health,
  PluginHooks,
  PluginHTTP,
} from "@plugwire/protocol";
import { createLeanGrpcTransport, directChannelPath } from "@plugwire/protocol/grpc";

export interface PluginConnection {
  readonly hooks: Client<typeof PluginHooks>;
  /** ServeHTTP for requests that arrive whole; plugins without it answer Unimplemented. */
  readonly http: Client<typeof PluginHTTP>;
  readonly health: Client<typeof Health>;
  readonly controller: Client<typeof GRPCController>;
  /** Closes the session and every open stream. */
  close(): void;
}

export interface PluginConnectionOptions {
  /** Whether the plugin's server takes the call channel straight on a connection (version 2). */
  directChannel?: boolean;
}

/** Connects lazily: the session opens on the first call. */
export function connectToPlugin(
  socketPath: string,
  token: string,
  options: PluginConnectionOptions = {},
): PluginConnection {
  // The authority is only a name: the session runs over the socket createConnection opens.
  const transport = createLeanGrpcTransport({
    baseUrl: "http://plugin",
    createConnection: () => createConnection(socketPath),
    header: { [AUTHORIZATION_HEADER]: `Bearer ${token}` },
    directChannel:
      options.directChannel === true
        ? () => createConnection(directChannelPath(socketPath))
        : undefined,
  });
  return {
    hooks: createClient(PluginHooks, transport),
    http: createClient(PluginHTTP, transport),
    health: createClient(Health, transport),
    controller: createClient(GRPCController, transport),
    close: () => transport.close(),
  };
}

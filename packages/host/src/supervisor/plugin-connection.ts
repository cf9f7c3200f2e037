// The host's gRPC connection to one plugin process: one HTTP/2 session over the Unix socket
// the plugin named in its handshake, shared by the clients of every service the plugin
// serves. Every call carries the per-start token.
import { createConnection } from "node:net";
import { type Client, createClient, type Interceptor } from "@connectrpc/connect";
import { createGrpcTransport, Http2SessionManager } from "@connectrpc/connect-node";
import { AUTHORIZATION_HEADER, GRPCController, Health, PluginHooks } from "@plugwire/protocol";

export interface PluginConnection {
  readonly hooks: Client<typeof PluginHooks>;
  readonly health: Client<typeof Health>;
  readonly controller: Client<typeof GRPCController>;
  /** Closes the session and every open stream. */
  close(): void;
}

/** Connects lazily: the session opens on the first call. */
export function connectToPlugin(socketPath: string, token: string): PluginConnection {
  // The authority is only a name: the session runs over the socket createConnection opens.
  const sessions = new Http2SessionManager("http://plugin", undefined, {
    createConnection: () => createConnection(socketPath),
  });
  const authorize: Interceptor = (next) => (request) => {
    request.header.set(AUTHORIZATION_HEADER, `Bearer ${token}`);
    return next(request);
  };
  const transport = createGrpcTransport({
    baseUrl: "http://plugin",
    sessionManager: sessions,
    interceptors: [authorize],
  });
  return {
    hooks: createClient(PluginHooks, transport),
    health: createClient(Health, transport),
    controller: createClient(GRPCController, transport),
    close: () => sessions.abort(),
  };
}

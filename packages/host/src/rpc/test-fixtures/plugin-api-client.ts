// A PluginAPI client over a Unix socket, as a plugin would hold one, for tests of the server.

import { connect } from "node:net";
import { type Client, createClient, type Interceptor } from "@connectrpc/connect";
import { createGrpcTransport, Http2SessionManager } from "@connectrpc/connect-node";
import { withPluginAPIErrors } from "@plugwire/errors";
import { AUTHORIZATION_HEADER, PluginAPI } from "@plugwire/protocol";

export interface PluginApiConnection {
  /** Throws the @plugwire/errors class the server sent. */
  client: Client<typeof PluginAPI>;
  close(): void;
}

/** Connects to socketPath; `authorization` is sent as the header's value when given. */
export function connectPluginApi(socketPath: string, authorization?: string): PluginApiConnection {
  const baseUrl = "http://localhost";
  const sessions = new Http2SessionManager(baseUrl, undefined, {
    createConnection: () => connect(socketPath),
  });
  const sendAuthorization: Interceptor = (next) => (request) => {
    if (authorization !== undefined) {
      request.header.set(AUTHORIZATION_HEADER, authorization);
    }
    return next(request);
  };
  const transport = createGrpcTransport({
    baseUrl,
    sessionManager: sessions,
    interceptors: [sendAuthorization],
  });
  return {
    client: withPluginAPIErrors(createClient(PluginAPI, transport)),
    close: () => sessions.abort(),
  };
}

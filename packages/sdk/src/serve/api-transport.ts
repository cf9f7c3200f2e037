// The connection to the host's PluginAPI: gRPC over HTTP/2 on the Unix socket named by
// PLUGWIRE_API_TARGET, one session shared by every call.
import { connect } from "node:net";
import type { Transport } from "@connectrpc/connect";
import { createGrpcTransport, Http2SessionManager } from "@connectrpc/connect-node";
import { PluginEnv } from "@plugwire/protocol";

/** A gRPC transport to a "unix:<path>" target, and a way to close its connection. */
export interface UnixTransport {
  transport: Transport;
  close(): void;
}

/** Connects (lazily, on the first call) to a "unix:<absolute path>" target. */
export function unixSocketTransport(target: string): UnixTransport {
  const path = target.startsWith("unix:") ? target.slice("unix:".length) : "";
  if (!path.startsWith("/")) {
    throw new Error(
      `${PluginEnv.apiTarget} must be "unix:<absolute socket path>", got ${JSON.stringify(target)}`,
    );
  }
  // The URL only fills the :authority header; the socket is what connects.
  const baseUrl = "http://localhost";
  const sessionManager = new Http2SessionManager(baseUrl, undefined, {
    createConnection: () => connect(path),
  });
  return {
    transport: createGrpcTransport({ baseUrl, sessionManager }),
    close: () => sessionManager.abort(),
  };
}

// The connection to the host's PluginAPI: gRPC over HTTP/2 on the Unix socket named by
// PLUGWIRE_API_TARGET. Unary calls take the lean path (grpc/lean-grpc-transport.ts), all on
// one session; streaming calls take Connect's transport on a session of their own.
import { connect } from "node:net";
import type { Transport } from "@connectrpc/connect";
import { PluginEnv } from "@plugwire/protocol";
import { createLeanGrpcTransport } from "@plugwire/protocol/grpc";
import { bearerHeaders } from "../bearer-token.js";

/** A gRPC transport to a "unix:<path>" target, and a way to close its connection. */
export interface UnixTransport {
  transport: Transport;
  close(): void;
}

/**
 * Connects (lazily, on the first call) to a "unix:<absolute path>" target. With `token`, every
 * call carries it as "authorization: Bearer <token>".
 */
export function unixSocketTransport(target: string, token?: string): UnixTransport {
  const path = target.startsWith("unix:") ? target.slice("unix:".length) : "";
  if (!path.startsWith("/")) {
    throw new Error(
      `${PluginEnv.apiTarget} must be "unix:<absolute socket path>", got ${JSON.stringify(target)}`,
    );
  }
  const transport = createLeanGrpcTransport({
    // The URL only fills the :authority header; the socket is what connects.
    baseUrl: "http://localhost",
    createConnection: () => connect(path),
    header: token === undefined ? undefined : bearerHeaders(token),
  });
  return { transport, close: () => transport.close() };
}

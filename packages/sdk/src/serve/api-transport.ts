// The connection to the host's PluginAPI: gRPC over HTTP/2 on the Unix socket named by
// PLUGWIRE_API_TARGET, all calls on one session, and with a host of protocol version 2 the
// small unary calls on the call channel straight on a connection of its own beside it
// (grpc/lean-grpc-transport.ts).
import { connect } from "node:net";
import type { Transport } from "@connectrpc/connect";
import { PluginEnv } from "@plugwire/protocol";
import { createLeanGrpcTransport, directChannelPath } from "@plugwire/protocol/grpc";
import { bearerHeaders } from "../bearer-token.js";

/** A gRPC transport to a "unix:<path>" target, and a way to close its connection. */
export interface UnixTransport {
  transport: Transport;
  close(): void;
}

/**
 * Connects (lazily, on the first call) to a "unix:<absolute path>" target. With `token`, every
 * call carries it as "authorization: Bearer <token>". With `directChannel`, the host's server
 * takes the call channel straight on a connection (protocol version 2).
 */
export function unixSocketTransport(
  target: string,
  token?: string,
  directChannel = false,
): UnixTransport {
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
    directChannel: directChannel ? () => connect(directChannelPath(path)) : undefined,
  });
  return { transport, close: () => transport.close() };
}

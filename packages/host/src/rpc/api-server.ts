// The PluginAPI server of one plugin: gRPC over HTTP/2 on a Unix socket that only the host's
// user may open, and the call channel straight on a connection, on a socket beside it, for
// plugins of protocol version 2; both answer only calls that carry the plugin's token. Every error leaves as a
// gRPC status with a plugwire.v1.ErrorDetail, so the plugin gets back the class it was.

import { chmod } from "node:fs/promises";
import type * as http2 from "node:http2";
import type { Server } from "node:net";
import type { ServiceImpl } from "@connectrpc/connect";
import { InternalError, toConnectError, ValidationError } from "@plugwire/errors";
import { PluginAPI } from "@plugwire/protocol";
import { createGrpcServer, directChannelPath } from "@plugwire/protocol/grpc";
import { requireToken } from "./token-auth.js";

/** Largest message the server reads unless told otherwise: gRPC's customary 4 MiB. */
export const DEFAULT_MAX_MESSAGE_BYTES = 4 * 1024 * 1024;

type PluginApiImpl = Partial<ServiceImpl<typeof PluginAPI>>;

export interface PluginApiServerOptions {
  /** The Unix socket to listen on; Linux limits its path to 107 bytes. */
  socketPath: string;
  /** The plugin's per-start token, expected as "authorization: Bearer <token>". */
  token: string;
  /**
   * The implementation, usually createPluginApiService(deps); methods left out answer
   * Unimplemented. A function is called when the plugin first connects: a plugin that makes no
   * API call at start then costs no implementation of about 200 methods at start.
   */
  service: PluginApiImpl | (() => PluginApiImpl);
  /** Largest request message, in bytes; DEFAULT_MAX_MESSAGE_BYTES unless set. */
  maxMessageBytes?: number;
}

export interface PluginApiServer {
  /** Stops listening and ends every open connection, calls in flight included. */
  close(): Promise<void>;
}

export async function startPluginApiServer(
  options: PluginApiServerOptions,
): Promise<PluginApiServer> {
  if (!options.token) {
    throw new ValidationError({
      id: "api.server.empty_token",
      message: "The PluginAPI server needs a non-empty token; generate one per plugin start.",
      params: { field: "token" },
    });
  }
  const { service } = options;
  const server = createGrpcServer({
    routes: (router) =>
      router.service(PluginAPI, typeof service === "function" ? service() : service),
    routesOnFirstConnection: typeof service === "function",
    readMaxBytes: options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES,
    authorize: requireToken(options.token),
    errorFor: toConnectError,
  });
  const sessions = new Set<http2.ServerHttp2Session>();
  server.on("session", (session) => {
    sessions.add(session);
    session.once("close", () => sessions.delete(session));
  });

  const directPath = directChannelPath(options.socketPath);
  await listen(server, options.socketPath);
  try {
    await listen(server.directChannel, directPath);
  } catch (reason) {
    server.close();
    throw reason;
  }
  // The socket's folder is private to the host already; this keeps the sockets so wherever it is.
  await chmod(options.socketPath, 0o600);
  await chmod(directPath, 0o600);

  return {
    close: () =>
      new Promise<void>((resolve) => {
        let open = 2;
        const closed = () => --open === 0 && resolve();
        server.close(closed);
        server.directChannel.close(closed);
        for (const session of sessions) {
          session.destroy();
        }
        for (const socket of server.directConnections) {
          socket.destroy();
        }
      }),
  };
}

/** Listens at `socketPath`, or says why it can't. */
function listen(server: Server, socketPath: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once("error", (error: NodeJS.ErrnoException) =>
      reject(
        new InternalError({
          id: "api.server.listen_failed",
          message: `The PluginAPI server can't listen on ${socketPath}: ${error.message}. ${
            error.code === "EADDRINUSE"
              ? "Another server uses the socket, or a stale socket file is left there; remove it or choose another path."
              : "Check that the folder exists, is writable and the path is at most 107 bytes long."
          }`,
          cause: error,
        }),
      ),
    );
    server.listen(socketPath, resolve);
  });
}

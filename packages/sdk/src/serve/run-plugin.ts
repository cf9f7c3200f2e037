// runPlugin: the process around a plugin, after go-plugin's server. It checks that a host
// started the process, serves the plugin's hooks and go-plugin's services on a Unix socket,
// prints the handshake as the first line of stdout, and exits on Shutdown, on SIGTERM, or when
// the host is gone.
import { writeSync } from "node:fs";
import type * as http2 from "node:http2";
import type { Server } from "node:net";
import { join } from "node:path";
import { toConnectError, UnauthenticatedError } from "@plugwire/errors";
import {
  AUTHORIZATION_HEADER,
  DIRECT_CHANNEL_PROTOCOL_VERSION,
  formatHandshake,
  GRPCController,
  Health,
} from "@plugwire/protocol";
import { createGrpcServer, directChannelPath } from "@plugwire/protocol/grpc";
import { createPluginRoutes } from "../hooks/plugin-routes.js";
import { jsonLineSink } from "../logger/json-line-sink.js";
import { loadManifest } from "../plugin/manifest.js";
import type { PluginClass } from "../plugin/plugin.js";
import { unixSocketTransport } from "./api-transport.js";
import { goPluginRoutes } from "./go-plugin-services.js";
import { onHostGone } from "./host-lifeline.js";
import { InFlightCalls } from "./in-flight-calls.js";
import { notStartedByHostMessage, readPluginEnv, startedByHost } from "./plugin-env.js";
import { processStdio } from "./stdio-relay.js";

/** Longest Unix socket path Linux accepts (sun_path is 108 bytes with the final NUL). */
const maxSocketPathBytes = 107;

/** How long a shutdown waits for this.cluster to free its locks. */
const clusterReleaseMs = 500;
/** How long a shutdown waits for calls in flight before the process exits anyway. */
const shutdownGraceMs = 2_000;
/**
 * Once the last call has returned, how long its answer has to leave before the process exits:
 * the host's connections (and the call channel on them) stay open, so their close cannot say.
 */
const answerFlushMs = 20;

/**
 * Runs a plugin as the host expects: call it once, at the end of the plugin's entry module.
 * Run by hand (without the host's magic cookie), it explains that on stderr and exits with 1;
 * a start that fails (bad environment, socket, constructor error) exits with 1 too.
 */
export function runPlugin(pluginClass: PluginClass): void {
  if (!startedByHost(process.env)) {
    process.stderr.write(notStartedByHostMessage);
    process.exit(1);
  }
  serve(pluginClass).catch((reason: unknown) => {
    const message = reason instanceof Error ? reason.message : String(reason);
    process.stderr.write(`plugin failed to start: ${message}\n`);
    process.exit(1);
  });
}

async function serve(pluginClass: PluginClass): Promise<void> {
  const env = readPluginEnv(process.env);
  const socketPath = join(env.socketDir, `plugin-${process.pid}.sock`);
  if (Buffer.byteLength(socketPath) > maxSocketPathBytes) {
    throw new Error(
      `the socket path ${socketPath} is longer than ${maxSocketPathBytes} bytes; the host must pass a shorter PLUGIN_UNIX_SOCKET_DIR`,
    );
  }
  // The token rides on the transport and is checked by the server for every call, rather
  // than by an interceptor on each service and a header on each call.
  const api = unixSocketTransport(
    env.apiTarget,
    env.token,
    env.protocolVersion >= DIRECT_CHANNEL_PROTOCOL_VERSION,
  );
  const { routes, plugin } = createPluginRoutes(pluginClass, {
    api: api.transport,
    logSink: jsonLineSink(),
    logLevel: env.logLevel,
    manifest: await loadManifest(process.cwd(), env.pluginId),
  });

  const sessions = new Set<http2.ServerHttp2Session>();
  const calls = new InFlightCalls();
  let stopping = false;
  const stop = () => {
    if (stopping) {
      return;
    }
    stopping = true;
    const exit = () => process.exit(0);
    processStdio.close();
    // Locks and jobs of this.cluster are let go while the host still answers (at most 500 ms).
    const released = Promise.race([
      plugin.cluster.close(),
      new Promise((resolve) => setTimeout(resolve, clusterReleaseMs).unref()),
    ]).finally(() => api.close());
    // Graceful: no new connections or streams; the calls in flight finish (within the grace
    // period) and are answered, then the process exits without waiting for the host to hang
    // up. Not on the servers' close: calls on a direct channel's connection, which the host
    // keeps open, are counted only by `calls`.
    server.close();
    server.directChannel.close();
    for (const session of sessions) {
      session.close();
    }
    void Promise.all([calls.whenIdle(), released]).then(() => setTimeout(exit, answerFlushMs));
    setTimeout(exit, shutdownGraceMs).unref();
  };

  const server = createGrpcServer({
    routes: (router) => {
      const counted = calls.router(router);
      routes(counted);
      goPluginRoutes(counted, { interceptors: [], stdio: processStdio, onShutdown: stop });
    },
    authorize: requireHostToken(env.token),
  });
  server.on("session", (session) => {
    sessions.add(session);
    session.once("close", () => sessions.delete(session));
  });
  const direct = env.protocolVersion >= DIRECT_CHANNEL_PROTOCOL_VERSION;
  await listen(server, socketPath);
  if (direct) {
    await listen(server.directChannel, directChannelPath(socketPath));
  }

  // Before the handshake: once it is out, the host may stop the plugin at any moment.
  process.on("SIGTERM", stop);
  // Like go-plugin: Ctrl-C in a terminal reaches the whole process group, and the host, not
  // each plugin, decides how its plugins stop.
  process.on("SIGINT", () => {});
  onHostGone(stop);

  // Straight to file descriptor 1: process.stdout is redirected to stderr (see stdio-relay.ts).
  writeSync(1, `${formatHandshake(socketPath, env.protocolVersion)}\n`);
}

/** Listens at `path`; rejects with the error that stops it. */
function listen(server: Server, path: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(path, () => {
      server.off("error", reject);
      resolve();
    });
  });
}

/**
 * The calls answered without the token, as a stock go-plugin host makes them: they reveal
 * nothing, and a host that started the process may stop it anyway.
 */
const openPaths: ReadonlySet<string> = new Set([
  `/${Health.typeName}/${Health.method.check.name}`,
  `/${GRPCController.typeName}/${GRPCController.method.shutdown.name}`,
]);

/**
 * Refuses, with Unauthenticated, every call that lacks the host's token, but for openPaths. A
 * plain comparison is enough: the socket sits in a folder only the host's user can open, so
 * nobody can time it.
 */
function requireHostToken(token: string): (header: http2.IncomingHttpHeaders) => void {
  const expected = `Bearer ${token}`;
  return (header) => {
    if (header[AUTHORIZATION_HEADER] !== expected && !openPaths.has(header[":path"] ?? "")) {
      const where = (header[":path"] ?? "").slice(1).replace("/", ".");
      throw toConnectError(
        new UnauthenticatedError({
          message: `${where}: this plugin answers only the host that started it, and the call did not carry that host's token`,
          where,
        }),
      );
    }
  };
}

// The plugin side of the supervisor tests, speaking the wire protocol directly (no SDK): it
// checks the magic cookie, serves grpc.health.v1.Health, plugwire.v1.PluginHooks and
// plugin.GRPCController on a Unix socket in PLUGIN_UNIX_SOCKET_DIR, refuses every call that
// lacks the per-start token, and prints the handshake line. Each fixture passes its behaviour.
import { createServer } from "node:http2";
import { join } from "node:path";
import { Code, ConnectError } from "@connectrpc/connect";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import { serverErrorInterceptor } from "@plugwire/errors";
import {
  AUTHORIZATION_HEADER,
  CheckResponse_ServingStatus,
  formatHandshake,
  GRPCController,
  HEALTH_SERVICE_NAME,
  Health,
  MAGIC_COOKIE_KEY,
  MAGIC_COOKIE_VALUE,
  PluginEnv,
  PluginHooks,
} from "@plugwire/protocol";

/** Writes one structured log line to stderr, as the SDK's logger does. */
export function log(level, msg, fields = {}) {
  const line = JSON.stringify({ level, msg, time: new Date().toISOString(), ...fields });
  process.stderr.write(`${line}\n`);
}

/**
 * Serves the plugin and prints the handshake.
 * - hooks: handlers by generated method name (e.g. onActivate); Implemented names them all;
 * - unlisted: handlers that are served but that Implemented does not name;
 * - isServing: what the health check reports (a boolean, or a promise of one);
 * - exitOnShutdown: whether GRPCController/Shutdown ends the process;
 * - handshake: the line printed for the socket path, formatHandshake's by default.
 */
export async function servePlugin({
  hooks = {},
  unlisted = {},
  isServing = () => true,
  exitOnShutdown = true,
  handshake = formatHandshake,
} = {}) {
  if (process.env[MAGIC_COOKIE_KEY] !== MAGIC_COOKIE_VALUE) {
    process.stderr.write("This is a Plugwire plugin: only a Plugwire host can start it.\n");
    process.exit(1);
  }
  const expected = `Bearer ${process.env[PluginEnv.apiToken]}`;
  const requireToken = (next) => (request) => {
    if (request.header.get(AUTHORIZATION_HEADER) !== expected) {
      throw new ConnectError("missing or wrong token", Code.Unauthenticated);
    }
    return next(request);
  };
  const names = Object.keys(hooks).map((name) => name[0].toUpperCase() + name.slice(1));
  const routes = (router) => {
    router.service(Health, {
      check: async ({ service }) => ({
        status:
          service === HEALTH_SERVICE_NAME && (await isServing())
            ? CheckResponse_ServingStatus.SERVING
            : CheckResponse_ServingStatus.NOT_SERVING,
      }),
    });
    router.service(PluginHooks, { implemented: () => ({ hooks: names }), ...hooks, ...unlisted });
    router.service(GRPCController, {
      shutdown: () => {
        if (exitOnShutdown) {
          setTimeout(() => process.exit(0), 10);
        }
        return {};
      },
    });
  };
  const server = createServer(
    connectNodeAdapter({ routes, interceptors: [requireToken, serverErrorInterceptor] }),
  );
  const socketPath = join(process.env[PluginEnv.unixSocketDir], "plugin.sock");
  await new Promise((resolve) => server.listen(socketPath, resolve));
  log("debug", "started", { pid: process.pid });
  process.stdout.write(`${handshake(socketPath)}\n`);
}

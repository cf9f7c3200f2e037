// A plugin written from docs/protocol.md alone, with the stock gRPC library (@grpc/grpc-js and
// @grpc/proto-loader loading the repository's proto files), and no Plugwire package: the proof
// that the document is the whole contract. It stamps every new post, keeps the server version
// and a count of activations in its KV store, and answers "echo please" with a reply.
import { fstatSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";

const MAGIC_COOKIE = "6f0c9a2e4b1d4e8fa3c7plugwire";
const STAMP = " [stock-grpc]";

const env = process.env;
if (env.PLUGWIRE_PLUGIN_MAGIC_COOKIE !== MAGIC_COOKIE) {
  process.stderr.write(
    "This is a Plugwire plugin: it is started by a Plugwire host, not run by hand.\n",
  );
  process.exit(1);
}
if (!(env.PLUGIN_PROTOCOL_VERSIONS ?? "").split(",").includes("1")) {
  process.stderr.write(
    `The host speaks protocol versions ${env.PLUGIN_PROTOCOL_VERSIONS}, not 1.\n`,
  );
  process.exit(1);
}

const protoRoot = fileURLToPath(new URL("../../../../proto/", import.meta.url));
const definition = protoLoader.loadSync(
  [
    "plugwire/v1/hooks.proto",
    "plugwire/v1/api.proto",
    "grpc/health/v1/health.proto",
    "plugin/grpc_controller.proto",
  ],
  { includeDirs: [protoRoot], keepCase: true, longs: String, defaults: true, oneofs: true },
);
const loaded = grpc.loadPackageDefinition(definition);
const { PluginHooks, PluginAPI } = loaded.plugwire.v1;
const { Health } = loaded.grpc.health.v1;
const { GRPCController } = loaded.plugin;

const levels = ["debug", "info", "warn", "error"];
const lowestLevel = Math.max(0, levels.indexOf(env.PLUGWIRE_LOG_LEVEL));

/** One JSON log line, after the handshake (stdout is the plugin's log from then on). */
function log(level, msg, fields = {}) {
  if (levels.indexOf(level) < lowestLevel) return;
  process.stdout.write(
    `${JSON.stringify({ level, msg, time: new Date().toISOString(), ...fields })}\n`,
  );
}

const token = env.PLUGWIRE_API_TOKEN;
const bearer = `Bearer ${token}`;
const callCredentials = () => {
  const metadata = new grpc.Metadata();
  metadata.set("authorization", bearer);
  return metadata;
};

const api = new PluginAPI(env.PLUGWIRE_API_TARGET, grpc.credentials.createInsecure());
function callApi(method, request) {
  return new Promise((resolve, reject) => {
    api[method](request, callCredentials(), (error, response) =>
      error ? reject(error) : resolve(response),
    );
  });
}

/** Wraps a hook: the host's token or Unauthenticated; a thrown error becomes Internal. */
function hook(handler) {
  return (call, callback) => {
    if (call.metadata.get("authorization")[0] !== bearer) {
      callback({ code: grpc.status.UNAUTHENTICATED, details: "missing or wrong token" });
      return;
    }
    Promise.resolve()
      .then(() => handler(call.request))
      .then(
        (response) => callback(null, response),
        (error) =>
          callback({ code: grpc.status.INTERNAL, details: String(error?.message ?? error) }),
      );
  };
}

const server = new grpc.Server();
server.addService(Health.service, {
  Check: (call, callback) => {
    log("debug", `health check of "${call.request.service}"`);
    callback(null, { status: 1 /* SERVING */ });
  },
});
server.addService(GRPCController.service, {
  Shutdown: (_call, callback) => {
    callback(null, {});
    log("info", "shutting down");
    // Let the answer leave before the process ends.
    setTimeout(() => process.exit(0), 50);
  },
});
server.addService(PluginHooks.service, {
  Implemented: hook(() => ({
    hooks: ["OnActivate", "OnDeactivate", "MessageWillBePosted", "MessageHasBeenPosted"],
  })),
  OnActivate: hook(async () => {
    const { version } = await callApi("GetServerVersion", {});
    await callApi("KVSet", { key: "server-version", value: Buffer.from(version) });
    log("info", "activated", { server_version: version });
    return {};
  }),
  OnDeactivate: hook(() => {
    log("info", "deactivating");
    return {};
  }),
  MessageWillBePosted: hook(({ post }) => {
    if (post.message.endsWith(STAMP)) return { decision: { allow: {} } };
    return { decision: { modify: { ...post, message: `${post.message}${STAMP}` } } };
  }),
  MessageHasBeenPosted: hook(async ({ post }) => {
    if (!post.message.startsWith("echo please")) return {};
    await callApi("CreatePost", {
      post: {
        user_id: post.user_id,
        channel_id: post.channel_id,
        root_id: post.id,
        message: "echoed",
      },
    });
    return {};
  }),
});

const socketPath = join(env.PLUGIN_UNIX_SOCKET_DIR, `plugin-${process.pid}.sock`);
server.bindAsync(`unix:${socketPath}`, grpc.ServerCredentials.createInsecure(), (error) => {
  if (error) {
    process.stderr.write(`cannot listen on ${socketPath}: ${error.message}\n`);
    process.exit(1);
  }
  process.stdout.write(`1|1|unix|${socketPath}|grpc\n`);
  log("info", `listening on ${socketPath}`);
});

// The stdin lifeline: the host never writes or closes it, so its end means the host is gone.
// A pipe here is a FIFO or a Unix socket (what the host's Node gives a child).
const stdin = fstatSync(0);
if (stdin.isFIFO() || stdin.isSocket()) {
  process.stdin.on("end", () => process.exit(0));
  process.stdin.on("error", () => process.exit(0));
  process.stdin.resume();
}
process.on("SIGINT", () => {});
process.on("SIGTERM", () => process.exit(0));

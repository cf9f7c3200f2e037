// A plugin written from docs/protocol.md alone with the stock gRPC library (@grpc/grpc-js and
// @grpc/proto-loader over the repository's proto files), no Plugwire package, run by a real
// host: the document is the whole contract. The spec talks to the plugin's socket with the same
// stock library, as a stock go-plugin host would.
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { create } from "@bufbuild/protobuf";
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import { ChannelSchema, PostSchema, TeamSchema, UserSchema } from "@plugwire/protocol";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Host } from "../../src/host.js";
import type { PluginSupervisor } from "../../src/supervisor/supervisor.js";
import { startTestHost, type TestHost } from "../../src/test-fixtures/test-host.js";

const PLUGIN_ID = "test.stock-grpc";
const STAMP = " [stock-grpc]";
const pluginDir = fileURLToPath(new URL("../../test-fixtures/stock-grpc", import.meta.url));
const protoRoot = fileURLToPath(new URL("../../../../proto/", import.meta.url));
const GRACE_PERIOD_MS = 10_000;

let testHost: TestHost;

const definition = protoLoader.loadSync(
  ["plugwire/v1/hooks.proto", "grpc/health/v1/health.proto"],
  { includeDirs: [protoRoot], keepCase: true, defaults: true },
);

/** One unary call to the plugin's socket with the stock client, with or without metadata. */
function callPlugin(
  socketPath: string,
  service: string,
  method: string,
  request: object,
  metadata = new grpc.Metadata(),
): Promise<Record<string, unknown>> {
  const methodDefinition = (definition[service] as grpc.ServiceDefinition)[method];
  if (methodDefinition === undefined) throw new Error(`no method ${service}/${method}`);
  const client = new grpc.Client(`unix:${socketPath}`, grpc.credentials.createInsecure());
  return new Promise<Record<string, unknown>>((resolve, reject) => {
    client.makeUnaryRequest(
      methodDefinition.path,
      methodDefinition.requestSerialize,
      methodDefinition.responseDeserialize,
      request,
      metadata,
      (error, response) => (error ? reject(error) : resolve(response as Record<string, unknown>)),
    );
  }).finally(() => client.close());
}

function socketPathOf(messages: string[]): string {
  const listening = messages.find((msg) => msg.startsWith("listening on "));
  if (listening === undefined)
    throw new Error(`the plugin logged no socket: ${messages.join("; ")}`);
  return listening.slice("listening on ".length);
}

async function channelWithAuthor() {
  const { app } = testHost.host;
  const user = await app.createUser(
    {},
    create(UserSchema, { username: "poster", email: "poster@example.com", roles: "system_user" }),
    "a-long-enough-password",
  );
  const team = await app.createTeam(
    {},
    create(TeamSchema, { name: "core", displayName: "Core", type: "O" }),
  );
  const channel = await app.createChannel(
    {},
    create(ChannelSchema, {
      teamId: team.id,
      name: "town",
      displayName: "Town",
      type: "O",
      creatorId: user.id,
    }),
    { addCreator: true },
  );
  return { user, channel };
}

function pidOf(host: Host): number | undefined {
  return (host.get(PLUGIN_ID) as PluginSupervisor | undefined)?.pid;
}

async function eventually<T>(probe: () => Promise<T | undefined>): Promise<T> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const value = await probe();
    if (value !== undefined) return value;
    await sleep(50);
  }
  throw new Error("never happened");
}

describe("run by a real host", () => {
  beforeEach(async () => {
    testHost = await startTestHost({
      healthCheckIntervalMs: 100,
      stopGracePeriodMs: GRACE_PERIOD_MS,
      pluginLogLevel: "debug",
    });
    await testHost.host.loadPlugin(pluginDir);
    await testHost.host.enablePlugin(PLUGIN_ID);
  });
  afterEach(() => testHost.dispose());

  it("becomes active, and the KV write its OnActivate made through the Plugin API is visible to the app", async () => {
    const { host } = testHost;
    // Under Node's permission model: it reads the proto files through the test host's
    // readablePaths (the repository), as a real plugin would read its own copies in its folder.
    expect(host.status(PLUGIN_ID)).toMatchObject({
      state: "active",
      sandbox: { nodePermissions: true },
    });
    expect(testHost.pluginMessages(PLUGIN_ID)).toContain("activated");
    const stored = await host.app.kvGet(PLUGIN_ID, "server-version");
    expect(new TextDecoder().decode(stored)).toBe(host.serverVersion);
  });

  it("modifies a post made through the app layer in MessageWillBePosted, and replies with CreatePost from MessageHasBeenPosted", async () => {
    const { app } = testHost.host;
    const { user, channel } = await channelWithAuthor();
    const post = await app.createPost(
      { userId: user.id },
      create(PostSchema, { userId: user.id, channelId: channel.id, message: "hello" }),
    );
    expect(post.message).toBe(`hello${STAMP}`);
    expect((await app.getPost(post.id)).message).toBe(`hello${STAMP}`);

    const root = await app.createPost(
      { userId: user.id },
      create(PostSchema, { userId: user.id, channelId: channel.id, message: "echo please" }),
    );
    const reply = await eventually(async () => {
      const posts = await app.getPostsForChannel(channel.id, { page: 0, perPage: 50 });
      return posts.find((candidate) => candidate.rootId === root.id);
    });
    // The plugin's own post went through its MessageWillBePosted too.
    expect(reply).toMatchObject({ message: `echoed${STAMP}`, userId: user.id });
  });

  it("answers health checks (the host's, every 100 ms, and a stock client's without a token) and refuses a hook without the token", async () => {
    const { host } = testHost;
    const pid = pidOf(host);
    await sleep(600);
    expect(host.status(PLUGIN_ID)).toMatchObject({ state: "active" });
    expect(pidOf(host)).toBe(pid);
    const hostChecks = testHost
      .pluginMessages(PLUGIN_ID)
      .filter((msg) => msg === 'health check of "plugin"');
    // The one before activation and the periodic ones.
    expect(hostChecks.length).toBeGreaterThanOrEqual(3);

    const socketPath = socketPathOf(testHost.pluginMessages(PLUGIN_ID));
    expect(
      await callPlugin(socketPath, "grpc.health.v1.Health", "Check", { service: "plugin" }),
    ).toEqual({ status: 1 /* SERVING, as in upstream grpc.health.v1 */ });
    await expect(
      callPlugin(socketPath, "plugwire.v1.PluginHooks", "Implemented", {}),
    ).rejects.toMatchObject({ code: grpc.status.UNAUTHENTICATED });
  });

  it("stops on disable: OnDeactivate, then Shutdown, and the process exits by itself well within the grace period", async () => {
    const { host } = testHost;
    const pid = pidOf(host) as number;
    const started = Date.now();
    await host.disablePlugin(PLUGIN_ID);
    expect(Date.now() - started).toBeLessThan(GRACE_PERIOD_MS / 2);
    expect(host.status(PLUGIN_ID)).toMatchObject({ state: "stopped" });
    const messages = testHost.pluginMessages(PLUGIN_ID);
    expect(messages.indexOf("shutting down")).toBeGreaterThan(messages.indexOf("deactivating"));
    expect(messages.indexOf("deactivating")).toBeGreaterThan(-1);
    expect(() => process.kill(pid, 0)).toThrow(/ESRCH/);
  });
});

it("run by hand without the magic cookie it says so and exits 1; started as a host does, it prints the handshake first and exits when its stdin ends", async () => {
  const executable = join(pluginDir, "plugin.mjs");
  const byHand = spawn(process.execPath, [executable], {
    env: {},
    stdio: ["pipe", "pipe", "pipe"],
  });
  let stderr = "";
  byHand.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const [byHandCode] = await once(byHand, "exit");
  expect(byHandCode).toBe(1);
  expect(stderr).toMatch(/started by a Plugwire host/);

  const socketDir = await mkdtemp(join(tmpdir(), "pw-stock-"));
  let plugin: ChildProcess | undefined;
  try {
    plugin = spawn(process.execPath, [executable], {
      env: {
        PLUGWIRE_PLUGIN_MAGIC_COOKIE: "6f0c9a2e4b1d4e8fa3c7plugwire",
        PLUGIN_PROTOCOL_VERSIONS: "1",
        PLUGIN_UNIX_SOCKET_DIR: socketDir,
        PLUGWIRE_PLUGIN_ID: PLUGIN_ID,
        PLUGWIRE_API_TARGET: `unix:${join(socketDir, "no-host.sock")}`,
        PLUGWIRE_API_TOKEN: "t".repeat(43),
        PLUGWIRE_LOG_LEVEL: "info",
      },
      stdio: ["pipe", "pipe", "inherit"],
    });
    const exited = once(plugin, "exit");
    const lines = createInterface({ input: plugin.stdout as NodeJS.ReadableStream });
    const [firstLine] = (await once(lines, "line")) as [string];
    expect(firstLine).toBe(`1|1|unix|${join(socketDir, `plugin-${plugin.pid}.sock`)}|grpc`);
    // stdio "pipe" is a Unix socket pair, as the host's: its end is the host gone.
    plugin.stdin?.end();
    const [code] = await Promise.race([exited, sleep(5_000, ["still running"])]);
    expect(code).toBe(0);
  } finally {
    plugin?.kill("SIGKILL");
    await rm(socketDir, { recursive: true, force: true });
  }
});

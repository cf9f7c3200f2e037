import { dirname, join } from "node:path";
import { create } from "@bufbuild/protobuf";
import { type Client, Code, ConnectError } from "@connectrpc/connect";
import { PermissionDeniedError, TimeoutError } from "@plugwire/errors";
import { type PluginHooks, PostSchema } from "@plugwire/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  Cleanup,
  fakeApi,
  fixtureManifest,
  logCollector,
} from "../../test-fixtures/supervisor/fixtures.js";
import { HookClient, shareHookRequest } from "./hook-client.js";
import { connectToPlugin } from "./plugin-connection.js";
import { PluginProcess } from "./plugin-process.js";

describe("HookClient of a running plugin", () => {
  const cleanup = new Cleanup();
  const api = fakeApi();
  const logs = logCollector();
  let plugin: PluginProcess;

  beforeAll(async () => {
    const manifest = await fixtureManifest("well-behaved", cleanup);
    plugin = await PluginProcess.start(manifest, {
      serveApi: api.serveApi,
      log: logs.sink,
      hookTimeoutMs: 500,
    });
    cleanup.add(() => plugin.kill());
  });
  afterAll(() => cleanup.run());

  it("knows the hooks Implemented named", () => {
    expect(plugin.hooks.implements("MessageWillBePosted")).toBe(true);
    expect(plugin.hooks.implements("UserHasBeenCreated")).toBe(false);
    expect(plugin.hooks.implementedHooks().sort()).toEqual([
      "MessageHasBeenPosted",
      "MessageWillBePosted",
      "OnActivate",
      "OnDeactivate",
      "ServeHTTP",
      "UserWillLogIn",
    ]);
  });

  it("calls an implemented hook and returns its typed response", async () => {
    const response = await plugin.hooks.callHook("MessageWillBePosted", {
      post: create(PostSchema, { id: "p1", message: "hello" }),
    });

    expect(response?.decision?.outcome.case).toBe("modify");
    expect(response?.decision?.outcome.value).toMatchObject({ id: "p1", message: "HELLO" });
  });

  it("sends a shared request's bytes, made once when it was shared, to every call", async () => {
    const request = { post: create(PostSchema, { id: "p2", message: "shared" }) };
    expect(shareHookRequest("MessageWillBePosted", request)).toBe(request);
    // Not sent: a shared request must not change, and its bytes were made before.
    request.post.message = "changed afterwards";
    const answers = await Promise.all([
      plugin.hooks.callHook("MessageWillBePosted", request),
      plugin.hooks.callHook("MessageWillBePosted", request),
    ]);
    for (const answer of answers) {
      expect(answer?.decision?.outcome.value).toMatchObject({ id: "p2", message: "SHARED" });
    }
  });

  it("answers undefined for a hook the plugin does not implement, without calling it", async () => {
    const response = await plugin.hooks.callHook("UserHasBeenCreated", {});

    expect(response).toBeUndefined();
    // The fixture serves UserHasBeenCreated anyway and logs when it is called; a call it did
    // receive would be logged before the next hook's answer.
    await plugin.hooks.callHook("MessageWillBePosted", { post: { message: "x" } });
    expect(logs.entries.map((entry) => entry.msg)).not.toContain(
      "UserHasBeenCreated was dispatched",
    );
  });

  it("turns a missed deadline into TimeoutError naming the plugin and the hook", async () => {
    const error = await plugin.hooks.callHook("MessageHasBeenPosted", {}).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as TimeoutError).message).toBe(
      'plugin "test.well-behaved" did not answer hook MessageHasBeenPosted within 500 ms',
    );
    expect((error as TimeoutError).params).toMatchObject({
      pluginId: "test.well-behaved",
      hook: "MessageHasBeenPosted",
    });
  });

  it("keeps the error class the plugin sent, naming the plugin and the hook", async () => {
    const error = await plugin.hooks.callHook("UserWillLogIn", {}).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(PermissionDeniedError);
    const denied = error as PermissionDeniedError;
    expect(denied.message).toBe('plugin "test.well-behaved" hook UserWillLogIn: logins are closed');
    expect(denied.id).toBe("fixture.login.closed");
    expect(denied.statusCode).toBe(403);
    expect(denied.params).toMatchObject({ pluginId: "test.well-behaved", hook: "UserWillLogIn" });
  });

  it("sends the per-start token, without which the plugin refuses every call", async () => {
    const socketPath = join(dirname(api.starts[0]?.socketPath as string), "plugin.sock");
    const stranger = connectToPlugin(socketPath, "not-the-token");
    try {
      const error = await stranger.hooks.implemented({}).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConnectError);
      expect((error as ConnectError).code).toBe(Code.Unauthenticated);
      await expect(stranger.health.check({ service: "plugin" })).rejects.toMatchObject({
        code: Code.Unauthenticated,
      });
    } finally {
      stranger.close();
    }
  });

  it("streams ServeHTTP both ways in frames of at most 64 KiB", async () => {
    const sent = Buffer.alloc(150_000, "abc");
    async function* body() {
      yield sent.subarray(0, 10);
      yield sent.subarray(10);
    }
    const response = await plugin.hooks.serveHTTP({ method: "POST", url: "/echo?x=1" }, body());
    if (response === undefined) {
      throw new Error("ServeHTTP is implemented");
    }
    const chunks: Uint8Array[] = [];
    for await (const chunk of response.body) {
      chunks.push(chunk);
    }

    expect(response.head.status).toBe(201);
    expect(Object.fromEntries(response.head.headers.map((h) => [h.name, h.value]))).toEqual({
      "x-request": "POST /echo?x=1",
      "x-body-frames": "4",
      "x-largest-frame": "65536",
    });
    expect(Math.max(...chunks.map((chunk) => chunk.length))).toBeLessThanOrEqual(65_536);
    expect(Buffer.concat(chunks).equals(sent)).toBe(true);
  });

  it("finishes each ServeHTTP stream rather than resetting it, so the session outlives HTTP/2's reset limit", async () => {
    // Node's HTTP/2 server ends a session with GOAWAY after about 1000 streams reset by the
    // client; a host that reset every finished response would lose the plugin there.
    for (let i = 0; i < 1_200; i++) {
      const response = await plugin.hooks.serveHTTP({ method: "POST", url: "/echo" }, empty());
      for await (const _chunk of response?.body ?? []) {
        // Read to the end, as the REST proxy does.
      }
    }
    expect(await plugin.hooks.serveHTTP({ method: "POST", url: "/echo" }, empty())).toBeDefined();
    // 1,200 round trips: a few seconds on a quiet machine, far more on a loaded CI one.
  }, 120_000);
});

async function* empty(): AsyncGenerator<Uint8Array> {}

describe("HookClient", () => {
  // A client whose every method throws: the tests prove no call is made.
  const noCalls = new Proxy({} as Client<typeof PluginHooks>, {
    get: () => () => {
      throw new Error("a call was made");
    },
  });

  it("ignores hook names this host does not know", () => {
    const hooks = new HookClient("p", noCalls, ["OnActivate", "OnFutureEvent"], 1000);
    expect(hooks.implementedHooks()).toEqual(["OnActivate"]);
  });

  it("dispatches nothing a plugin does not implement", async () => {
    const hooks = new HookClient("p", noCalls, [], 1000);
    await expect(hooks.callHook("OnConfigurationChange", {})).resolves.toBeUndefined();
    await expect(
      hooks.serveHTTP({ method: "GET", url: "/" }, (async function* () {})()),
    ).resolves.toBeUndefined();
  });
});

// runPlugin in a real process, started the way a host starts a plugin. The fixture imports the
// built SDK (nx builds it before these tests run).
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import * as http2 from "node:http2";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Code, ConnectError, createClient, type Transport } from "@connectrpc/connect";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import {
  CheckResponse_ServingStatus,
  GRPCController,
  GRPCStdio,
  Health,
  MAGIC_COOKIE_KEY,
  MAGIC_COOKIE_VALUE,
  PluginAPI,
  PluginHooks,
  parseHandshake,
  StreamStdioResponse_Channel,
} from "@plugwire/protocol";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { unixSocketTransport } from "./api-transport.js";

const fixtures = fileURLToPath(new URL("../../test-fixtures/", import.meta.url));
const token = "per-start-token";
const bearer = { authorization: `Bearer ${token}` };

let dir: string;
let apiServer: http2.Http2Server;
const apiAuthorizations: (string | null)[] = [];

beforeAll(async () => {
  // Short on purpose: a Unix socket path may have at most 107 bytes.
  dir = mkdtempSync(join(tmpdir(), "pw-"));
  apiServer = http2.createServer(
    connectNodeAdapter({
      grpc: true,
      connect: false,
      grpcWeb: false,
      routes: (router) =>
        router.service(PluginAPI, {
          getServerVersion(_request, context) {
            apiAuthorizations.push(context.requestHeader.get("authorization"));
            return { version: "9.5.0" };
          },
          getPluginConfig() {
            return { config: { greeting: "hello" } };
          },
          getUser(request) {
            return { user: { id: request.userId, username: "alice" } };
          },
        }),
    }),
  );
  await new Promise<void>((resolve) => apiServer.listen(join(dir, "api.sock"), resolve));
});

afterAll(async () => {
  await new Promise((resolve) => apiServer.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

/** The environment a host gives a plugin process. */
function hostEnv(socketDir: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    [MAGIC_COOKIE_KEY]: MAGIC_COOKIE_VALUE,
    PLUGIN_PROTOCOL_VERSIONS: "1",
    PLUGIN_UNIX_SOCKET_DIR: socketDir,
    // Unlike the manifest's id, to show that the manifest is read from the plugin folder.
    PLUGWIRE_PLUGIN_ID: "com.example.from-env",
    PLUGWIRE_API_TARGET: `unix:${join(dir, "api.sock")}`,
    PLUGWIRE_API_TOKEN: token,
    PLUGWIRE_LOG_LEVEL: "debug",
  };
}

interface StartedPlugin {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  firstLine: Promise<string>;
  exited: Promise<number | null>;
}

/**
 * Starts the fixture with stdin /dev/null, whose immediate end a plugin must not take for its
 * host's, or with stdin a pipe, as a host starts it.
 */
function startPlugin(env: NodeJS.ProcessEnv, stdin: "ignore" | "pipe" = "ignore"): StartedPlugin {
  const child = spawn(process.execPath, [join(fixtures, "echo-plugin.mjs")], {
    cwd: fixtures,
    env,
    stdio: [stdin, "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  const firstLine = new Promise<string>((resolve, reject) => {
    child.stdout?.on("data", (data: Buffer) => {
      stdout += data.toString();
      if (stdout.includes("\n")) {
        resolve(stdout.slice(0, stdout.indexOf("\n")));
      }
    });
    child.once("exit", () => reject(new Error(`exited before the handshake: ${stderr}`)));
  });
  // Tests of failed starts never wait for the handshake.
  firstLine.catch(() => {});
  child.stderr?.on("data", (data: Buffer) => {
    stderr += data.toString();
  });
  // "close", not "exit": by then stdout and stderr have been read to the end.
  const exited = new Promise<number | null>((resolve) => child.once("close", resolve));
  return { child, stdout: () => stdout, stderr: () => stderr, firstLine, exited };
}

async function connectionError(call: Promise<unknown>): Promise<ConnectError> {
  try {
    await call;
  } catch (error) {
    return ConnectError.from(error);
  }
  throw new Error("the call did not fail");
}

describe("a plugin process started by a host", () => {
  let plugin: StartedPlugin;
  let socketDir: string;
  let transport: Transport;
  let closeTransport: () => void;
  let handshake: ReturnType<typeof parseHandshake>;

  beforeAll(async () => {
    socketDir = mkdtempSync(join(dir, "p"));
    plugin = startPlugin(hostEnv(socketDir));
    handshake = parseHandshake(await plugin.firstLine);
    ({ transport, close: closeTransport } = unixSocketTransport(`unix:${handshake.address}`));
  });

  afterAll(() => {
    closeTransport();
    plugin.child.kill("SIGKILL");
  });

  it("prints the handshake first, for a socket inside the host's folder", () => {
    expect(handshake).toMatchObject({
      coreVersion: 1,
      appVersion: 1,
      network: "unix",
      protocol: "grpc",
    });
    expect(handshake.address.startsWith(`${socketDir}/`)).toBe(true);
  });

  it("reports itself healthy, under the name 'plugin' and as a whole", async () => {
    const health = createClient(Health, transport);
    for (const service of ["plugin", ""]) {
      const { status } = await health.check({ service }, { headers: bearer });
      expect(status).toBe(CheckResponse_ServingStatus.SERVING);
    }
    const unknown = await connectionError(health.check({ service: "other" }, { headers: bearer }));
    expect(unknown.code).toBe(Code.NotFound);
  });

  it("answers Health/Check without the token, as a stock go-plugin host asks", async () => {
    const { status } = await createClient(Health, transport).check({ service: "" });
    expect(status).toBe(CheckResponse_ServingStatus.SERVING);
  });

  it("refuses every other call without the token", async () => {
    const stdio = createClient(GRPCStdio, transport).streamStdio({});
    const stdioError = await connectionError(
      (async () => {
        for await (const _ of stdio) {
          // Nothing arrives.
        }
      })(),
    );
    expect(stdioError.code).toBe(Code.Unauthenticated);
    const hooks = createClient(PluginHooks, transport);
    const implemented = await connectionError(
      hooks.implemented({}, { headers: { authorization: "Bearer x" } }),
    );
    expect(implemented.code).toBe(Code.Unauthenticated);
  });

  it("names its hooks", async () => {
    const { hooks } = await createClient(PluginHooks, transport).implemented(
      {},
      { headers: bearer },
    );
    expect(hooks).toEqual([
      "OnActivate",
      "OnConfigurationChange",
      "MessageWillBePosted",
      "ExecuteCommand",
    ]);
  });

  it("activates, calling the API with the token, and streams what it prints after the handshake", async () => {
    const stdio = createClient(GRPCStdio, transport).streamStdio({}, { headers: bearer });
    const frames = stdio[Symbol.asyncIterator]();
    let firstFrame: IteratorResult<unknown> | undefined;
    const first = frames.next().then((result) => {
      firstFrame = result;
      return result;
    });
    // Only writes made after the stream is open are sent, and nothing says when it is: activate
    // (which prints) until the first frame arrives.
    const hooks = createClient(PluginHooks, transport);
    while (firstFrame === undefined) {
      await hooks.onActivate({}, { headers: bearer });
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(apiAuthorizations.length).toBeGreaterThan(0);
    expect(apiAuthorizations.every((value) => value === `Bearer ${token}`)).toBe(true);

    const written: string[] = [];
    for (let next = await first; next.done !== true; next = await frames.next()) {
      written.push(
        `${StreamStdioResponse_Channel[next.value.channel]} ${Buffer.from(next.value.data)}`,
      );
      if (written.join("").includes("printed after the handshake")) {
        break;
      }
    }
    expect(written.join("")).toContain("STDOUT printed after the handshake");
    await frames.return?.();
  });

  it("logs JSON lines on stderr, with the manifest read from its folder", async () => {
    // Stderr is a different pipe from the socket: its lines may arrive a little later.
    await vi.waitFor(() => {
      const entries = plugin
        .stderr()
        .split("\n")
        .filter((line) => line.startsWith("{"))
        .map((line) => JSON.parse(line));
      expect(entries).toContainEqual({
        level: "info",
        msg: "activated",
        time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        version: "9.5.0",
        pluginId: "com.example.echo",
      });
    });
  });

  it("answers hooks, using the configuration it fetched", async () => {
    const hooks = createClient(PluginHooks, transport);
    const { response } = await hooks.executeCommand(
      { context: { userId: "u1" }, args: { command: "/echo" } },
      { headers: bearer },
    );
    expect(response?.text).toBe("hello, alice");
    const { decision } = await hooks.messageWillBePosted(
      { post: { message: "hi!" } },
      { headers: bearer },
    );
    expect(decision?.outcome.case).toBe("modify");
    expect(decision?.outcome.value).toMatchObject({ message: "HI!" });
  });

  it("exits with 0 after answering Shutdown, having written nothing but the handshake to stdout", async () => {
    await createClient(GRPCController, transport).shutdown({}, { headers: bearer });
    expect(await plugin.exited).toBe(0);
    expect(plugin.stdout()).toBe(`${await plugin.firstLine}\n`);
    expect(plugin.stderr()).toContain("printed before the handshake");
    expect(plugin.stderr()).toContain("printed after the handshake");
    expect(existsSync(handshake.address)).toBe(false);
  });
});

describe("runPlugin", () => {
  it("exits with 0 on a Shutdown without the token, as a stock go-plugin host sends it", async () => {
    const plugin = startPlugin(hostEnv(mkdtempSync(join(dir, "p"))));
    const { address } = parseHandshake(await plugin.firstLine);
    const { transport, close } = unixSocketTransport(`unix:${address}`);
    try {
      await createClient(GRPCController, transport).shutdown({});
      expect(await plugin.exited).toBe(0);
    } finally {
      close();
    }
  });

  it("exits with 0 on SIGTERM", async () => {
    const plugin = startPlugin(hostEnv(mkdtempSync(join(dir, "p"))));
    await plugin.firstLine;
    plugin.child.kill("SIGTERM");
    expect(await plugin.exited).toBe(0);
  });

  it("exits with 0 when its stdin, a pipe from the host, ends: the host is gone", async () => {
    const plugin = startPlugin(hostEnv(mkdtempSync(join(dir, "p"))), "pipe");
    await plugin.firstLine;
    // The host never writes to it: whatever arrives is dropped, and the plugin stays up.
    plugin.child.stdin?.write("ignored\n");
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(plugin.child.exitCode).toBeNull();
    plugin.child.stdin?.end();
    expect(await plugin.exited).toBe(0);
  });

  it("run by hand, says that the host starts plugins and exits with 1", async () => {
    const plugin = startPlugin({ PATH: process.env.PATH });
    expect(await plugin.exited).toBe(1);
    expect(plugin.stderr()).toContain("This is a Plugwire plugin, and it was run by hand.");
    expect(plugin.stderr()).toContain("started by the Plugwire host");
    expect(plugin.stdout()).toBe("printed before the handshake\n");
  });

  it("exits with 1, saying what is missing, when the host's environment is incomplete", async () => {
    const plugin = startPlugin({ ...hostEnv(dir), PLUGWIRE_API_TOKEN: "" });
    expect(await plugin.exited).toBe(1);
    expect(plugin.stderr()).toContain("plugin failed to start: PLUGWIRE_API_TOKEN is not set");
    expect(plugin.stdout()).toBe("");
  });
});

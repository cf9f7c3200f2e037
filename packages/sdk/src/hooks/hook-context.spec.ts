import { mkdtempSync, rmSync } from "node:fs";
import type * as http2 from "node:http2";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { create } from "@bufbuild/protobuf";
import { Code, ConnectError, createClient, createRouterTransport } from "@connectrpc/connect";
import { PluginHooks, PostSchema } from "@plugwire/protocol";
import { createGrpcServer, createLeanGrpcTransport } from "@plugwire/protocol/grpc";
import { afterEach, describe, expect, it } from "vitest";
import { definePlugin } from "./define-plugin.js";
import { type HookContext, hookContext } from "./hook-context.js";
import { createPluginRoutes } from "./plugin-routes.js";

const post = create(PostSchema, { id: "p1", channelId: "c1", message: "hello" });

describe("hookContext", () => {
  it("copies the request's context, with every field empty when there is none", () => {
    const call = { signal: new AbortController().signal };
    expect(
      hookContext(
        {
          $typeName: "plugwire.v1.PluginContext",
          requestId: "r1",
          sessionId: "s1",
          userId: "u1",
          ipAddress: "10.0.0.1",
          acceptLanguage: "de",
          userAgent: "curl",
        },
        call,
      ),
    ).toMatchObject({
      requestId: "r1",
      sessionId: "s1",
      userId: "u1",
      ipAddress: "10.0.0.1",
      acceptLanguage: "de",
      userAgent: "curl",
    });
    expect(hookContext(undefined, call)).toMatchObject({
      requestId: "",
      sessionId: "",
      userId: "",
      ipAddress: "",
      acceptLanguage: "",
      userAgent: "",
    });
  });

  it("asks the call for its signal only when the handler reads ctx.signal", () => {
    const controller = new AbortController();
    let reads = 0;
    const call = {
      get signal() {
        reads++;
        return controller.signal;
      },
    };
    const ctx = hookContext(undefined, call);
    expect(reads).toBe(0);
    expect(ctx.signal).toBe(controller.signal);
    expect(reads).toBe(1);
  });
});

/**
 * The hooks of `handlers` served by the lean gRPC server on a Unix socket, as runPlugin serves
 * them, and a PluginHooks client over the lean transport, as the host calls them.
 */
function serveOverSocket(handlers: Parameters<typeof definePlugin>[0]) {
  const dir = mkdtempSync(join(tmpdir(), "pw-"));
  const socket = join(dir, "hooks.sock");
  const { routes } = createPluginRoutes(definePlugin(handlers), {
    api: createRouterTransport(() => {}),
    logSink: () => {},
  });
  const server = createGrpcServer({ routes });
  const sessions = new Set<http2.ServerHttp2Session>();
  server.on("session", (session) => sessions.add(session));
  const transport = createLeanGrpcTransport({
    baseUrl: "http://plugin",
    createConnection: () => connect(socket),
  });
  const listening = new Promise<void>((resolve) => server.listen(socket, resolve));
  cleanups.push(async () => {
    transport.close();
    for (const session of sessions) {
      session.destroy();
    }
    await new Promise((resolve) => server.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });
  return { client: createClient(PluginHooks, transport), listening };
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) {
    await cleanup();
  }
});

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The abort reason as the ConnectError it is, for its code. */
function reasonOf(ctx: HookContext): ConnectError {
  return ConnectError.from(ctx.signal.reason);
}

describe("HookContext.signal over the lean gRPC server", () => {
  it("aborts when the host's deadline passes, for a handler listening from the start", async () => {
    let aborted: Promise<unknown> | undefined;
    const { client, listening } = serveOverSocket({
      MessageHasBeenPosted(ctx) {
        aborted = new Promise((resolve) => ctx.signal.addEventListener("abort", resolve));
        return new Promise(() => {});
      },
    });
    await listening;
    // Long enough for the call to reach the handler on a busy machine.
    await expect(client.messageHasBeenPosted({ post }, { timeoutMs: 300 })).rejects.toMatchObject({
      code: Code.DeadlineExceeded,
    });
    expect(aborted).toBeDefined();
    await expect(aborted).resolves.toBeDefined();
  });

  it("is already aborted when first read after the deadline", async () => {
    let late: Promise<boolean> | undefined;
    const { client, listening } = serveOverSocket({
      MessageHasBeenPosted(ctx) {
        // The deadline aborts the call on both ends; whichever end notices first gives the
        // reason (the plugin's own timer, or the host's reset of the stream).
        late = delay(600).then(() => ctx.signal.aborted);
        return late.then(() => {});
      },
    });
    await listening;
    await expect(client.messageHasBeenPosted({ post }, { timeoutMs: 300 })).rejects.toMatchObject({
      code: Code.DeadlineExceeded,
    });
    expect(late).toBeDefined();
    await expect(late).resolves.toBe(true);
  });

  it("is aborted once the call is over, when read afterwards", async () => {
    let kept: HookContext | undefined;
    const { client, listening } = serveOverSocket({
      MessageHasBeenPosted(ctx) {
        kept = ctx;
      },
    });
    await listening;
    await client.messageHasBeenPosted({ post }, { timeoutMs: 5_000 });
    expect(kept?.signal.aborted).toBe(true);
    expect(reasonOf(kept as HookContext).code).toBe(Code.Canceled);
  });

  it("stays unaborted while the handler runs within the deadline", async () => {
    let seen: boolean | undefined;
    const { client, listening } = serveOverSocket({
      async MessageHasBeenPosted(ctx) {
        await delay(10);
        seen = ctx.signal.aborted;
      },
    });
    await listening;
    await client.messageHasBeenPosted({ post }, { timeoutMs: 5_000 });
    expect(seen).toBe(false);
  });
});

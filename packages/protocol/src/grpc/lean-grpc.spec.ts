// The lean gRPC client and server behave as Connect's own: every scenario runs with each
// client (Connect's gRPC transport, the lean one with the call channel on a stream, with it
// straight on a connection, and without it) against each server (Connect's adapter, the lean
// one), and all eight pairs must see the same outcome, errors and their details included.
import { mkdtempSync, rmSync } from "node:fs";
import * as http2 from "node:http2";
import { connect, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { create } from "@bufbuild/protobuf";
import {
  Code,
  ConnectError,
  type ConnectRouter,
  createClient,
  type Transport,
} from "@connectrpc/connect";
import {
  connectNodeAdapter,
  createGrpcTransport,
  Http2SessionManager,
} from "@connectrpc/connect-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OpenRequestSchema, OpenResponseSchema } from "../gen/plugwire/v1/channel_pb.js";
import { ErrorDetailSchema, FileInfoSchema, PluginAPI, PluginHooks, PluginHTTP } from "../index.js";
import { directChannelPath } from "./channel-server.js";
import { createGrpcServer, type GrpcServer } from "./grpc-server.js";
import { createLeanGrpcTransport, type LeanGrpcTransport } from "./lean-grpc-transport.js";
import { decodeMessage, encodeFrame } from "./message-codec.js";

/** What each server's methods saw, by server. */
const seen = { connect: [] as string[], lean: [] as string[] };

function routes(server: keyof typeof seen) {
  const notFound = new ConnectError("no user u9", Code.NotFound, undefined, [
    { desc: ErrorDetailSchema, value: { id: "store.user.not_found", statusCode: 404 } },
  ]);
  return (router: ConnectRouter) => {
    router.service(PluginAPI, {
      getServerVersion(_request, context) {
        context.responseHeader.set("x-echoed", context.requestHeader.get("x-echo") ?? "");
        context.responseTrailer.set("x-trailer", "t");
        return { version: `9.5.0 ${context.requestHeader.get("authorization") ?? ""}` };
      },
      getUser(request, context) {
        if (request.userId === "u9") {
          // Trailers set before failing travel with the error.
          context.responseTrailer.set("x-retry", "5");
          throw notFound;
        }
        return { user: { id: request.userId, username: "alice" } };
      },
      getTeam() {
        throw new Error("a bug in the method");
      },
      async getChannel(_request, context) {
        // Waits for the end of the call: the server's deadline, or the client giving up.
        const reason = await new Promise((resolve) =>
          context.signal.addEventListener("abort", () => resolve(context.signal.reason)),
        );
        seen[server].push("getChannel aborted");
        throw reason;
      },
      kVGet(request) {
        return { value: new TextEncoder().encode(request.key) };
      },
      getPost(_request, context) {
        // The signal aborts once the call is complete, as Connect's does.
        context.signal.addEventListener("abort", () =>
          seen[server].push("getPost: signal aborted"),
        );
        return {};
      },
      async *getFile(request, context) {
        if (request.fileId === "missing") {
          context.responseTrailer.set("x-retry", "5");
          throw notFound;
        }
        if (request.fileId === "many") {
          // Stops once the call is over; says how far it got.
          let sent = 0;
          while (sent < 50 && !context.signal.aborted) {
            yield { frame: { case: "data", value: new Uint8Array(100) } };
            sent++;
            await new Promise((resolve) => setTimeout(resolve, 5));
          }
          seen[server].push(`getFile many: sent ${sent < 50 ? "some" : "all"}`);
          return;
        }
        for (let i = 0; i < 3; i++) {
          yield { frame: { case: "data", value: new Uint8Array([i]) } };
        }
        if (request.fileId === "broken") {
          throw new ConnectError("broken file", Code.DataLoss);
        }
      },
      async uploadFile(requests, context) {
        let frames = 0;
        for await (const frame of requests) {
          if (frame.frame.case === "head" && frame.frame.value.name === "stall") {
            // Reads no more: the client waits for the window until its deadline.
            await new Promise((resolve) => context.signal.addEventListener("abort", resolve));
            return {};
          }
          frames++;
        }
        return { fileInfo: create(FileInfoSchema, { name: `${frames} frames` }) };
      },
    });
    router.service(
      PluginHTTP,
      {
        serveHTTPOnce(request, context) {
          const seenBy = context.requestHeader.get("x-interceptor") ?? "";
          return {
            head: { status: 200, headers: [{ name: "seen", value: seenBy }] },
            body: request.body,
          };
        },
      },
      {
        interceptors: [
          (next) => async (request) => {
            request.header.set("x-interceptor", "outer");
            const response = await next(request);
            response.header.set("x-outer", "1");
            return response;
          },
          (next) => async (request) => {
            request.header.set("x-interceptor", `${request.header.get("x-interceptor")} inner`);
            return next(request);
          },
        ],
      },
    );
    router.service(PluginHooks, {
      async *serveHTTP(requests) {
        for await (const request of requests) {
          const { frame } = request;
          // Echoes body data; answers other frames with a byte saying which they were.
          const data =
            frame.case === "body" && frame.value.data.length > 0
              ? frame.value.data
              : new Uint8Array([frame.case === "head" ? 1 : 2]);
          yield { frame: { case: "body", value: { data } } };
        }
      },
    });
  };
}

let dir: string;
/** Each server's socket, by server. */
let sockets: Record<keyof typeof seen, string>;
const servers: (http2.Http2Server | Server)[] = [];
const transports: LeanGrpcTransport[] = [];
const sessions: Http2SessionManager[] = [];
const pairs: { name: string; transport: Transport }[] = [];

/** Listens at `socketPath`, and a lean server's direct channel beside it. */
async function listen(server: http2.Http2Server, socketPath: string): Promise<string> {
  const both: (http2.Http2Server | Server)[] = [server];
  if ("directChannel" in server) both.push((server as GrpcServer).directChannel);
  servers.push(...both);
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  if (both[1] !== undefined) {
    await new Promise<void>((resolve) => both[1]?.listen(directChannelPath(socketPath), resolve));
  }
  return socketPath;
}

beforeAll(async () => {
  // Short on purpose: a Unix socket path may have at most 107 bytes.
  dir = mkdtempSync(join(tmpdir(), "pw-"));
  const readMaxBytes = 1024;
  sockets = {
    connect: await listen(
      http2.createServer(
        connectNodeAdapter({
          routes: routes("connect"),
          grpc: true,
          connect: false,
          grpcWeb: false,
          readMaxBytes,
        }),
      ),
      join(dir, "connect.sock"),
    ),
    lean: await listen(
      createGrpcServer({ routes: routes("lean"), readMaxBytes }),
      join(dir, "lean.sock"),
    ),
  };
  for (const [server, socketPath] of Object.entries(sockets)) {
    const sessionManager = new Http2SessionManager("http://localhost", undefined, {
      createConnection: () => connect(socketPath),
    });
    sessions.push(sessionManager);
    pairs.push({
      name: `Connect's client, ${server} server`,
      transport: createGrpcTransport({ baseUrl: "http://localhost", sessionManager }),
    });
    // The lean client as the host and the SDK use it (small unary calls on the call channel,
    // which Connect's server refuses), and with every call on a stream of its own.
    // Connect's server has no direct channel: nothing listens there, and the calls go per call.
    const direct = () => connect(directChannelPath(socketPath));
    const kinds = [
      { name: "", channel: true, directChannel: undefined },
      { name: " (direct channel)", channel: true, directChannel: direct },
      { name: " (per call)", channel: false, directChannel: undefined },
    ];
    for (const { name, channel, directChannel } of kinds) {
      const lean = createLeanGrpcTransport({
        baseUrl: "http://localhost",
        createConnection: () => connect(socketPath),
        header: { authorization: "Bearer fixed" },
        channel,
        directChannel,
      });
      transports.push(lean);
      pairs.push({ name: `lean client${name}, ${server} server`, transport: lean });
    }
  }
});

afterAll(async () => {
  for (const transport of transports) transport.close();
  for (const session of sessions) session.abort();
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  rmSync(dir, { recursive: true, force: true });
});

/** A call's outcome as data: its value, or its error's code, message and plugwire detail. */
async function outcome(call: Promise<unknown>): Promise<unknown> {
  try {
    return { value: await call };
  } catch (reason) {
    const error = ConnectError.from(reason);
    const [detail] = error.findDetails(ErrorDetailSchema);
    const retry = error.metadata.get("x-retry") ?? undefined;
    return { code: Code[error.code], message: error.rawMessage, detail: detail?.id, retry };
  }
}

/** The outcome of `scenario` for each client–server pair; all must be equal. */
async function sameEverywhere(
  scenario: (transport: Transport) => Promise<unknown>,
): Promise<unknown> {
  const outcomes = await Promise.all(pairs.map(({ transport }) => outcome(scenario(transport))));
  const [first] = outcomes;
  for (const [i, each] of outcomes.entries()) {
    expect(each, pairs[i]?.name).toEqual(first);
  }
  return first;
}

const api = (transport: Transport) => createClient(PluginAPI, transport);

const channelPath = "/plugwire.v1.CallChannelService/Open";

/** A gRPC request made by hand on a session of its own, for what our clients never send. */
function rawRequest(socketPath: string, path: string, header: http2.OutgoingHttpHeaders = {}) {
  const session = http2.connect("http://localhost", {
    createConnection: () => connect(socketPath),
  });
  const stream = session.request({
    ":method": "POST",
    ":path": path,
    "content-type": "application/grpc+proto",
    ...header,
  });
  stream.on("error", () => {});
  return { session, stream };
}

/** `line` once for each client that calls each server. */
const perServer = (line: string) => Array.from({ length: pairs.length / 2 }, () => line);

describe("a unary call on the lean path", () => {
  it("answers as Connect does", async () => {
    expect(await sameEverywhere((t) => api(t).getUser({ userId: "u1" }))).toMatchObject({
      value: { user: { id: "u1", username: "alice" } },
    });
  });

  it("sends the transport's fixed headers and the call's own, and returns response headers and trailers", async () => {
    for (const { transport, name } of pairs) {
      const headers: Record<string, string> = {};
      const { version } = await api(transport).getServerVersion(
        {},
        {
          headers: { "X-Echo": "hi" },
          onHeader: (header) => {
            headers.echoed = header.get("x-echoed") ?? "";
          },
          onTrailer: (trailer) => {
            headers.trailer = trailer.get("x-trailer") ?? "";
          },
        },
      );
      expect(headers, name).toEqual({ echoed: "hi", trailer: "t" });
      expect(version, name).toBe(name.startsWith("lean") ? "9.5.0 Bearer fixed" : "9.5.0 ");
    }
  });

  it("carries an error's code, message, details and the trailers set before it", async () => {
    expect(await sameEverywhere((t) => api(t).getUser({ userId: "u9" }))).toEqual({
      code: "NotFound",
      message: "no user u9",
      detail: "store.user.not_found",
      retry: "5",
    });
  });

  it("turns any other error into Internal, without its message", async () => {
    expect(await sameEverywhere((t) => api(t).getTeam({}))).toEqual({
      code: "Internal",
      message: "internal error",
      detail: undefined,
    });
  });

  it("runs the interceptors registered with a service, outermost first", async () => {
    expect(
      await sameEverywhere(async (t) => {
        let outer: string | null = null;
        const answer = await createClient(PluginHTTP, t).serveHTTPOnce(
          { body: new Uint8Array([7]) },
          { onHeader: (header) => (outer = header.get("x-outer")) },
        );
        return { headers: answer.head?.headers, body: answer.body, outer };
      }),
    ).toMatchObject({
      value: {
        headers: [{ name: "seen", value: "outer inner" }],
        body: new Uint8Array([7]),
        outer: "1",
      },
    });
  });

  it("refuses a malformed grpc-timeout with InvalidArgument", async () => {
    const statuses = await Promise.all(
      Object.values(sockets).map(async (socketPath) => {
        const { session, stream } = rawRequest(
          socketPath,
          "/plugwire.v1.PluginAPI/GetServerVersion",
          {
            "grpc-timeout": "1 second",
          },
        );
        const fields: http2.IncomingHttpHeaders = {};
        stream.on("response", (header) => Object.assign(fields, header));
        stream.on("trailers", (trailer) => Object.assign(fields, trailer));
        stream.end(Buffer.alloc(5));
        stream.resume();
        await new Promise((resolve) => stream.on("close", resolve));
        session.close();
        return { status: fields["grpc-status"], message: fields["grpc-message"] };
      }),
    );
    expect(statuses).toEqual([
      {
        status: String(Code.InvalidArgument),
        message: encodeURIComponent("protocol error: invalid grpc timeout value: 1 second"),
      },
      statuses[0],
    ]);
  });

  it("refuses a request larger than readMaxBytes with ResourceExhausted", async () => {
    const key = "k".repeat(2000);
    expect(await sameEverywhere((t) => api(t).kVGet({ key }))).toMatchObject({
      code: "ResourceExhausted",
    });
    expect(await sameEverywhere((t) => api(t).kVGet({ key: "small" }))).toMatchObject({
      value: { value: new TextEncoder().encode("small") },
    });
  });

  it("fails with DeadlineExceeded past the timeout, and aborts the method's signal", async () => {
    expect(await sameEverywhere((t) => api(t).getChannel({}, { timeoutMs: 100 }))).toEqual({
      code: "DeadlineExceeded",
      message: "the operation timed out",
      detail: undefined,
    });
    for (const server of ["connect", "lean"] as const) {
      await expect.poll(() => seen[server]).toEqual(perServer("getChannel aborted"));
    }
  });

  it("fails with Canceled when the call's signal aborts", async () => {
    expect(
      await sameEverywhere((t) => api(t).getChannel({}, { signal: AbortSignal.timeout(50) })),
    ).toMatchObject({ code: "Canceled" });
    const aborted = new AbortController();
    aborted.abort();
    expect(
      await sameEverywhere((t) => api(t).getUser({}, { signal: aborted.signal })),
    ).toMatchObject({ code: "Canceled" });
  });

  it("aborts the method's signal once the call is complete", async () => {
    await sameEverywhere((t) => api(t).getPost({}));
    for (const server of ["connect", "lean"] as const) {
      await expect
        .poll(() => seen[server].filter((line) => line.startsWith("getPost")))
        .toEqual(perServer("getPost: signal aborted"));
    }
  });

  it("answers a method no route serves with Unimplemented", async () => {
    const outcomeOf = await sameEverywhere((t) => createClient(PluginHooks, t).implemented({}));
    expect(outcomeOf).toMatchObject({ code: "Unimplemented" });
  });

  it("closed while connecting, fails the call and keeps no session", async () => {
    const transport = createLeanGrpcTransport({
      baseUrl: "http://localhost",
      createConnection: () => connect(join(dir, "lean.sock")),
    });
    const call = outcome(api(transport).getUser({ userId: "u1" }));
    transport.close();
    expect(await call).toMatchObject({ code: "Canceled" });
    expect(await outcome(api(transport).getUser({ userId: "u1" }))).toMatchObject({
      code: "Canceled",
    });
  });

  it("fails with Unavailable when nothing listens on the socket", async () => {
    const transport = createLeanGrpcTransport({
      baseUrl: "http://localhost",
      createConnection: () => connect(join(dir, "nobody.sock")),
    });
    try {
      expect(await outcome(api(transport).getUser({}))).toMatchObject({ code: "Unavailable" });
    } finally {
      transport.close();
    }
  });
});

describe("streaming calls", () => {
  const collect = async <T>(stream: AsyncIterable<T>) => {
    const items: T[] = [];
    for await (const item of stream) items.push(item);
    return items.length;
  };

  it("stream from the server, errors included", async () => {
    expect(await sameEverywhere((t) => collect(api(t).getFile({ fileId: "f" })))).toEqual({
      value: 3,
    });
    expect(await sameEverywhere((t) => collect(api(t).getFile({ fileId: "broken" })))).toEqual({
      code: "DataLoss",
      message: "broken file",
      detail: undefined,
    });
    expect(await sameEverywhere((t) => collect(api(t).getFile({ fileId: "missing" })))).toEqual({
      code: "NotFound",
      message: "no user u9",
      detail: "store.user.not_found",
      retry: "5",
    });
  });

  it("ends the call when an answer is too large to read, so the server stops too", async () => {
    for (const server of ["connect", "lean"] as const) {
      const transport = createLeanGrpcTransport({
        baseUrl: "http://localhost",
        createConnection: () => connect(join(dir, `${server}.sock`)),
        readMaxBytes: 10,
      });
      transports.push(transport);
      expect(await outcome(collect(api(transport).getFile({ fileId: "many" })))).toMatchObject({
        code: "ResourceExhausted",
      });
      await expect
        .poll(() => seen[server].filter((line) => line.startsWith("getFile many")))
        .toEqual(["getFile many: sent some"]);
    }
  });

  it("tells the caller's input to stop when the call ends first", async () => {
    for (const { transport, name } of pairs) {
      let stopped = false;
      async function* frames() {
        try {
          yield { frame: { case: "head" as const, value: { name: "stall" } } };
          // More than the windows hold: the last writes wait until the deadline ends the call.
          for (let i = 0; i < 64; i++) {
            yield { frame: { case: "data" as const, value: new Uint8Array(64 * 1024) } };
          }
        } finally {
          stopped = true;
        }
      }
      expect(
        await outcome(api(transport).uploadFile(frames(), { timeoutMs: 300 })),
        name,
      ).toMatchObject({ code: "DeadlineExceeded" });
      await expect.poll(() => stopped).toBe(true);
    }
  });

  it("stream to the server", async () => {
    async function* frames() {
      yield { frame: { case: "head" as const, value: { name: "a" } } };
      yield { frame: { case: "data" as const, value: new Uint8Array(10) } };
    }
    expect(
      await sameEverywhere(async (t) => (await api(t).uploadFile(frames())).fileInfo?.name),
    ).toEqual({ value: "2 frames" });
  });

  it("stream both ways", async () => {
    async function* frames() {
      yield { frame: { case: "head" as const, value: { method: "GET", url: "/" } } };
      yield { frame: { case: "body" as const, value: { end: true } } };
    }
    expect(
      await sameEverywhere((t) => collect(createClient(PluginHooks, t).serveHTTP(frames()))),
    ).toEqual({ value: 2 });
  });
});

describe("a connection busy both ways", () => {
  it("echoes 16 MiB while the client is still sending, without the connection stalling", async () => {
    // Each end writes while the other does: with more in flight than the socket holds, both
    // would wait in a write for the other to read (see session-settings.ts).
    const socketPath = await listen(
      createGrpcServer({ routes: routes("lean") }),
      join(dir, "echo.sock"),
    );
    const transport = createLeanGrpcTransport({
      baseUrl: "http://localhost",
      createConnection: () => connect(socketPath),
    });
    transports.push(transport);
    const chunk = new Uint8Array(64 * 1024).fill(7);
    async function* frames() {
      yield { frame: { case: "head" as const, value: { method: "POST", url: "/echo" } } };
      for (let i = 0; i < 256; i++) {
        yield { frame: { case: "body" as const, value: { data: chunk } } };
      }
    }
    let bytes = 0;
    for await (const answer of createClient(PluginHooks, transport).serveHTTP(frames())) {
      if (answer.frame.case === "body") bytes += answer.frame.value.data.length;
    }
    expect(bytes).toBe(1 + 256 * 64 * 1024);
  });
});

describe("createGrpcServer's options", () => {
  let socketPath: string;
  let transport: LeanGrpcTransport;
  let ran = 0;

  beforeAll(async () => {
    const server = createGrpcServer({
      routes: (router) =>
        router.service(PluginAPI, {
          getUser() {
            ran++;
            throw new TypeError("raw failure");
          },
          async *getFile() {
            ran++;
            yield {};
            throw new TypeError("stream failure");
          },
        }),
      authorize: (header) => {
        if (header.authorization !== "Bearer right") {
          throw new ConnectError("wrong token", Code.Unauthenticated);
        }
      },
      errorFor: (reason) =>
        reason instanceof ConnectError
          ? reason
          : new ConnectError(`shaped: ${(reason as Error).message}`, Code.FailedPrecondition),
    });
    socketPath = await listen(server, join(dir, "options.sock"));
    transport = createLeanGrpcTransport({
      baseUrl: "http://localhost",
      createConnection: () => connect(socketPath),
    });
    transports.push(transport);
  });

  it("refuses, before any method runs, a call authorize throws for", async () => {
    const wrong = { headers: { authorization: "Bearer wrong" } };
    expect(await outcome(api(transport).getUser({}, wrong))).toMatchObject({
      code: "Unauthenticated",
      message: "wrong token",
    });
    expect(await outcome(drain(api(transport).getFile({}, wrong)))).toMatchObject({
      code: "Unauthenticated",
    });
    expect(ran).toBe(0);
  });

  it("shapes what a method throws with errorFor, in unary and streaming calls alike", async () => {
    const right = { headers: { authorization: "Bearer right" } };
    expect(await outcome(api(transport).getUser({}, right))).toMatchObject({
      code: "FailedPrecondition",
      message: "shaped: raw failure",
    });
    expect(await outcome(drain(api(transport).getFile({}, right)))).toMatchObject({
      code: "FailedPrecondition",
      message: "shaped: stream failure",
    });
  });

  async function drain(stream: AsyncIterable<unknown>): Promise<void> {
    for await (const _item of stream) {
      // Only the error matters.
    }
  }
});

describe("what the short paths leave to Connect", () => {
  let socketPath: string;
  let handlersSeen = -1;

  beforeAll(async () => {
    const server = createGrpcServer({
      routes: (router) => {
        router.service(
          PluginAPI,
          {
            getServerVersion: () => ({ version: "9.5.0" }),
            async *getFile() {
              yield { frame: { case: "data", value: new Uint8Array([7]) } };
            },
          },
          // A streaming method with interceptors is served by Connect's handler.
          { interceptors: [(next) => (request) => next(request)] },
        );
        // Connect's handlers are made when first asked for, with everything registered so far.
        handlersSeen = router.handlers.length;
        router.rpc(PluginHooks.method.implemented, () => ({ hooks: ["OnActivate"] }));
      },
    });
    socketPath = await listen(server, join(dir, "universal.sock"));
  });

  it("answers calls in JSON, streams with interceptors and router.rpc's methods", async () => {
    expect(handlersSeen).toBe(PluginAPI.methods.length);
    const sessionManager = new Http2SessionManager("http://localhost", undefined, {
      createConnection: () => connect(socketPath),
    });
    sessions.push(sessionManager);
    const json = createGrpcTransport({
      baseUrl: "http://localhost",
      sessionManager,
      useBinaryFormat: false,
    });
    expect(await api(json).getServerVersion({})).toMatchObject({ version: "9.5.0" });
    const lean = createLeanGrpcTransport({
      baseUrl: "http://localhost",
      createConnection: () => connect(socketPath),
    });
    transports.push(lean);
    const frames: unknown[] = [];
    for await (const chunk of api(lean).getFile({})) frames.push(chunk.frame.value);
    expect(frames).toEqual([new Uint8Array([7])]);
    expect(await createClient(PluginHooks, json).implemented({})).toMatchObject({
      hooks: ["OnActivate"],
    });
  });
});

describe("routesOnFirstConnection", () => {
  /** A lean client calling straight on a connection, and one making each call on HTTP/2. */
  function clients(socketPath: string) {
    const direct = createLeanGrpcTransport({
      baseUrl: "http://localhost",
      createConnection: () => connect(socketPath),
      directChannel: () => connect(directChannelPath(socketPath)),
    });
    const perCall = createLeanGrpcTransport({
      baseUrl: "http://localhost",
      createConnection: () => connect(socketPath),
      channel: false,
    });
    transports.push(direct, perCall);
    return { direct, perCall };
  }

  it("registers the services once, when the first connection arrives", async () => {
    let registered = 0;
    const server = createGrpcServer({
      routes: (router) => {
        registered++;
        router.service(PluginAPI, { getServerVersion: () => ({ version: "9.5.0" }) });
      },
      routesOnFirstConnection: true,
    });
    const socketPath = await listen(server, join(dir, "first.sock"));
    expect(registered).toBe(0);
    const { direct, perCall } = clients(socketPath);
    expect(await api(direct).getServerVersion({})).toMatchObject({ version: "9.5.0" });
    expect(await api(perCall).getServerVersion({})).toMatchObject({ version: "9.5.0" });
    expect(registered).toBe(1);
  });

  it("fails the calls when registering throws, and keeps the server up", async () => {
    let registered = 0;
    const server = createGrpcServer({
      routes: () => {
        registered++;
        throw new ConnectError("no services today", Code.FailedPrecondition);
      },
      routesOnFirstConnection: true,
    });
    const socketPath = await listen(server, join(dir, "failing.sock"));
    const { direct, perCall } = clients(socketPath);
    for (let i = 0; i < 2; i++) {
      expect(await outcome(api(perCall).getServerVersion({}))).toMatchObject({
        code: "FailedPrecondition",
        message: "no services today",
      });
    }
    // The direct connection is closed at once; the client makes its calls on HTTP/2 then.
    expect(await outcome(api(direct).getServerVersion({}, { timeoutMs: 5_000 }))).toMatchObject({
      code: "FailedPrecondition",
      message: "no services today",
    });
    expect(registered).toBe(1);
  });
});

describe("the call channel", () => {
  let socketPath: string;
  let streams = 0;
  const sessionsOf: http2.ServerHttp2Session[] = [];
  let release: () => void = () => {};

  beforeAll(async () => {
    const server = createGrpcServer({
      routes: (router) =>
        router.service(PluginAPI, {
          getUser: (request) => ({ user: { id: request.userId } }),
          kVGet: (request) => ({ value: new TextEncoder().encode(String(request.key.length)) }),
          // Answers when the test says so.
          getTeam: () =>
            new Promise((resolve) => {
              release = () => resolve({});
            }),
        }),
    });
    server.on("stream", () => streams++);
    server.on("session", (session) => sessionsOf.push(session));
    socketPath = await listen(server, join(dir, "channel.sock"));
  });

  function transport(channel: boolean): LeanGrpcTransport {
    const made = createLeanGrpcTransport({
      baseUrl: "http://localhost",
      createConnection: () => connect(socketPath),
      channel,
    });
    transports.push(made);
    return made;
  }

  it("carries many calls, made at once, on one stream", async () => {
    const before = streams;
    const users = await Promise.all(
      Array.from({ length: 40 }, (_, i) => api(transport(true)).getUser({ userId: `u${i}` })),
    );
    // 40 transports: one channel each.
    expect(users.map(({ user }) => user?.id)).toEqual(
      Array.from({ length: 40 }, (_, i) => `u${i}`),
    );
    expect(streams - before).toBe(40);
    const one = transport(true);
    const again = streams;
    await Promise.all(Array.from({ length: 40 }, () => api(one).getUser({ userId: "x" })));
    await api(one).getUser({ userId: "y" });
    expect(streams - again).toBe(1);
    const perCall = transport(false);
    const perCallBefore = streams;
    await Promise.all(Array.from({ length: 40 }, () => api(perCall).getUser({ userId: "x" })));
    expect(streams - perCallBefore).toBe(40);
  });

  it("sends a request over 64 KiB on a stream of its own", async () => {
    const client = api(transport(true));
    await client.getUser({ userId: "open the channel" });
    const before = streams;
    const { value } = await client.kVGet({ key: "k".repeat(70 * 1024) });
    expect(new TextDecoder().decode(value)).toBe(String(70 * 1024));
    await client.kVGet({ key: "small" });
    expect(streams - before).toBe(1);
  });

  it("fails the calls waiting when the connection goes, and opens a new channel for the next", async () => {
    const client = api(transport(true));
    await client.getUser({ userId: "open" });
    const waiting = outcome(client.getTeam({}));
    await expect.poll(() => sessionsOf.length).toBeGreaterThan(0);
    await new Promise((resolve) => setTimeout(resolve, 20));
    for (const session of sessionsOf) session.destroy();
    const failed = (await waiting) as { code: string };
    expect(["Unavailable", "Aborted", "Internal", "Canceled"]).toContain(failed.code);
    expect((await client.getUser({ userId: "after" })).user?.id).toBe("after");
  });

  it("keeps the process alive while a call waits, and not while the channel idles", async () => {
    const client = api(transport(true));
    await client.getUser({ userId: "open" });
    const pipes = () =>
      process.getActiveResourcesInfo().filter((kind) => kind === "PipeWrap").length;
    const idle = pipes();
    const waiting = client.getTeam({});
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(pipes()).toBe(idle + 1);
    release();
    await waiting;
    expect(pipes()).toBe(idle);
  });

  it("agrees on its version when it opens, and is refused when none is spoken", async () => {
    const open = (offer: string | undefined) =>
      new Promise<http2.IncomingHttpHeaders>((resolve) => {
        const { session, stream } = rawRequest(
          socketPath,
          channelPath,
          offer === undefined ? {} : { "plugwire-channel-version": offer },
        );
        stream.on("response", (header) => {
          resolve(header);
          session.destroy();
        });
      });
    // Without the header, as peers before it: version 1.
    expect((await open(undefined))["plugwire-channel-version"]).toBe("1");
    expect((await open("2, 1"))["plugwire-channel-version"]).toBe("1");
    const refused = await open("2");
    expect(refused["grpc-status"]).toBe(String(Code.Unimplemented));
    expect(refused["plugwire-channel-version"]).toBeUndefined();
  });

  it("ends only the channel, not the server, when a frame is malformed", async () => {
    const { session, stream } = rawRequest(socketPath, channelPath);
    const closed = new Promise<number>((resolve) =>
      stream.on("close", () => resolve(stream.rstCode)),
    );
    // A compressed frame: nothing on a plugin connection compresses.
    stream.write(Buffer.from([1, 0, 0, 0, 1, 0]));
    expect(await closed).toBe(http2.constants.NGHTTP2_PROTOCOL_ERROR);
    session.destroy();
    expect((await api(transport(true)).getUser({ userId: "still" })).user?.id).toBe("still");
  });
});

describe("the call channel straight on a connection", () => {
  let socketPath: string;
  let server: GrpcServer;
  let streams = 0;
  let sessions = 0;
  let release: () => void = () => {};

  beforeAll(async () => {
    server = createGrpcServer({
      routes: (router) =>
        router.service(PluginAPI, {
          getUser: (request) => ({ user: { id: request.userId } }),
          getTeam: () =>
            new Promise((resolve) => {
              release = () => resolve({});
            }),
        }),
      authorize: (header) => {
        if (header.authorization !== "Bearer right") {
          throw new ConnectError("wrong token", Code.Unauthenticated);
        }
      },
    });
    server.on("stream", () => streams++);
    server.on("session", () => sessions++);
    socketPath = await listen(server, join(dir, "direct.sock"));
  });

  function transport(token = "right"): LeanGrpcTransport {
    const made = createLeanGrpcTransport({
      baseUrl: "http://localhost",
      createConnection: () => connect(socketPath),
      header: { authorization: `Bearer ${token}` },
      directChannel: () => connect(directChannelPath(socketPath)),
    });
    transports.push(made);
    return made;
  }

  it("carries many calls on one connection, without HTTP/2", async () => {
    const [streamsBefore, sessionsBefore] = [streams, sessions];
    const client = api(transport());
    const users = await Promise.all(
      Array.from({ length: 40 }, (_, i) => client.getUser({ userId: `u${i}` })),
    );
    expect(users.map(({ user }) => user?.id)).toEqual(
      Array.from({ length: 40 }, (_, i) => `u${i}`),
    );
    expect([streams - streamsBefore, sessions - sessionsBefore]).toEqual([0, 0]);
    expect(server.directConnections.size).toBeGreaterThan(0);
  });

  it("is refused with a wrong token, and each call then gets the server's own answer", async () => {
    const sessionsBefore = sessions;
    const failed = (await outcome(api(transport("wrong")).getUser({ userId: "x" }))) as {
      code: string;
      message: string;
    };
    expect(failed).toMatchObject({ code: "Unauthenticated", message: "wrong token" });
    // The refusal sent the call per call, on HTTP/2.
    expect(sessions - sessionsBefore).toBe(1);
  });

  it("keeps the process alive while a call waits, and not while the connection idles", async () => {
    const client = api(transport());
    await client.getUser({ userId: "open" });
    const refs = () =>
      process.getActiveResourcesInfo().filter((kind) => kind === "PipeWrap").length;
    const idle = refs();
    const waiting = client.getTeam({});
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(refs()).toBe(idle + 1);
    release();
    await waiting;
    expect(refs()).toBe(idle);
  });

  it("fails the calls waiting when the connection goes, and opens a new one for the next", async () => {
    const client = api(transport());
    await client.getUser({ userId: "open" });
    const waiting = outcome(client.getTeam({}));
    await new Promise((resolve) => setTimeout(resolve, 20));
    for (const socket of server.directConnections) socket.destroy();
    expect(((await waiting) as { code: string }).code).toBe("Unavailable");
    expect((await client.getUser({ userId: "after" })).user?.id).toBe("after");
  });

  it("ends only that connection, not the server, when a frame is malformed", async () => {
    const socket = connect(directChannelPath(socketPath));
    socket.on("error", () => {});
    const answers: Buffer[] = [];
    socket.on("data", (chunk: Buffer) => answers.push(chunk));
    const closed = new Promise((resolve) => socket.on("close", resolve));
    socket.write(
      encodeFrame(OpenRequestSchema, {
        callId: 0,
        headers: [{ name: "authorization", value: "Bearer right" }],
      }),
    );
    // A compressed frame: nothing on a plugin connection compresses.
    socket.write(Buffer.from([1, 0, 0, 0, 1, 0]));
    await closed;
    // The headers were accepted before the bad frame ended the connection.
    const accepted = decodeMessage(OpenResponseSchema, Buffer.concat(answers).subarray(5));
    expect(accepted.trailers).toEqual([]);
    expect((await api(transport()).getUser({ userId: "still" })).user?.id).toBe("still");
  });
});

// Streaming calls straight on a connection of their own (channel-stream.ts): real servers and
// clients on Unix sockets in a temporary folder, and hand-made peers for what ours never send.
import { mkdtempSync, rmSync } from "node:fs";
import type * as http2 from "node:http2";
import { connect, createServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Code, ConnectError, type ConnectRouter, createClient } from "@connectrpc/connect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OpenRequestSchema, OpenResponseSchema } from "../gen/plugwire/v1/channel_pb.js";
import { PluginAPI, PluginHooks } from "../index.js";
import { directChannelPath } from "./channel-server.js";
import { controlFlag, directStreamsHeader } from "./channel-stream-frames.js";
import { channelVersionHeader } from "./channel-version.js";
import { FrameSplitter } from "./frame-splitter.js";
import { createGrpcServer } from "./grpc-server.js";
import { createLeanGrpcTransport, type LeanGrpcTransport } from "./lean-grpc-transport.js";
import { decodeMessage, encodeFrame } from "./message-codec.js";

const MiB = 1024 * 1024;
const chunkBytes = 64 * 1024;
const serveHttpPath = "/plugwire.v1.PluginHooks/ServeHTTP";

let dir: string;
const servers: Server[] = [];
const transports: LeanGrpcTransport[] = [];

/** What the server's methods saw. */
const events: string[] = [];
/** Set by a test: how far the server's slow methods got. */
let serverRead = 0;
let serverSent = 0;
let releaseReader: () => void = () => {};
/** Set once a /wait request's head has reached the method. */
let serverSeenWaiting = false;

function routes(router: ConnectRouter): void {
  router.service(PluginHooks, {
    async *serveHTTP(requests, context) {
      let head = "";
      for await (const request of requests) {
        const { frame } = request;
        if (frame.case === "head") {
          head = frame.value.url;
          if (head === "/download") {
            // Sends until stopped, as fast as the connection takes it.
            while (serverSent < 64 * MiB && !context.signal.aborted) {
              serverSent += chunkBytes;
              yield { frame: { case: "body", value: { data: new Uint8Array(chunkBytes) } } };
            }
            return;
          }
          if (head === "/slow") {
            await new Promise<void>((resolve) => {
              releaseReader = resolve;
            });
          }
          if (head === "/wait") {
            serverSeenWaiting = true;
            context.signal.addEventListener("abort", () =>
              events.push(`aborted: ${ConnectError.from(context.signal.reason).code}`),
            );
          }
          continue;
        }
        if (frame.case === "body") {
          serverRead += frame.value.data.byteLength;
          if (head === "/echo") {
            yield { frame: { case: "body", value: { data: frame.value.data } } };
          }
        }
      }
      events.push(`${head}: input ended after ${serverRead} bytes`);
      yield { frame: { case: "body", value: { data: new Uint8Array([9]), end: true } } };
    },
  });
  // A streaming method behind an interceptor is not on the short path: never served direct.
  router.service(
    PluginAPI,
    {
      async *getFile() {
        yield { frame: { case: "data", value: new Uint8Array([1, 2, 3]) } };
      },
    },
    { interceptors: [(next) => (request) => next(request)] },
  );
}

/** A lean server at `name`.sock with its direct channel beside it; counts both kinds of use. */
async function leanServer(name: string) {
  const server = createGrpcServer({
    routes,
    authorize(header) {
      if (header.authorization !== "Bearer right") {
        throw new ConnectError("wrong token", Code.Unauthenticated);
      }
    },
  });
  const socketPath = join(dir, `${name}.sock`);
  const counts = { h2Streams: [] as string[], directConnections: 0 };
  server.on("stream", (_stream: http2.ServerHttp2Stream, header: http2.IncomingHttpHeaders) =>
    counts.h2Streams.push(String(header[":path"])),
  );
  server.directChannel.on("connection", () => counts.directConnections++);
  await listenAt(server, socketPath);
  await listenAt(server.directChannel, directChannelPath(socketPath));
  return { server, socketPath, counts };
}

function listenAt(server: Server | http2.Http2Server, path: string): Promise<void> {
  servers.push(server as Server);
  return new Promise((resolve) => server.listen(path, resolve));
}

function transportFor(
  socketPath: string,
  directPath = directChannelPath(socketPath),
  token = "right",
) {
  const transport = createLeanGrpcTransport({
    baseUrl: "http://localhost",
    createConnection: () => connect(socketPath),
    directChannel: () => connect(directPath),
    header: { authorization: `Bearer ${token}` },
  });
  transports.push(transport);
  return transport;
}

/** A first unary call opens the direct channel, whose acceptance names the direct streams. */
async function warm(transport: LeanGrpcTransport): Promise<void> {
  await createClient(PluginHooks, transport)
    .onActivate({})
    .catch(() => {});
}

async function* request(url: string, chunks: number, onYield?: () => void) {
  yield { frame: { case: "head" as const, value: { method: "POST", url } } };
  for (let i = 0; i < chunks; i++) {
    onYield?.();
    yield { frame: { case: "body" as const, value: { data: new Uint8Array(chunkBytes).fill(i) } } };
  }
  yield { frame: { case: "body" as const, value: { end: true } } };
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "pw-ds-"));
});

afterAll(async () => {
  for (const transport of transports) transport.close();
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  rmSync(dir, { recursive: true, force: true });
});

describe("streams straight on a connection", () => {
  it("echoes 16 MiB while the client is still sending, on a connection of its own", async () => {
    const { socketPath, counts } = await leanServer("echo");
    const transport = transportFor(socketPath);
    await warm(transport);
    serverRead = 0;
    let received = 0;
    let last = 0;
    for await (const response of createClient(PluginHooks, transport).serveHTTP(
      request("/echo", 256),
    )) {
      if (response.frame.case === "body") {
        received += response.frame.value.data.byteLength;
        last = response.frame.value.data[0] ?? 0;
      }
    }
    expect(received).toBe(16 * MiB + 1);
    expect(last).toBe(9);
    expect(counts.h2Streams).not.toContain(serveHttpPath);
    // The call channel's connection, and the stream's.
    expect(counts.directConnections).toBe(2);
  });

  it("a client that stops mid-body aborts the method with Canceled", async () => {
    const { socketPath } = await leanServer("cancel");
    const transport = transportFor(socketPath);
    await warm(transport);
    events.length = 0;
    const abort = new AbortController();
    async function* input() {
      yield { frame: { case: "head" as const, value: { method: "POST", url: "/wait" } } };
      yield { frame: { case: "body" as const, value: { data: new Uint8Array(chunkBytes) } } };
      await new Promise((resolve) => setTimeout(resolve, 50));
      abort.abort();
      await new Promise(() => {});
    }
    const call = (async () => {
      for await (const _ of createClient(PluginHooks, transport).serveHTTP(input(), {
        signal: abort.signal,
      })) {
        // Nothing comes back before the end.
      }
    })();
    await expect(call).rejects.toMatchObject({ code: Code.Canceled });
    await expect.poll(() => events).toEqual([`aborted: ${Code.Canceled}`]);
  });

  it("holds a fast sender back while the method does not read, and loses nothing", async () => {
    const { socketPath } = await leanServer("slow-reader");
    const transport = transportFor(socketPath);
    await warm(transport);
    serverRead = 0;
    let yielded = 0;
    const responses = createClient(PluginHooks, transport).serveHTTP(
      request("/slow", 512, () => {
        yielded += chunkBytes;
      }),
    );
    const done = (async () => {
      for await (const _ of responses) {
        // The end frame.
      }
    })();
    await new Promise((resolve) => setTimeout(resolve, 300));
    // The windows (1 MiB at each end) and the socket's buffer, not the 32 MiB on offer.
    expect(yielded).toBeLessThan(4 * MiB);
    releaseReader();
    await done;
    expect(serverRead).toBe(32 * MiB);
  });

  it("holds a fast method back while the caller does not read", async () => {
    const { socketPath } = await leanServer("slow-caller");
    const transport = transportFor(socketPath);
    await warm(transport);
    serverSent = 0;
    const responses = createClient(PluginHooks, transport)
      .serveHTTP(request("/download", 0))
      [Symbol.asyncIterator]();
    const first = await responses.next();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(serverSent).toBeLessThan(4 * MiB);
    let received = first.value?.frame.case === "body" ? first.value.frame.value.data.byteLength : 0;
    for (;;) {
      const next = await responses.next();
      if (next.done) break;
      if (next.value.frame.case === "body") received += next.value.frame.value.data.byteLength;
    }
    expect(received).toBe(64 * MiB);
  });

  it("fails a stream in flight with Canceled when the transport closes, as HTTP/2's", async () => {
    const { socketPath } = await leanServer("closing");
    const transport = transportFor(socketPath);
    await warm(transport);
    events.length = 0;
    serverSeenWaiting = false;
    async function* input() {
      yield { frame: { case: "head" as const, value: { method: "POST", url: "/wait" } } };
      await new Promise(() => {});
    }
    const call = (async () => {
      for await (const _ of createClient(PluginHooks, transport).serveHTTP(input())) {
        // Nothing comes back before the end.
      }
    })();
    await expect.poll(() => serverSeenWaiting).toBe(true);
    transport.close();
    await expect(call).rejects.toMatchObject({ code: Code.Canceled });
    await expect.poll(() => events).toEqual([`aborted: ${Code.Canceled}`]);
  });

  it("fails a call whose token the server refuses, as per call", async () => {
    const { socketPath, counts } = await leanServer("token");
    // The channel opens with the right token; the stream's own headers carry the wrong one.
    const transport = transportFor(socketPath);
    await warm(transport);
    const call = createClient(PluginHooks, transport).serveHTTP(request("/echo", 1), {
      headers: { authorization: "Bearer wrong" },
    });
    await expect(
      (async () => {
        for await (const _ of call) {
          // Fails first.
        }
      })(),
    ).rejects.toMatchObject({ code: Code.Unauthenticated, rawMessage: "wrong token" });
    expect(counts.h2Streams).not.toContain(serveHttpPath);
  });

  it("sends methods the acceptance does not name on HTTP/2", async () => {
    const { socketPath, counts } = await leanServer("named");
    const transport = transportFor(socketPath);
    await warm(transport);
    const parts: number[] = [];
    for await (const part of createClient(PluginAPI, transport).getFile({ fileId: "f" })) {
      if (part.frame.case === "data") parts.push(...part.frame.value);
    }
    expect(parts).toEqual([1, 2, 3]);
    expect(counts.h2Streams).toContain("/plugwire.v1.PluginAPI/GetFile");
  });
});

describe("peers that do not take streams straight on a connection", () => {
  /**
   * A direct channel that accepts (naming `streams` when given), answers every call with
   * use_stream (so calls run per call, on HTTP/2), and answers a stream's start with `onStream`.
   */
  async function fakeDirect(
    name: string,
    streams: string | undefined,
    onStream: (socket: Socket) => void,
  ) {
    const seen = { channels: 0, streams: 0 };
    const path = join(dir, `${name}.direct`);
    const server = createServer((socket) => {
      socket.on("error", () => {});
      socket.once("data", (first: Buffer) => {
        if (((first[0] as number) & controlFlag) !== 0) {
          seen.streams++;
          onStream(socket);
          return;
        }
        seen.channels++;
        let accepted = false;
        const frames = new FrameSplitter(MiB, (bytes) => {
          const call = decodeMessage(OpenRequestSchema, bytes);
          if (!accepted) {
            accepted = true;
            const headers = [{ name: channelVersionHeader, value: "1" }];
            if (streams !== undefined) headers.push({ name: directStreamsHeader, value: streams });
            socket.write(encodeFrame(OpenResponseSchema, { callId: 0, headers }));
            return;
          }
          socket.write(encodeFrame(OpenResponseSchema, { callId: call.callId, useStream: true }));
        });
        frames.push(first);
        socket.on("data", (chunk: Buffer) => frames.push(chunk));
      });
    });
    await listenAt(server, path);
    return { path, seen };
  }

  it("a server that names no streams gets them on HTTP/2, as before", async () => {
    const { socketPath, counts } = await leanServer("old-peer");
    const fake = await fakeDirect("old", undefined, (socket) => socket.destroy());
    const transport = transportFor(socketPath, fake.path);
    await warm(transport);
    serverRead = 0;
    let received = 0;
    for await (const response of createClient(PluginHooks, transport).serveHTTP(
      request("/echo", 4),
    )) {
      if (response.frame.case === "body") received += response.frame.value.data.byteLength;
    }
    expect(received).toBe(4 * chunkBytes + 1);
    expect(counts.h2Streams).toContain(serveHttpPath);
    expect(fake.seen).toEqual({ channels: 1, streams: 0 });
  });

  it("fails the call when the server's control frame is malformed", async () => {
    const { socketPath } = await leanServer("bad-control");
    const fake = await fakeDirect("bad", serveHttpPath, (socket) => {
      // A control frame whose message is not an OpenResponse.
      socket.write(Buffer.from([controlFlag, 0, 0, 0, 3, 0xff, 0xff, 0xff]));
    });
    const transport = transportFor(socketPath, fake.path);
    await warm(transport);
    await expect(
      (async () => {
        for await (const _ of createClient(PluginHooks, transport).serveHTTP(request("/echo", 1))) {
          // Fails first.
        }
      })(),
    ).rejects.toMatchObject({ code: Code.Internal });
    expect(fake.seen.streams).toBe(1);
  });

  it("fails the call when the server sends a compressed message", async () => {
    const { socketPath } = await leanServer("compressed");
    const fake = await fakeDirect("zip", serveHttpPath, (socket) => {
      const head = encodeFrame(OpenResponseSchema, {});
      head[0] = controlFlag;
      socket.write(Buffer.concat([head, Buffer.from([1, 0, 0, 0, 1, 0])]));
    });
    const transport = transportFor(socketPath, fake.path);
    await warm(transport);
    await expect(
      (async () => {
        for await (const _ of createClient(PluginHooks, transport).serveHTTP(request("/echo", 1))) {
          // Fails first.
        }
      })(),
    ).rejects.toMatchObject({ code: Code.Internal });
  });
});

describe("a direct stream's server, given what no caller of ours sends", () => {
  /** Sends `bytes` on a new connection to the server's direct socket; resolves with the answer. */
  function exchange(socketPath: string, bytes: Buffer): Promise<Buffer> {
    return new Promise((resolve) => {
      const socket = connect(directChannelPath(socketPath));
      const answer: Buffer[] = [];
      socket.on("data", (chunk: Buffer) => answer.push(chunk));
      socket.on("error", () => {});
      socket.on("close", () => resolve(Buffer.concat(answer)));
      socket.write(bytes);
    });
  }

  function start(path: string, token = "right"): Buffer {
    const frame = encodeFrame(OpenRequestSchema, {
      path,
      headers: [{ name: "authorization", value: `Bearer ${token}` }],
    });
    frame[0] = controlFlag;
    return frame;
  }

  function answers(bytes: Buffer) {
    const found: { control: boolean; length: number; trailers?: Record<string, string> }[] = [];
    for (let at = 0; at + 5 <= bytes.byteLength; ) {
      const length = bytes.readUInt32BE(at + 1);
      const control = ((bytes[at] as number) & controlFlag) !== 0;
      const message = bytes.subarray(at + 5, at + 5 + length);
      if (control) {
        const response = decodeMessage(OpenResponseSchema, message);
        const trailers = Object.fromEntries(response.trailers.map((t) => [t.name, t.value]));
        found.push({ control, length, trailers });
      } else {
        found.push({ control, length });
      }
      at += 5 + length;
    }
    return found;
  }

  it("ends the connection on a control frame over its limit", async () => {
    const { socketPath } = await leanServer("huge-control");
    const answer = await exchange(socketPath, Buffer.from([controlFlag, 0, 16, 0, 0]));
    expect(answer.byteLength).toBe(0);
  });

  it("answers a start that names an unknown method with Unimplemented", async () => {
    const { socketPath } = await leanServer("unknown");
    const answer = answers(await exchange(socketPath, start("/plugwire.v1.PluginHooks/Nope")));
    expect(answer).toEqual([
      expect.objectContaining({
        control: true,
        trailers: expect.objectContaining({ "grpc-status": String(Code.Unimplemented) }),
      }),
    ]);
  });

  it("answers a start with a wrong token with Unauthenticated, before the method runs", async () => {
    const { socketPath } = await leanServer("wrong-token");
    const answer = answers(await exchange(socketPath, start(serveHttpPath, "wrong")));
    expect(answer).toEqual([
      expect.objectContaining({
        trailers: expect.objectContaining({
          "grpc-status": String(Code.Unauthenticated),
          "grpc-message": "wrong%20token",
        }),
      }),
    ]);
  });

  it("ends the call with an error on a compressed message", async () => {
    const { socketPath } = await leanServer("zip-in");
    const compressed = Buffer.from([1, 0, 0, 0, 1, 0]);
    const end = Buffer.from([controlFlag, 0, 0, 0, 0]);
    const answer = answers(
      await exchange(socketPath, Buffer.concat([start(serveHttpPath), compressed, end])),
    );
    const last = answer.at(-1);
    expect(last?.control).toBe(true);
    expect(last?.trailers?.["grpc-status"]).toBe(String(Code.Internal));
  });
});

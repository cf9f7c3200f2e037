// PluginHTTP (serve-once.ts) in memory: the ServeHTTP handler answering requests that arrive
// whole, with the response body whole or continued on ServeHTTPRest.
import { Code, ConnectError, createClient, createRouterTransport } from "@connectrpc/connect";
import { fromConnectError, NotFoundError } from "@plugwire/errors";
import { MAX_CHUNK_BYTES, PluginAPI, PluginHTTP } from "@plugwire/protocol";
import { describe, expect, it, vi } from "vitest";
import { definePlugin } from "../hooks/define-plugin.js";
import type { HookHandlers } from "../hooks/hook-handlers.js";
import { createPluginRoutes } from "../hooks/plugin-routes.js";
import { restWaitMs } from "./serve-once.js";

function serve(handlers: Partial<HookHandlers>) {
  const served = createPluginRoutes(definePlugin(handlers), {
    api: createRouterTransport((router) => router.service(PluginAPI, {})),
    logSink: () => {},
  });
  return createClient(PluginHTTP, createRouterTransport(served.routes));
}

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

/** A response body of `total` bytes made in `chunk`-byte pieces as the reader asks. */
function slowBody(total: number, chunk: number, onCancel?: () => void): ReadableStream<Uint8Array> {
  let sent = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent >= total) {
        controller.close();
        return;
      }
      const size = Math.min(chunk, total - sent);
      controller.enqueue(new Uint8Array(size).fill(sent / chunk));
      sent += size;
    },
    cancel: () => onCancel?.(),
  });
}

describe("PluginHTTP", () => {
  it("answers a request whole: the handler's Request, and its Response's head and body", async () => {
    const http = serve({
      async ServeHTTP(ctx, request) {
        return Response.json({
          method: request.method,
          url: request.url,
          body: await request.text(),
          user: ctx.userId,
        });
      },
    });
    const answer = await http.serveHTTPOnce({
      head: {
        method: "POST",
        url: "/echo?x=1",
        headers: [{ name: "content-type", value: "text/plain" }],
        context: { userId: "u1" },
      },
      body: new TextEncoder().encode("hello"),
    });
    expect(answer.head?.status).toBe(200);
    expect(answer.head?.headers).toContainEqual(
      expect.objectContaining({ name: "content-type", value: "application/json" }),
    );
    expect(JSON.parse(text(answer.body))).toEqual({
      method: "POST",
      url: "http://localhost/echo?x=1",
      body: "hello",
      user: "u1",
    });
    expect(answer.restId).toBe(0);
  });

  it("answers a response without a body with its head alone", async () => {
    const http = serve({ ServeHTTP: () => new Response(null, { status: 204 }) });
    const answer = await http.serveHTTPOnce({ head: { method: "GET", url: "/" } });
    expect(answer.head?.status).toBe(204);
    expect(answer.body.byteLength).toBe(0);
    expect(answer.restId).toBe(0);
  });

  it("sends a body over 64 KiB as its first 64 KiB, and the rest, once, on ServeHTTPRest", async () => {
    const total = MAX_CHUNK_BYTES * 3 + 123;
    let signal: AbortSignal | undefined;
    const http = serve({
      ServeHTTP(_ctx, request) {
        signal = request.signal;
        return new Response(slowBody(total, 10_000));
      },
    });
    const answer = await http.serveHTTPOnce({ head: { method: "GET", url: "/big" } });
    expect(answer.body.byteLength).toBe(MAX_CHUNK_BYTES);
    expect(answer.restId).not.toBe(0);
    // The exchange goes on while the rest waits.
    expect(signal?.aborted).toBe(false);
    const parts: Uint8Array[] = [answer.body];
    for await (const part of http.serveHTTPRest({ restId: answer.restId })) {
      expect(part.data.byteLength).toBeLessThanOrEqual(MAX_CHUNK_BYTES);
      parts.push(part.data);
    }
    const whole = Buffer.concat(parts);
    expect(whole.byteLength).toBe(total);
    expect(whole.equals(Buffer.concat([...slowChunks(total, 10_000)]))).toBe(true);
    expect(signal?.aborted).toBe(true);
    // Read once: the id is gone.
    await expect(drain(http.serveHTTPRest({ restId: answer.restId }))).rejects.toMatchObject({
      code: Code.NotFound,
    });
  });

  it("cancels the body, and aborts the handler's signal, when the host stops reading the rest", async () => {
    let cancelled = false;
    let signal: AbortSignal | undefined;
    const http = serve({
      ServeHTTP(_ctx, request) {
        signal = request.signal;
        return new Response(
          slowBody(MAX_CHUNK_BYTES * 100, MAX_CHUNK_BYTES, () => {
            cancelled = true;
          }),
        );
      },
    });
    const answer = await http.serveHTTPOnce({ head: { method: "GET", url: "/huge" } });
    // As the host does when its client goes away: it aborts the call.
    const host = new AbortController();
    await expect(
      (async () => {
        for await (const _part of http.serveHTTPRest(
          { restId: answer.restId },
          { signal: host.signal },
        )) {
          host.abort();
        }
      })(),
    ).rejects.toMatchObject({ code: Code.Canceled });
    await expect.poll(() => cancelled).toBe(true);
    expect(signal?.aborted).toBe(true);
  });

  it("drops the rest when the host does not ask for it within restWaitMs", async () => {
    // Only the timers: the streams and the in-memory transport run on promises, which must
    // stay real. Faked before the call, since the wait starts when ServeHTTPOnce answers.
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    try {
      let cancelled = false;
      let requestSignal: AbortSignal | undefined;
      let contextSignal: AbortSignal | undefined;
      const http = serve({
        ServeHTTP(ctx, request) {
          requestSignal = request.signal;
          contextSignal = ctx.signal;
          return new Response(
            slowBody(MAX_CHUNK_BYTES * 3, MAX_CHUNK_BYTES, () => {
              cancelled = true;
            }),
          );
        },
      });
      const answer = await http.serveHTTPOnce({ head: { method: "GET", url: "/unread" } });
      expect(answer.restId).not.toBe(0);

      await vi.advanceTimersByTimeAsync(restWaitMs - 1);
      expect(cancelled).toBe(false);
      expect(requestSignal?.aborted).toBe(false);

      await vi.advanceTimersByTimeAsync(1);
      expect(cancelled).toBe(true);
      for (const signal of [requestSignal, contextSignal]) {
        expect(signal?.aborted).toBe(true);
        expect(signal?.reason).toBeInstanceOf(ConnectError);
        expect(signal?.reason).toMatchObject({ code: Code.DeadlineExceeded });
        expect(String(signal?.reason?.message)).toContain(`${restWaitMs} ms`);
      }
      await expect(drain(http.serveHTTPRest({ restId: answer.restId }))).rejects.toMatchObject({
        code: Code.NotFound,
      });
    } finally {
      vi.useRealTimers();
    }
  });

  it("answers a handler's error as ServeHTTP does, naming the hook", async () => {
    const http = serve({
      ServeHTTP() {
        throw new NotFoundError({ message: "no such route" });
      },
    });
    const error = await http.serveHTTPOnce({ head: { method: "GET", url: "/" } }).then(
      () => undefined,
      (reason: unknown) => fromConnectError(ConnectError.from(reason)),
    );
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error?.message).toContain("no such route");
  });

  it("is not served by a plugin without a ServeHTTP handler", async () => {
    const http = serve({ OnActivate() {} });
    await expect(http.serveHTTPOnce({ head: { method: "GET", url: "/" } })).rejects.toMatchObject({
      code: Code.Unimplemented,
    });
  });
});

function* slowChunks(total: number, chunk: number): Generator<Uint8Array> {
  for (let sent = 0; sent < total; sent += chunk) {
    yield new Uint8Array(Math.min(chunk, total - sent)).fill(sent / chunk);
  }
}

async function drain(stream: AsyncIterable<unknown>): Promise<void> {
  for await (const _item of stream) {
    // Only the outcome matters.
  }
}

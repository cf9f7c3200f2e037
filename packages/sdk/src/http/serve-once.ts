// PluginHTTP: the plugin's ServeHTTP handler for requests that arrive whole (ServeHTTPOnce).
// The host sends a request with a small, known body as one call, which travels as one frame
// each way on the call channel; the answer holds the whole response body when it fits in one
// part (64 KiB), else its first part and an id under which ServeHTTPRest streams the rest.
//
// The handler sees what it sees under ServeHTTP: the same Request, HookContext and errors.
// Its signal (request.signal, ctx.signal) aborts when the host cancels the request, and once
// the response has been sent whole, which for a body with a rest is when that stream ends.
import { Code, ConnectError, type HandlerContext, type ServiceImpl } from "@connectrpc/connect";
import { MAX_CHUNK_BYTES, type PluginHTTP } from "@plugwire/protocol";
import { concatChunks, splitChunks } from "../chunks.js";
import type { CallSignalSource } from "../hooks/hook-context.js";
import { hookContext } from "../hooks/hook-context.js";
import { hookFailure } from "../hooks/hook-failure.js";
import type { HookHandlers } from "../hooks/hook-handlers.js";
import type { Plugin } from "../plugin/plugin.js";
import { responseParts, toFetchRequest } from "./fetch-bridge.js";
import { serveInScope } from "./inter-plugin-scope.js";
import { isResponse } from "./light-response.js";

/** How long the rest of a body waits for the host's ServeHTTPRest. */
export const restWaitMs = 30_000;

/**
 * The signal of one request served whole: made when the handler first reads it; follows the
 * ServeHTTPOnce call until its answer is sent, then the rest of the body, if any.
 */
class ExchangeSignal implements CallSignalSource {
  private controller: AbortController | undefined;
  private reason: unknown;
  /** Set once ServeHTTPOnce has answered: its call completing no longer ends the exchange. */
  answered = false;

  constructor(private readonly call: HandlerContext) {}

  get signal(): AbortSignal {
    if (this.controller === undefined) {
      this.controller = new AbortController();
      if (this.reason !== undefined) {
        this.controller.abort(this.reason);
      } else if (!this.answered) {
        const call = this.call.signal;
        call.addEventListener("abort", () => {
          if (!this.answered) this.abort(call.reason);
        });
      }
    }
    return this.controller.signal;
  }

  /** Ends the exchange; the first reason wins. */
  abort(reason: unknown): void {
    if (this.reason !== undefined) {
      return;
    }
    this.reason = reason;
    this.controller?.abort(reason);
  }

  /** The response has been sent whole. */
  complete(): void {
    this.abort(exchangeComplete());
  }
}

let completeReason: ConnectError | undefined;
function exchangeComplete(): ConnectError {
  completeReason ??= new ConnectError("the response has been sent", Code.Canceled);
  return completeReason;
}

/** A response body's rest, waiting for ServeHTTPRest. */
interface Rest {
  reader: ReadableStreamDefaultReader<Uint8Array>;
  /** Read past the first part already. */
  leftover: Uint8Array;
  exchange: ExchangeSignal;
  timer: NodeJS.Timeout;
}

/** The PluginHTTP service of a plugin whose ServeHTTP handler is `handler`. */
export function pluginHttpService(
  plugin: Plugin,
  handler: HookHandlers["ServeHTTP"],
): ServiceImpl<typeof PluginHTTP> {
  const rests = new Map<number, Rest>();
  let lastId = 0;

  function keep(rest: Omit<Rest, "timer">): number {
    let id = (lastId + 1) >>> 0;
    while (id === 0 || rests.has(id)) id = (id + 1) >>> 0;
    lastId = id;
    const timer = setTimeout(() => {
      rests.delete(id);
      void rest.reader.cancel().catch(() => {});
      rest.exchange.abort(
        new ConnectError(
          `the host did not read the rest of the response within ${restWaitMs} ms`,
          Code.DeadlineExceeded,
        ),
      );
    }, restWaitMs);
    timer.unref();
    rests.set(id, { ...rest, timer });
    return id;
  }

  return {
    async serveHTTPOnce(request, context) {
      const { head } = request;
      if (head === undefined) {
        throw new ConnectError("ServeHTTPOnce: the request has no head", Code.InvalidArgument);
      }
      const exchange = new ExchangeSignal(context);
      const fetchRequest = toFetchRequest(head, request.body, exchange);
      try {
        const result = await serveInScope(head, context, exchange, () =>
          handler.call(plugin, hookContext(head.context, exchange), fetchRequest),
        );
        const response = fetchResponse(result);
        const { status, headers, body } = responseParts(response);
        const responseHead = { status, headers };
        if (body !== undefined && body.byteLength <= MAX_CHUNK_BYTES) {
          // Kept whole by a LightResponse: no stream to read.
          exchange.answered = true;
          exchange.complete();
          return { head: responseHead, body };
        }
        if (response.body === null) {
          exchange.answered = true;
          exchange.complete();
          return { head: responseHead };
        }
        const reader = response.body.getReader();
        const parts: Uint8Array[] = [];
        let bytes = 0;
        for (;;) {
          const next = await reader.read();
          if (next.done) {
            exchange.answered = true;
            exchange.complete();
            return { head: responseHead, body: concatChunks(parts) };
          }
          parts.push(next.value);
          bytes += next.value.byteLength;
          if (bytes > MAX_CHUNK_BYTES) {
            break;
          }
        }
        const read = concatChunks(parts);
        const restId = keep({ reader, leftover: read.subarray(MAX_CHUNK_BYTES), exchange });
        exchange.answered = true;
        return { head: responseHead, body: read.subarray(0, MAX_CHUNK_BYTES), restId };
      } catch (reason) {
        exchange.abort(reason);
        throw hookFailure("ServeHTTP", reason);
      }
    },

    async *serveHTTPRest(request, context) {
      const rest = rests.get(request.restId);
      if (rest === undefined) {
        throw new ConnectError(
          `ServeHTTPRest: no response body waits under id ${request.restId}; it was read already, or not within ${restWaitMs} ms`,
          Code.NotFound,
        );
      }
      rests.delete(request.restId);
      clearTimeout(rest.timer);
      let ended = false;
      let stopped = false;
      // The host stopped reading (its client went away): the body is cancelled at once, even
      // while this generator waits at a yield for a reader that will not come back.
      const stop = () => {
        if (ended || stopped) return;
        stopped = true;
        void rest.reader.cancel().catch(() => {});
        rest.exchange.abort(new ConnectError("the host stopped reading", Code.Canceled));
      };
      context.signal.addEventListener("abort", stop, { once: true });
      try {
        yield* parts(rest.leftover);
        for (;;) {
          const next = await rest.reader.read();
          if (next.done) break;
          yield* parts(next.value);
        }
        ended = true;
      } catch (reason) {
        rest.exchange.abort(reason);
        throw hookFailure("ServeHTTP", reason);
      } finally {
        context.signal.removeEventListener("abort", stop);
        if (ended) {
          rest.exchange.complete();
        } else {
          stop();
        }
      }
    },
  };
}

function* parts(data: Uint8Array): Generator<{ data: Uint8Array }> {
  for (const part of splitChunks(data)) {
    yield { data: part };
  }
}

/** The handler's result when it is a Response (plain JavaScript may return anything). */
export function fetchResponse(value: unknown): Response {
  if (!isResponse(value)) {
    throw new TypeError(
      `the handler must return a Response, not ${value === null ? "null" : typeof value}`,
    );
  }
  return value;
}

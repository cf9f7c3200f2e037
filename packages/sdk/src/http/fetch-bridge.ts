// ServeHTTP and ServeMetrics speak the Fetch API: the request frames become a Request, and the
// handler's Response becomes response frames, its body streamed out in chunks of at most 64 KiB.
import type { MessageInitShape } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import type {
  HTTPHeaderSchema,
  HTTPRequestHead,
  ServeHTTPRequest,
  ServeHTTPResponseSchema,
} from "@plugwire/protocol";
import { splitChunks } from "../chunks.js";
import type { CallSignalSource } from "../hooks/hook-context.js";

type ResponseFrame = MessageInitShape<typeof ServeHTTPResponseSchema>;

/** The origin of every request a handler sees; the host passes only the path below the plugin. */
const origin = "http://localhost";

const endOfBody: ResponseFrame = { frame: { case: "body", value: { end: true } } };

/**
 * The Request for a request head; `body` yields the frames after the head, or is the whole
 * body. GET and HEAD carry no body; for other methods a streamed body comes in as the handler
 * reads it. `request.signal` is the call's signal, read from `call` when the handler first
 * reads it.
 */
export function toFetchRequest(
  head: HTTPRequestHead,
  body: AsyncIterator<ServeHTTPRequest> | Uint8Array | undefined,
  call: CallSignalSource,
): Request {
  if (!head.url.startsWith("/")) {
    throw new ConnectError(
      `the request URL must be a path starting with "/", got ${JSON.stringify(head.url)}`,
      Code.InvalidArgument,
    );
  }
  const method = head.method || "GET";
  const init: RequestInit & { duplex?: "half" } = {
    method,
    headers: head.headers.map((header): [string, string] => [header.name, header.value]),
  };
  if (body instanceof Uint8Array) {
    // A whole body (ServeHTTPOnce): no stream to make.
    if (body.byteLength > 0 && method !== "GET" && method !== "HEAD") {
      init.body = body;
    }
  } else if (body !== undefined && method !== "GET" && method !== "HEAD") {
    init.body = requestBody(body);
    // Required by Node's fetch for a streamed request body.
    init.duplex = "half";
  }
  try {
    pluginRequestClass ??= definePluginRequest();
    return new pluginRequestClass(origin + head.url, init, call);
  } catch (reason) {
    throw new ConnectError(`bad request head: ${String(reason)}`, Code.InvalidArgument);
  }
}

type PluginRequestClass = new (url: string, init: RequestInit, call: CallSignalSource) => Request;

/** Made on first use: the Fetch API loads when first touched, and a plugin may never serve HTTP. */
let pluginRequestClass: PluginRequestClass | undefined;

/**
 * A Request whose signal is the call's own (the handler's `request.signal` is documented to be
 * `ctx.signal`) rather than one the Request makes to follow it, which would cost a listener,
 * an extra signal and an abort per request. A getter on a subclass, not a property defined on
 * each request, which would reshape every one.
 */
function definePluginRequest(): PluginRequestClass {
  return class PluginRequest extends Request {
    readonly #call: CallSignalSource;

    constructor(url: string, init: RequestInit, call: CallSignalSource) {
      super(url, init);
      this.#call = call;
    }

    // @ts-expect-error: the DOM types declare `signal` a property; Request defines it as a
    // getter on its prototype, which this one overrides.
    override get signal(): AbortSignal {
      return this.#call.signal;
    }
  };
}

function requestBody(frames: AsyncIterator<ServeHTTPRequest>): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        // Loop until one chunk is enqueued: empty chunks must not look like a stalled body.
        for (;;) {
          const next = await frames.next();
          if (next.done === true) {
            controller.close();
            return;
          }
          const { frame } = next.value;
          if (frame.case !== "body") {
            throw new ConnectError("expected a body frame after the head", Code.InvalidArgument);
          }
          if (frame.value.data.byteLength > 0) {
            controller.enqueue(frame.value.data);
          }
          if (frame.value.end) {
            controller.close();
            return;
          }
          if (frame.value.data.byteLength > 0) {
            return;
          }
        }
      },
      async cancel() {
        await frames.return?.();
      },
    },
    { highWaterMark: 0 },
  );
}

/** The response frames of a Response: the head, the body's chunks, then a final end chunk. */
export async function* responseFrames(response: Response): AsyncGenerator<ResponseFrame> {
  yield {
    frame: {
      case: "head",
      value: { status: response.status, headers: headerList(response.headers) },
    },
  };
  if (response.body !== null) {
    for await (const chunk of response.body) {
      for (const data of splitChunks(chunk)) {
        yield { frame: { case: "body", value: { data } } };
      }
    }
  }
  yield endOfBody;
}

/** Header fields in order; repeated Set-Cookie fields stay separate. */
export function headerList(headers: Headers): MessageInitShape<typeof HTTPHeaderSchema>[] {
  const list: MessageInitShape<typeof HTTPHeaderSchema>[] = [];
  for (const [name, value] of headers) {
    list.push({ name, value });
  }
  return list;
}

/** The Response's body in one array, for ServeMetrics, which answers in one message. */
export async function responseBytes(response: Response): Promise<Uint8Array> {
  return new Uint8Array(await response.arrayBuffer());
}

// The Request a plugin's HTTP handler receives. Making a Fetch Request costs about 8 µs on
// Node 20 (URL parsing, an AbortSignal, the body's web stream), most of which a handler that
// reads the method, URL and headers never needs. This Request holds the method, URL, headers
// and the call's signal itself; the runtime's Request is made only when a member it does not
// hold is touched (body, clone(), formData(), …). A body that came whole is read by text(),
// json() and arrayBuffer() without a stream.
import { Code, ConnectError } from "@connectrpc/connect";
import type { HTTPHeader, ServeHTTPRequest } from "@plugwire/protocol";
import type { CallSignalSource } from "../hooks/hook-context.js";
import { delegateMembers } from "./delegate-members.js";
import { defineLazyGlobal, nativeRequestClass } from "./native-fetch.js";

/** Where the bytes of a request body come from: whole, or the call's frames still to come. */
export type RequestBodySource = Uint8Array | AsyncIterator<ServeHTTPRequest> | undefined;

interface Parts {
  url: string;
  method: string;
  /** The fields as the host sent them, until the headers are asked for. */
  fields: readonly HTTPHeader[] | undefined;
  headers: Headers | undefined;
  body: RequestBodySource;
  call: CallSignalSource;
  /** Whether the whole body was read here, without the runtime's Request. */
  used: boolean;
  native?: Request;
}

const partsOf = Symbol("plugwire.requestParts");

interface LightRequestFields {
  [partsOf]: Parts;
}

let pluginRequest: typeof Request | undefined;

/**
 * The global Request of a plugin process once installed: the runtime's, except that a light
 * request given as the input is first made real, so `new Request(request, init)` works. Made,
 * and LightRequest linked to the runtime's Request, the first time either is needed.
 */
export function pluginRequestClass(): typeof Request {
  if (pluginRequest === undefined) {
    const native = nativeRequestClass();
    class PluginRequest extends native {
      /** Once installed as the global Request, every runtime Request is a Request too. */
      static override [Symbol.hasInstance](value: unknown): boolean {
        return value instanceof native;
      }

      constructor(input: ConstructorParameters<typeof Request>[0], init?: RequestInit) {
        super(input instanceof LightRequest ? nativeRequest(input) : input, init);
      }
    }
    delegateMembers(
      LightRequest.prototype,
      native.prototype,
      (self) => nativeRequest(self as LightRequest),
      PluginRequest.prototype,
    );
    pluginRequest = PluginRequest;
  }
  return pluginRequest;
}

/**
 * A request head and body that behave as a Request: an instance of the runtime's Request (and
 * of PluginRequest), with its signal the call's own (read from `call` only when asked for).
 */
export class LightRequest {
  constructor(
    url: string,
    method: string,
    fields: readonly HTTPHeader[],
    body: RequestBodySource,
    call: CallSignalSource,
  ) {
    if (pluginRequest === undefined) pluginRequestClass();
    (this as unknown as LightRequestFields)[partsOf] = {
      url,
      method,
      fields,
      headers: undefined,
      body,
      call,
      used: false,
    };
  }

  get url(): string {
    return parts(this).url;
  }

  get method(): string {
    return parts(this).method;
  }

  get headers(): Headers {
    const state = parts(this);
    return state.native?.headers ?? headersOf(state);
  }

  get signal(): AbortSignal {
    return parts(this).call.signal;
  }

  get bodyUsed(): boolean {
    const { native, used } = parts(this);
    return native?.bodyUsed ?? used;
  }

  async text(): Promise<string> {
    const bytes = wholeBody(this);
    return bytes === undefined ? nativeRequest(this).text() : new TextDecoder().decode(bytes);
  }

  async json(): Promise<unknown> {
    const bytes = wholeBody(this);
    return bytes === undefined
      ? nativeRequest(this).json()
      : JSON.parse(new TextDecoder().decode(bytes));
  }

  async arrayBuffer(): Promise<ArrayBuffer> {
    const bytes = wholeBody(this);
    if (bytes === undefined) {
      return nativeRequest(this).arrayBuffer();
    }
    const copy = new ArrayBuffer(bytes.byteLength);
    new Uint8Array(copy).set(bytes);
    return copy;
  }
}

/** Makes PluginRequest the global Request of this process, made when first read. */
export function installPluginRequest(): void {
  defineLazyGlobal("Request", pluginRequestClass);
}

/** Whether the runtime's Request has been made for a light request (for specs and the bench). */
export function isMaterialized(request: Request): boolean {
  return request instanceof LightRequest && parts(request).native !== undefined;
}

/**
 * The request's Headers, made from the host's fields when first asked for. The host sends only
 * fields its HTTP parser accepted, which the Headers class accepts too.
 */
function headersOf(state: Parts): Headers {
  if (state.headers === undefined) {
    const headers = new Headers();
    for (const field of state.fields ?? []) {
      headers.append(field.name, field.value);
    }
    state.headers = headers;
    state.fields = undefined;
  }
  return state.headers;
}

function parts(request: LightRequest): Parts {
  return (request as unknown as LightRequestFields)[partsOf];
}

/**
 * The whole body, marked read, when it came whole and nothing read it yet; undefined when the
 * runtime's Request must answer (a streamed body, or one already made real). A body read
 * twice fails as the runtime's does.
 */
function wholeBody(request: LightRequest): Uint8Array | undefined {
  const state = parts(request);
  if (state.native !== undefined) {
    return undefined;
  }
  if (state.body === undefined) {
    // No body reads as empty, any number of times, as the runtime's does.
    return new Uint8Array(0);
  }
  if (state.body instanceof Uint8Array) {
    if (state.used) {
      throw new TypeError("Body is unusable: Body has already been read");
    }
    state.used = true;
    return state.body;
  }
  return undefined;
}

/** The runtime's Request, made the first time a member this one does not hold is touched. */
function nativeRequest(request: LightRequest): Request {
  const state = parts(request);
  if (state.native === undefined) {
    const init: RequestInit & { duplex?: "half" } = {
      method: state.method,
      headers: headersOf(state),
    };
    if (state.body instanceof Uint8Array) {
      init.body = state.body;
    } else if (state.body !== undefined) {
      init.body = streamedBody(state.body);
      // Required by Node's fetch for a streamed request body.
      init.duplex = "half";
    }
    const native = new (nativeRequestClass())(state.url, init);
    if (state.used) {
      // Read here already: the real one is read too, so that it answers as read.
      void native.arrayBuffer().catch(() => {});
    }
    state.native = native;
  }
  return state.native;
}

function streamedBody(frames: AsyncIterator<ServeHTTPRequest>): ReadableStream<Uint8Array> {
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

// Typed dispatch of PluginHooks to one plugin process: the hooks its Implemented named, each
// unary hook under the hook deadline, ServeHTTP as a stream of head and body chunks. Every
// failure reaches the caller as a @plugwire/errors class that names the plugin and the hook.
//
// Deadlines: a unary hook gets `timeoutMs` (the supervisor's default is 30 s, the same value
// the plugin reads from PLUGWIRE_HOOK_TIMEOUT_MS). ServeHTTP has none, because a response may
// stream for as long as the client reads; the caller cancels it with its AbortSignal.
// FileWillBeUploaded streams a file each way under the hook deadline, for the whole call.
import type { MessageInitShape, MessageShape } from "@bufbuild/protobuf";
import { type Client, Code, ConnectError } from "@connectrpc/connect";
import { asPluginAPIError, InternalError, PluginAPIError, TimeoutError } from "@plugwire/errors";
import {
  ErrorDetailSchema,
  type FileWillBeUploadedHeadSchema,
  type FileWillBeUploadedRequestSchema,
  type FileWillBeUploadedResult,
  type HookName,
  type HTTPRequestHeadSchema,
  type HTTPResponseHead,
  isHookName,
  MAX_CHUNK_BYTES,
  PluginHooks,
  type PluginHTTP,
  type ServeHTTPOnceResponse,
  type ServeHTTPRequestSchema,
  type ServeHTTPResponse,
} from "@plugwire/protocol";
import { keepEncoding } from "@plugwire/protocol/grpc";

type HookMethods = (typeof PluginHooks)["method"];
type HookMethod<N extends HookName> = HookMethods[Uncapitalize<N>];

/** The hooks called with one request and answered with one response: all but the streamed ones. */
export type UnaryHookName = {
  [N in HookName]: HookMethod<N>["methodKind"] extends "unary" ? N : never;
}[HookName];

/** What FileWillBeUploaded is called with: the request context and the file's record. */
export type FileUploadHead = MessageInitShape<typeof FileWillBeUploadedHeadSchema>;

/** What a plugin answered FileWillBeUploaded. */
export interface FileUploadAnswer {
  result: FileWillBeUploadedResult;
  /** Bytes of replacement content the plugin wrote (0: it kept the upload's own). */
  written: number;
}
/** What a unary hook is called with, as a message or its init shape. */
export type HookRequest<N extends UnaryHookName> = MessageInitShape<HookMethod<N>["input"]>;
/** What a unary hook answers. */
export type HookResponse<N extends UnaryHookName> = MessageShape<HookMethod<N>["output"]>;

/** The start of an HTTP request for ServeHTTP. */
export type HTTPRequestHeadInit = MessageInitShape<typeof HTTPRequestHeadSchema>;

/** A plugin's HTTP response: its head, then its body in chunks of at most 64 KiB. */
export interface HTTPResponse {
  head: HTTPResponseHead;
  /** Ends after the plugin's last chunk; leaving the loop early cancels the stream. */
  body: AsyncIterable<Uint8Array>;
  /**
   * The whole body, when it came in one piece (a ServeHTTPOnce answer without a rest): what
   * `body` yields, there to send without a loop or chunked encoding.
   */
  whole?: Uint8Array;
}

export interface HookCallOptions {
  /** Cancels the call, e.g. when the request that caused it goes away. */
  signal?: AbortSignal;
  /**
   * ServeHTTP only: the deadline the plugin sees for the request, in ms from now (none unless
   * set), e.g. the caller's own deadline on an inter-plugin request.
   */
  timeoutMs?: number;
}

/** Hook dispatch as the app layer sees it, for one plugin. */
export interface HookDispatcher {
  readonly pluginId: string;
  /** Whether the plugin's Implemented named this hook. */
  implements(name: HookName): boolean;
  /** Calls a unary hook; answers undefined, without a call, when the plugin does not implement it. */
  callHook<N extends UnaryHookName>(
    name: N,
    request: HookRequest<N>,
    options?: HookCallOptions,
  ): Promise<HookResponse<N> | undefined>;
  /**
   * Streams an HTTP request to the plugin; answers undefined, without a call, when it does not
   * implement ServeHTTP. `body` may yield chunks of any size; they travel as ≤64 KiB frames.
   */
  serveHTTP(
    head: HTTPRequestHeadInit,
    body: AsyncIterable<Uint8Array>,
    options?: HookCallOptions,
  ): Promise<HTTPResponse | undefined>;
  /**
   * Sends an HTTP request whose body is whole and at most 64 KiB (empty for none) to the
   * plugin's ServeHTTP handler in one call; answers as serveHTTP does. Cheaper than serveHTTP
   * for such requests: one frame each way on the call channel, the response body with it when
   * it fits in 64 KiB.
   */
  serveHTTPOnce(
    head: HTTPRequestHeadInit,
    body: Uint8Array,
    options?: HookCallOptions,
  ): Promise<HTTPResponse | undefined>;
  /**
   * Streams a file to the plugin's FileWillBeUploaded while its replacement content, if any,
   * streams back into `output` (which must read it to the end and answer how many bytes it
   * kept); then the plugin's result. Answers undefined, without a call, when the plugin does
   * not implement the hook.
   */
  fileWillBeUploaded(
    head: FileUploadHead,
    content: AsyncIterable<Uint8Array>,
    output: (replacement: AsyncIterable<Uint8Array>) => Promise<number>,
    options?: HookCallOptions,
  ): Promise<FileUploadAnswer | undefined>;
}

type UnaryCall = (
  request: unknown,
  options: { signal?: AbortSignal; timeoutMs: number },
) => Promise<unknown>;

/**
 * Makes `request` one that several plugins are sent: its bytes are made once, now, and every
 * call of hook `name` with this same object sends them, instead of encoding it again for each
 * plugin. The request, and the messages it holds, must not change afterwards. A request that
 * does not encode is left as it is: each call then fails with the error, as before.
 */
export function shareHookRequest<N extends UnaryHookName>(
  name: N,
  request: HookRequest<N>,
): HookRequest<N> {
  try {
    keepEncoding(PluginHooks.method[localName(name)].input, request as never);
  } catch {
    // Each call encodes it again and fails with the reason.
  }
  return request;
}

/** The TimeoutErrors of the host's own deadline, as opposed to ones a plugin's handler sent. */
const deadlineErrors = new WeakSet<PluginAPIError>();

/** Whether a hook call failed because the plugin did not answer within the hook deadline. */
export function isHookDeadline(error: unknown): boolean {
  return error instanceof PluginAPIError && deadlineErrors.has(error);
}

/** Dispatches hooks to one running plugin process. */
export class HookClient implements HookDispatcher {
  private readonly implemented: ReadonlySet<HookName>;

  constructor(
    readonly pluginId: string,
    private readonly client: Client<typeof PluginHooks>,
    /** What Implemented answered; names this host does not know are ignored. */
    implemented: readonly string[],
    private readonly timeoutMs: number,
    /** PluginHTTP, for requests that arrive whole; without it they take ServeHTTP. */
    private readonly http?: Client<typeof PluginHTTP>,
  ) {
    this.implemented = new Set(implemented.filter(isHookName));
  }

  /** Set once the plugin answered ServeHTTPOnce with Unimplemented: an SDK from before it. */
  private withoutOnce = false;

  /** The hooks the plugin implements that this host knows. */
  implementedHooks(): HookName[] {
    return [...this.implemented];
  }

  implements(name: HookName): boolean {
    return this.implemented.has(name);
  }

  callHook<N extends UnaryHookName>(
    name: N,
    request: HookRequest<N>,
    options: HookCallOptions = {},
  ): Promise<HookResponse<N> | undefined> {
    if (!this.implements(name)) {
      return Promise.resolve(undefined);
    }
    const call = this.client[localName(name)] as unknown as UnaryCall;
    return call(request, { signal: options.signal, timeoutMs: this.timeoutMs }).then(
      (response) => response as HookResponse<N>,
      (reason: unknown) => {
        throw this.hookError(name, reason);
      },
    );
  }

  async serveHTTP(
    head: HTTPRequestHeadInit,
    body: AsyncIterable<Uint8Array>,
    options: HookCallOptions = {},
  ): Promise<HTTPResponse | undefined> {
    if (!this.implements("ServeHTTP")) {
      return undefined;
    }
    const stream = new AbortController();
    const cancel = () => stream.abort(options.signal?.reason);
    options.signal?.addEventListener("abort", cancel, { once: true });
    // Cancels the stream unless it ended by itself; aborting costs an error object per call.
    const finish = (ended = false) => {
      options.signal?.removeEventListener("abort", cancel);
      if (!ended) stream.abort();
    };
    const frames = this.client
      .serveHTTP(requestFrames(head, body), {
        signal: stream.signal,
        timeoutMs: options.timeoutMs,
      })
      [Symbol.asyncIterator]();
    let first: IteratorResult<ServeHTTPResponse>;
    try {
      first = await frames.next();
    } catch (reason) {
      finish();
      throw this.hookError("ServeHTTP", reason);
    }
    if (first.done || first.value.frame.case !== "head") {
      finish();
      throw this.protocolError("the first response frame must be the head");
    }
    return { head: first.value.frame.value, body: this.responseBody(frames, finish) };
  }

  async fileWillBeUploaded(
    head: FileUploadHead,
    content: AsyncIterable<Uint8Array>,
    output: (replacement: AsyncIterable<Uint8Array>) => Promise<number>,
    options: HookCallOptions = {},
  ): Promise<FileUploadAnswer | undefined> {
    if (!this.implements("FileWillBeUploaded")) {
      return undefined;
    }
    const stream = new AbortController();
    const cancel = () => stream.abort(options.signal?.reason);
    options.signal?.addEventListener("abort", cancel, { once: true });
    const frames = this.client
      .fileWillBeUploaded(fileFrames(head, content), {
        signal: stream.signal,
        timeoutMs: this.timeoutMs,
      })
      [Symbol.asyncIterator]();
    let result: FileWillBeUploadedResult | undefined;
    const protocolError = (problem: string) => this.protocolError("FileWillBeUploaded", problem);
    // The data frames until the result, which ends the replacement.
    async function* replacement(): AsyncGenerator<Uint8Array> {
      for (;;) {
        const next = await frames.next();
        if (next.done) throw protocolError("the answer ended without a result");
        const { frame } = next.value;
        if (frame.case === "result") {
          result = frame.value;
          return;
        }
        if (frame.case !== "data") throw protocolError("an answer frame is empty");
        if (frame.value.byteLength > 0) yield frame.value;
      }
    }
    let ended = false;
    try {
      const written = await output(replacement());
      if (result === undefined) throw protocolError("the output was not read to the result");
      // Read on to the trailers, so that the finished stream closes rather than being reset.
      if ((await frames.next()).done !== true) {
        throw protocolError("no frame may follow the result");
      }
      ended = true;
      return { result, written };
    } catch (reason) {
      throw reason instanceof PluginAPIError
        ? reason
        : this.hookError("FileWillBeUploaded", reason);
    } finally {
      options.signal?.removeEventListener("abort", cancel);
      if (!ended) stream.abort();
    }
  }

  /** Not an async function: on every proxied request's path, it adds no microtask turns. */
  serveHTTPOnce(
    head: HTTPRequestHeadInit,
    body: Uint8Array,
    options: HookCallOptions = {},
  ): Promise<HTTPResponse | undefined> {
    if (!this.implements("ServeHTTP")) {
      return Promise.resolve(undefined);
    }
    const http = this.http;
    if (http === undefined || this.withoutOnce) {
      return this.serveHTTP(head, wholeBody(body), options);
    }
    return http
      .serveHTTPOnce({ head, body }, { signal: options.signal, timeoutMs: options.timeoutMs })
      .then(
        (answer): HTTPResponse => {
          if (answer.head === undefined) {
            throw this.protocolError("the ServeHTTPOnce answer has no head");
          }
          const chunks = this.onceBody(http, answer, options.signal);
          return answer.restId === 0
            ? { head: answer.head, body: chunks, whole: answer.body }
            : { head: answer.head, body: chunks };
        },
        (reason: unknown) => {
          if (
            reason instanceof ConnectError &&
            reason.code === Code.Unimplemented &&
            reason.findDetails(ErrorDetailSchema).length === 0
          ) {
            this.withoutOnce = true;
            return this.serveHTTP(head, wholeBody(body), options);
          }
          throw this.hookError("ServeHTTP", reason);
        },
      );
  }

  /** The body of a ServeHTTPOnce answer: its part, then the rest when there is one. */
  private async *onceBody(
    http: Client<typeof PluginHTTP>,
    answer: ServeHTTPOnceResponse,
    signal: AbortSignal | undefined,
  ): AsyncGenerator<Uint8Array> {
    if (answer.body.byteLength > 0) {
      yield answer.body;
    }
    if (answer.restId === 0) {
      return;
    }
    const stream = new AbortController();
    const cancel = () => stream.abort(signal?.reason);
    signal?.addEventListener("abort", cancel, { once: true });
    let ended = false;
    try {
      for await (const part of http.serveHTTPRest(
        { restId: answer.restId },
        { signal: stream.signal },
      )) {
        if (part.data.byteLength > 0) {
          yield part.data;
        }
      }
      ended = true;
    } catch (reason) {
      throw this.hookError("ServeHTTP", reason);
    } finally {
      signal?.removeEventListener("abort", cancel);
      // Leaving early (the client went away) cancels the plugin's stream.
      if (!ended) stream.abort();
    }
  }

  private async *responseBody(
    frames: AsyncIterator<ServeHTTPResponse>,
    finish: (ended: boolean) => void,
  ): AsyncGenerator<Uint8Array> {
    let ended = false;
    try {
      for (;;) {
        const next = await frames.next();
        if (next.done) {
          ended = true;
          return;
        }
        const { frame } = next.value;
        if (frame.case !== "body") {
          throw this.protocolError("a response frame after the head must be a body chunk");
        }
        if (frame.value.data.length > 0) {
          yield frame.value.data;
        }
        if (frame.value.end) {
          // Read on to the trailers: a stream the plugin has finished then closes by itself,
          // whereas cancelling it first resets it, and an HTTP/2 server ends the whole session
          // after about a thousand resets (the "rapid reset" defence).
          if ((await frames.next()).done !== true) {
            throw this.protocolError("no frame may follow the one that ends the body");
          }
          ended = true;
          return;
        }
      }
    } catch (reason) {
      throw reason instanceof PluginAPIError ? reason : this.hookError("ServeHTTP", reason);
    } finally {
      finish(ended);
    }
  }

  /** The error a failed hook call throws: the class the plugin sent, naming plugin and hook. */
  private hookError(hook: HookName, reason: unknown): PluginAPIError {
    const where = `PluginHooks.${hook}`;
    const params = { pluginId: this.pluginId, hook };
    // Our own deadline, as opposed to a TimeoutError the plugin's handler sent, has no detail.
    if (
      reason instanceof ConnectError &&
      reason.code === Code.DeadlineExceeded &&
      reason.findDetails(ErrorDetailSchema).length === 0
    ) {
      const timeout = new TimeoutError({
        message: `plugin "${this.pluginId}" did not answer hook ${hook} within ${this.timeoutMs} ms`,
        where,
        params: { ...params, timeoutMs: this.timeoutMs },
        cause: reason,
      });
      deadlineErrors.add(timeout);
      return timeout;
    }
    const error = asPluginAPIError(reason);
    const cls = error.constructor as typeof PluginAPIError;
    return new cls(
      {
        id: error.id,
        message: `plugin "${this.pluginId}" hook ${hook}: ${error.message}`,
        detailedError: error.detailedError,
        statusCode: error.statusCode,
        where: error.where || where,
        params: { ...error.params, ...params },
        cause: error,
      },
      error.code,
    );
  }

  private protocolError(problem: string): InternalError;
  private protocolError(hook: HookName, problem: string): InternalError;
  private protocolError(first: string, second?: string): InternalError {
    const [hook, problem] = second === undefined ? ["ServeHTTP", first] : [first, second];
    return new InternalError({
      message: `plugin "${this.pluginId}" hook ${hook} broke the protocol: ${problem}`,
      where: `PluginHooks.${hook}`,
      params: { pluginId: this.pluginId, hook },
    });
  }
}

/** The hooks' method names in the generated service (e.g. messageHasBeenPosted), made once each. */
const localNames = new Map<string, string>();

function localName<N extends HookName>(name: N): Uncapitalize<N> {
  let local = localNames.get(name);
  if (local === undefined) {
    local = `${name.charAt(0).toLowerCase()}${name.slice(1)}`;
    localNames.set(name, local);
  }
  return local as Uncapitalize<N>;
}

async function* requestFrames(
  head: HTTPRequestHeadInit,
  body: AsyncIterable<Uint8Array>,
): AsyncGenerator<MessageInitShape<typeof ServeHTTPRequestSchema>> {
  yield { frame: { case: "head", value: head } };
  for await (const chunk of body) {
    for (let offset = 0; offset < chunk.length; offset += MAX_CHUNK_BYTES) {
      yield {
        frame: { case: "body", value: { data: chunk.subarray(offset, offset + MAX_CHUNK_BYTES) } },
      };
    }
  }
  yield { frame: { case: "body", value: { end: true } } };
}

async function* fileFrames(
  head: FileUploadHead,
  content: AsyncIterable<Uint8Array>,
): AsyncGenerator<MessageInitShape<typeof FileWillBeUploadedRequestSchema>> {
  yield { frame: { case: "head", value: head } };
  for await (const chunk of content) {
    for (let offset = 0; offset < chunk.length; offset += MAX_CHUNK_BYTES) {
      yield { frame: { case: "data", value: chunk.subarray(offset, offset + MAX_CHUNK_BYTES) } };
    }
  }
}

async function* wholeBody(body: Uint8Array): AsyncGenerator<Uint8Array> {
  if (body.byteLength > 0) {
    yield body;
  }
}

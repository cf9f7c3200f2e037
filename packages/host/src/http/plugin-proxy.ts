// /plugins/{plugin_id}/... over node:http: a request without a body, or with one of at most
// 64 KiB and known length, goes to the plugin whole in one call (serveHTTPOnce); any other
// streams to the plugin's ServeHTTP in ≤64 KiB frames. The plugin's response streams back,
// each chunk waiting for the socket to drain, so no large body is ever held whole. A client
// that goes away cancels the plugin's call; a plugin that fails before its head answers with
// the v4 error body.
import { once, setMaxListeners } from "node:events";
import {
  type IncomingMessage,
  type ServerResponse,
  validateHeaderName,
  validateHeaderValue,
} from "node:http";
import type { Socket } from "node:net";
import type { MessageInitShape } from "@bufbuild/protobuf";
import {
  type HttpErrorBody,
  InternalError,
  NotFoundError,
  PluginAPIError,
  toHttpError,
  UnavailableError,
  ValidationError,
} from "@plugwire/errors";
import { MAX_CHUNK_BYTES, type PluginContextSchema } from "@plugwire/protocol";
import type { HTTPResponse } from "../app/plugin-hooks.js";
import type { Host } from "../host.js";
import {
  type HeaderField,
  notServingHttpError,
  requestHeadersForPlugin,
  responseHeadersFromPlugin,
} from "./plugin-http-headers.js";

export interface PluginProxyInit {
  pluginId: string;
  /** Path and query below /plugins/{plugin_id}, starting with "/". */
  path: string;
  /**
   * Who is asking; context.userId becomes Mattermost-User-Id, and context.requestId the
   * response's X-Request-Id (unless the plugin sets its own).
   */
  context: MessageInitShape<typeof PluginContextSchema>;
  /** Address of the client. */
  remoteAddr: string;
}

/**
 * Answers `req` with the plugin's ServeHTTP. Resolves once the response has ended or the client
 * went away; never rejects: failures before the plugin's head become the v4 error body (404 when
 * the plugin is not loaded or does not implement ServeHTTP, 503 while it is not active), and a
 * failure mid-body destroys the response, the only signal left once the status is sent.
 */
export async function proxyPluginRequest(
  host: Host,
  req: IncomingMessage,
  res: ServerResponse,
  init: PluginProxyInit,
): Promise<void> {
  const clientGone = connectionClosed(req.socket);
  try {
    const response = await callServeHTTP(host, req, init, clientGone);
    await sendResponse(host, req, res, response, clientGone, init);
  } catch (error) {
    if (clientGone.aborted) return;
    if (res.headersSent) {
      res.destroy(error instanceof Error ? error : new Error(String(error)));
      return;
    }
    sendError(res, error, init.context.requestId ?? "");
  }
}

const closeSignals = new WeakMap<Socket, AbortSignal>();

/**
 * A signal that aborts when the client's connection closes. Requests on one connection are
 * answered one after another, so the one it cancels is the one in flight. It is made once per
 * connection rather than per request: making an AbortSignal costs more than the rest of what
 * the host does to forward a small request.
 */
function connectionClosed(socket: Socket): AbortSignal {
  let signal = closeSignals.get(socket);
  if (signal === undefined) {
    const controller = new AbortController();
    // Pipelined requests each listen while in flight: as many as the client sends, not a leak.
    setMaxListeners(0, controller.signal);
    const abort = () => controller.abort(new Error("the client closed the connection"));
    if (socket.destroyed) abort();
    else socket.once("close", abort);
    signal = controller.signal;
    closeSignals.set(socket, signal);
  }
  return signal;
}

async function callServeHTTP(
  host: Host,
  req: IncomingMessage,
  init: PluginProxyInit,
  signal: AbortSignal,
): Promise<HTTPResponse> {
  const plugin = host.get(init.pluginId);
  if (plugin === undefined) {
    throw new NotFoundError({
      id: "app.plugin.not_found",
      message: `No plugin with id "${init.pluginId}" is installed.`,
      params: { plugin_id: init.pluginId },
    });
  }
  const state = host.pluginState(init.pluginId);
  if (state !== "active") {
    throw new UnavailableError({
      id: "app.plugin.not_active",
      message: `Plugin ${init.pluginId} is not active (${state}); try again once it is.`,
      params: { plugin_id: init.pluginId, state },
    });
  }
  const head = {
    method: req.method ?? "GET",
    url: init.path.startsWith("/") ? init.path : `/${init.path}`,
    headers: requestHeadersForPlugin(req.rawHeaders, init.context.userId),
    remoteAddr: init.remoteAddr,
    context: init.context,
  };
  const hasBody = req.method !== "GET" && req.method !== "HEAD";
  // A request with no body or a small one of known length goes whole, in one call; others
  // stream, so that no body is ever held whole.
  const length = Number(req.headers["content-length"] ?? Number.NaN);
  const response = !hasBody
    ? await plugin.serveHTTPOnce(head, noBytes, { signal })
    : req.headers["transfer-encoding"] === undefined && length <= MAX_CHUNK_BYTES
      ? await plugin.serveHTTPOnce(head, await wholeBody(req, length, signal), { signal })
      : await plugin.serveHTTP(head, req, { signal });
  if (response === undefined) throw notServingHttpError(init.pluginId);
  return response;
}

async function sendResponse(
  host: Host,
  req: IncomingMessage,
  res: ServerResponse,
  response: HTTPResponse,
  signal: AbortSignal,
  { pluginId, context }: PluginProxyInit,
): Promise<void> {
  const status = response.head.status || 200;
  const bodyless = status === 204 || status === 304 || req.method === "HEAD";
  const { whole } = response;
  if (whole !== undefined) {
    let headers = withRequestId(checkedHeaders(response, req), context.requestId);
    if (!bodyless) {
      headers = withLength(headers, whole.byteLength, (given) =>
        host.app.logger.warn(
          `plugin ${pluginId} answered ${req.method} ${req.url} with Content-Length ${given} for a body of ${whole.byteLength} bytes; sent ${whole.byteLength}`,
          { pluginId },
        ),
      );
    }
    sendWhole(res, status, headers, bodyless ? undefined : whole);
    return;
  }
  const body = response.body[Symbol.asyncIterator]();
  try {
    res.writeHead(
      status,
      flatHeaders(withRequestId(checkedHeaders(response, req), context.requestId)),
    );
    while (!bodyless) {
      const next = await body.next();
      if (next.done) break;
      if (!res.write(next.value)) await once(res, "drain", { signal });
    }
    res.end();
  } finally {
    // Ends the plugin's stream when the loop did not read it to the end.
    await body.return?.();
  }
}

/** `headers` led by X-Request-Id = `requestId`, unless the plugin set one. */
function withRequestId(headers: HeaderField[], requestId: string | undefined): HeaderField[] {
  if (!requestId || headers.some(({ name }) => name === "x-request-id")) {
    return headers;
  }
  return [{ name: "x-request-id", value: requestId }, ...headers];
}

/**
 * `headers` with Content-Length saying `length`: the body is at hand whole, so its length is
 * known, and a plugin's wrong one would leave the client waiting for bytes that never come
 * (or cut the body short). `wrong` hears of a plugin's value that did not match.
 */
function withLength(
  headers: HeaderField[],
  length: number,
  wrong: (given: string) => void,
): HeaderField[] {
  const value = String(length);
  const given = headers.filter(({ name }) => name === "content-length");
  if (given.length === 1 && given[0]?.value.trim() === value) {
    return headers;
  }
  if (given.length > 0) {
    wrong(given.map((field) => field.value).join(", "));
  }
  return [
    ...headers.filter(({ name }) => name !== "content-length"),
    { name: "content-length", value },
  ];
}

/**
 * Sends a response whose body is at hand whole, in one write as a node:http server answering
 * itself would, not chunked (its headers say its length), a small body as a latin1 string, one
 * byte per character, which node:http joins to the head.
 */
function sendWhole(
  res: ServerResponse,
  status: number,
  headers: HeaderField[],
  body: Uint8Array | undefined,
): void {
  res.writeHead(status, flatHeaders(headers));
  if (body === undefined || body.byteLength === 0) {
    res.end();
  } else if (body.byteLength <= smallBodyBytes) {
    res.end(
      Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString("latin1"),
      "latin1",
    );
  } else {
    res.end(body);
  }
}

/** Bodies up to this size are sent as a string joined to the head. */
const smallBodyBytes = 16 * 1024;

function flatHeaders(headers: HeaderField[]): string[] {
  const flat: string[] = [];
  for (const { name, value } of headers) flat.push(name, value);
  return flat;
}

/** The plugin's response headers, refused as a whole before anything is sent if one is invalid. */
function checkedHeaders(response: HTTPResponse, req: IncomingMessage): HeaderField[] {
  const headers = responseHeadersFromPlugin(response.head.headers);
  for (const { name, value } of headers) {
    try {
      validateHeaderName(name);
      validateHeaderValue(name, value);
    } catch (reason) {
      throw new InternalError({
        id: "app.plugin.http.invalid_header",
        message: `The plugin answered ${req.method} ${req.url} with an invalid header ${JSON.stringify(name)}: ${(reason as Error).message}`,
        cause: reason,
      });
    }
  }
  return headers;
}

/**
 * What the host answers when a plugin's ServeHTTP fails before its response started: the
 * error's status and v4 error body (a plugin's PluginAPIError keeps its class; anything else
 * is a 500). The testing package's `t.http` answers the same.
 */
export function pluginHttpFailure(
  error: unknown,
  requestId: string,
): { status: number; body: HttpErrorBody } {
  const apiError =
    error instanceof PluginAPIError
      ? error
      : new InternalError({
          message: `plugin HTTP request failed: ${String(error)}`,
          cause: error,
        });
  return toHttpError(apiError, requestId);
}

function sendError(res: ServerResponse, error: unknown, requestId: string): void {
  const { status, body } = pluginHttpFailure(error, requestId);
  const json = JSON.stringify(body);
  res.writeHead(status, {
    ...(requestId ? { "x-request-id": requestId } : {}),
    "content-type": "application/json",
    "content-length": Buffer.byteLength(json),
  });
  res.end(json);
}

const noBytes = new Uint8Array(0);

/** The body of a request that announced `length` bytes (at most 64 KiB). */
async function wholeBody(
  req: IncomingMessage,
  length: number,
  signal: AbortSignal,
): Promise<Uint8Array> {
  if (length === 0) {
    return noBytes;
  }
  const chunks: Buffer[] = [];
  let bytes = 0;
  for await (const chunk of req.iterator({ destroyOnReturn: false })) {
    chunks.push(chunk as Buffer);
    bytes += (chunk as Buffer).byteLength;
    signal.throwIfAborted();
  }
  if (bytes !== length) {
    throw new ValidationError({
      id: "api.plugin.http.body_length",
      message: `The request body has ${bytes} bytes where its Content-Length says ${length}.`,
      params: { contentLength: length, bytes },
    });
  }
  return chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, bytes);
}

// /plugins/{plugin_id}/... over node:http: the client's request streams to the plugin's
// ServeHTTP in ≤64 KiB frames and the plugin's response streams back, each chunk waiting for
// the socket to drain, so no body is ever held whole. A client that goes away cancels the
// plugin's stream; a plugin that fails before its head answers with the v4 error body.
import { once } from "node:events";
import {
  type IncomingMessage,
  type ServerResponse,
  validateHeaderName,
  validateHeaderValue,
} from "node:http";
import type { MessageInitShape } from "@bufbuild/protobuf";
import {
  InternalError,
  NotFoundError,
  PluginAPIError,
  toHttpError,
  UnavailableError,
} from "@plugwire/errors";
import type { PluginContextSchema } from "@plugwire/protocol";
import type { Host } from "../host.js";
import type { HTTPResponse } from "../supervisor/hook-client.js";
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
  /** Who is asking; context.userId becomes Mattermost-User-Id. */
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
  const clientGone = new AbortController();
  const onClose = () => {
    if (!res.writableFinished) clientGone.abort(new Error("the client closed the connection"));
  };
  res.once("close", onClose);
  try {
    const response = await callServeHTTP(host, req, init, clientGone.signal);
    await sendResponse(req, res, response, clientGone.signal);
  } catch (error) {
    if (clientGone.signal.aborted) return;
    if (res.headersSent) {
      res.destroy(error instanceof Error ? error : new Error(String(error)));
      return;
    }
    sendError(res, error, init.context.requestId ?? "");
  } finally {
    res.off("close", onClose);
  }
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
  const { state } = host.status(init.pluginId);
  if (state !== "active") {
    throw new UnavailableError({
      id: "app.plugin.not_active",
      message: `Plugin ${init.pluginId} is not active (${state}); try again once it is.`,
      params: { plugin_id: init.pluginId, state },
    });
  }
  const hasBody = req.method !== "GET" && req.method !== "HEAD";
  const response = await plugin.serveHTTP(
    {
      method: req.method ?? "GET",
      url: init.path.startsWith("/") ? init.path : `/${init.path}`,
      headers: requestHeadersForPlugin(headerPairs(req.rawHeaders), init.context.userId),
      remoteAddr: init.remoteAddr,
      context: init.context,
    },
    hasBody ? req : noBody(),
    { signal },
  );
  if (response === undefined) throw notServingHttpError(init.pluginId);
  return response;
}

async function sendResponse(
  req: IncomingMessage,
  res: ServerResponse,
  response: HTTPResponse,
  signal: AbortSignal,
): Promise<void> {
  const body = response.body[Symbol.asyncIterator]();
  try {
    const status = response.head.status || 200;
    const headers = checkedHeaders(response, req);
    res.writeHead(
      status,
      headers.flatMap(({ name, value }) => [name, value]),
    );
    const bodyless = status === 204 || status === 304 || req.method === "HEAD";
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

function sendError(res: ServerResponse, error: unknown, requestId: string): void {
  const apiError =
    error instanceof PluginAPIError
      ? error
      : new InternalError({
          message: `plugin HTTP request failed: ${String(error)}`,
          cause: error,
        });
  const { status, body } = toHttpError(apiError, requestId);
  const json = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(json),
  });
  res.end(json);
}

function* headerPairs(rawHeaders: readonly string[]): Generator<[string, string]> {
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    yield [rawHeaders[i] as string, rawHeaders[i + 1] as string];
  }
}

async function* noBody(): AsyncGenerator<Uint8Array> {}

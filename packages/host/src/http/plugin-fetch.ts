// ServeHTTP with Fetch API types: a Request goes to a plugin as a head and ≤64 KiB body frames
// (whole in one call when it has no body) and its answer comes back as a streaming Response. The headers follow plugin-http-headers.ts,
// as they do for node:http requests in plugin-proxy.ts.
import type { MessageInitShape } from "@bufbuild/protobuf";
import type { PluginContextSchema } from "@plugwire/protocol";
import type { HookDispatcher } from "../app/plugin-hooks.js";
import type { Host } from "../host.js";
import {
  notServingHttpError,
  requestHeadersForPlugin,
  responseHeadersFromPlugin,
} from "./plugin-http-headers.js";

export interface PluginFetchInit {
  /** Who is asking; context.userId becomes Mattermost-User-Id. */
  context?: MessageInitShape<typeof PluginContextSchema>;
  /** Address of the client. */
  remoteAddr?: string;
  /** Path prefix stripped from the URL before it reaches the plugin, e.g. "/plugins/com.x.y". */
  basePath?: string;
  signal?: AbortSignal;
}

/**
 * Sends an HTTP request to the host's plugin `pluginId` (see fetchFromPlugin). Throws
 * NotFoundError when the plugin is not loaded or does not serve HTTP, UnavailableError while it
 * is restarting.
 */
export function fetchPlugin(
  host: Host,
  pluginId: string,
  request: Request,
  init?: PluginFetchInit,
): Promise<Response> {
  return fetchFromPlugin(host.plugin(pluginId), request, init);
}

/**
 * Sends a Fetch Request to a plugin's ServeHTTP and returns its streamed Response. Any
 * Mattermost-User-Id header in the request is dropped; init.context.userId, when given, is sent
 * as that header instead.
 */
export async function fetchFromPlugin(
  plugin: HookDispatcher,
  request: Request,
  init: PluginFetchInit = {},
): Promise<Response> {
  const url = new URL(request.url);
  let path = url.pathname;
  if (init.basePath && path.startsWith(init.basePath)) {
    path = path.slice(init.basePath.length) || "/";
  }
  const head = {
    method: request.method,
    url: path + url.search,
    headers: requestHeadersForPlugin(request.headers, init.context?.userId),
    remoteAddr: init.remoteAddr ?? "",
    context: init.context,
  };
  // Without a body the request goes whole, in one call; a body streams.
  const response =
    request.body === null
      ? await plugin.serveHTTPOnce(head, new Uint8Array(0), { signal: init.signal })
      : await plugin.serveHTTP(head, bodyChunks(request), { signal: init.signal });
  if (response === undefined) {
    throw notServingHttpError(plugin.pluginId);
  }
  const responseHeaders = new Headers();
  for (const { name, value } of responseHeadersFromPlugin(response.head.headers)) {
    responseHeaders.append(name, value);
  }
  const status = response.head.status || 200;
  const hasBody = !(status === 204 || status === 304 || request.method === "HEAD");
  return new Response(hasBody ? toReadableStream(response.body) : null, {
    status,
    headers: responseHeaders,
  });
}

async function* bodyChunks(request: Request): AsyncIterable<Uint8Array> {
  if (request.body === null) return;
  const reader = request.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    yield value;
  }
}

function toReadableStream(chunks: AsyncIterable<Uint8Array>): ReadableStream<Uint8Array> {
  const iterator = chunks[Symbol.asyncIterator]();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { done, value } = await iterator.next();
      if (done) controller.close();
      else controller.enqueue(value);
    },
    async cancel() {
      await iterator.return?.();
    },
  });
}

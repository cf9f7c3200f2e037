// PluginHTTP: a plugin's request to another plugin's ServeHTTP, as Mattermost's
// PluginHTTP/ServeInterPluginRequest: the URL is "/<plugin id>/<path>", the callee sees the
// caller's id in Mattermost-Plugin-ID, and the answer comes back whole.
//
// Two guards Mattermost lacks: the callee gets the caller's deadline (the call's own, passed
// on as ServeHTTP's deadline, so a chain of calls shares one), and requests nest at most
// MAX_INTER_PLUGIN_DEPTH deep (the SDK passes the depth of the request a plugin is serving on
// to the calls it makes while serving it), so two plugins calling each other stop there.

import { create } from "@bufbuild/protobuf";
import { Code, type HandlerContext } from "@connectrpc/connect";
import { PluginAPIError, ValidationError } from "@plugwire/errors";
import {
  MAX_CHUNK_BYTES,
  type PluginHTTPRequest,
  type PluginHTTPResponse,
  PluginHTTPResponseSchema,
} from "@plugwire/protocol";
import {
  interPluginRequestHeaders,
  notServingHttpError,
  responseHeadersFromPlugin,
} from "../http/plugin-http-headers.js";
import { DEFAULT_MAX_MESSAGE_BYTES } from "./api-server.js";
import type { PluginManagement } from "./plugin-api-system.js";
import { requiredMessage } from "./request-validation.js";

/** How deep inter-plugin requests may nest: a request at this depth may make no other. */
export const MAX_INTER_PLUGIN_DEPTH = 5;
/** The largest response body PluginHTTP carries back: what fits in one API message. */
export const MAX_INTER_PLUGIN_RESPONSE_BYTES = DEFAULT_MAX_MESSAGE_BYTES - MAX_CHUNK_BYTES;

/** "/<plugin id>" then the path below the plugin's routes and the query. */
const TARGET_URL = /^\/([a-zA-Z0-9._-]+)(\/[^?#]*)?(\?[^#]*)?$/;

export async function callPluginHTTP(
  plugins: PluginManagement,
  callerId: string,
  request: PluginHTTPRequest,
  call: HandlerContext,
): Promise<PluginHTTPResponse> {
  const head = requiredMessage(request.head, "head");
  const target = TARGET_URL.exec(head.url);
  const targetId = target?.[1];
  if (target === null || targetId === undefined || targetId === "." || targetId === "..") {
    throw new ValidationError({
      id: "api.plugin.http.invalid_url",
      message: `"${head.url}" is not a plugin URL; give "/<plugin id>/<path>", e.g. "/com.example.other/api/status".`,
      params: { field: "head.url" },
    });
  }
  if (request.depth >= MAX_INTER_PLUGIN_DEPTH) {
    throw new PluginAPIError(
      {
        id: "api.plugin.http.too_deep",
        message: `Plugin ${callerId} asked plugin ${targetId} while serving a chain of ${request.depth} inter-plugin requests, the most that may nest (${MAX_INTER_PLUGIN_DEPTH}); plugins that call each other back must stop.`,
        statusCode: 508,
        params: { plugin_id: targetId, depth: request.depth },
      },
      Code.ResourceExhausted,
    );
  }
  const dispatcher = plugins.plugin(targetId);
  const forwarded = {
    method: head.method || "GET",
    url: (target[2] || "/") + (target[3] ?? ""),
    headers: interPluginRequestHeaders(head.headers, callerId, request.depth + 1),
    remoteAddr: "",
    context: head.context,
  };
  const options = { signal: call.signal, timeoutMs: call.timeoutMs() };
  const response =
    request.body.byteLength <= MAX_CHUNK_BYTES
      ? await dispatcher.serveHTTPOnce(forwarded, request.body, options)
      : await dispatcher.serveHTTP(forwarded, bodyOf(request.body), options);
  if (response === undefined) throw notServingHttpError(targetId);
  const body = response.whole ?? (await wholeBody(response.body, targetId));
  return create(PluginHTTPResponseSchema, {
    head: {
      status: response.head.status || 200,
      headers: responseHeadersFromPlugin(response.head.headers),
    },
    body,
  });
}

async function* bodyOf(body: Uint8Array): AsyncIterable<Uint8Array> {
  yield body;
}

async function wholeBody(chunks: AsyncIterable<Uint8Array>, targetId: string): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of chunks) {
    size += chunk.byteLength;
    if (size > MAX_INTER_PLUGIN_RESPONSE_BYTES) {
      throw new PluginAPIError(
        {
          id: "api.plugin.http.response_too_large",
          message: `Plugin ${targetId} answered with more than ${MAX_INTER_PLUGIN_RESPONSE_BYTES} bytes, the most PluginHTTP carries back; ask for less (page it).`,
          statusCode: 502,
          params: { plugin_id: targetId, max_bytes: MAX_INTER_PLUGIN_RESPONSE_BYTES },
        },
        Code.ResourceExhausted,
      );
    }
    parts.push(chunk);
  }
  const body = new Uint8Array(size);
  let offset = 0;
  for (const part of parts) {
    body.set(part, offset);
    offset += part.byteLength;
  }
  return body;
}

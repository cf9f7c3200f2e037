// How the host calls an integration's URL for slash commands, dynamic autocomplete lists,
// post actions and dialog submissions. A plugin route, "/plugins/<plugin id>/<path>", goes
// straight to that plugin's ServeHTTP with the user's id in Mattermost-User-Id (as a person's
// request to it would). Any other URL is refused unless the host allows outbound integration
// requests (HostAppOptions.allowExternalIntegrationUrls), and then fetched with a deadline.
import { posix } from "node:path";
import { PermissionDeniedError, UnavailableError, ValidationError } from "@plugwire/errors";
import type { Actor } from "./actor.js";
import { type AppCore, contextOf } from "./app-core.js";

/** The most of an integration's answer the host reads. */
const MAX_RESPONSE_BYTES = 1024 * 1024;
/** How long an outbound request may take (Mattermost's OutgoingIntegrationRequestsTimeout). */
const OUTBOUND_TIMEOUT_MS = 30_000;

export interface IntegrationRequest {
  method: "GET" | "POST";
  /** "/plugins/<id>/…", or an http(s) URL when outbound requests are allowed. */
  url: string;
  /** The user the request is for. */
  userId: string;
  /** Query parameters added to the URL. */
  query?: URLSearchParams;
  body?: { contentType: string; data: string };
  /** Sent as Authorization (a custom command's "Token <token>"). */
  authorization?: string;
  /** The error id to answer with when the URL can't be called (Mattermost's, per feature). */
  errorId: string;
}

export interface IntegrationResponse {
  status: number;
  contentType: string;
  body: string;
}

/** A plugin route named by a URL: the plugin and the path below /plugins/<id>. */
export function pluginRoute(url: string): { pluginId: string; path: string } | undefined {
  if (!url.startsWith("/plugins/") && !url.startsWith("plugins/")) return undefined;
  const queryAt = url.search(/[?#]/);
  const rawPath = queryAt === -1 ? url : url.slice(0, queryAt);
  const query = queryAt === -1 ? "" : url.slice(queryAt).replace(/#.*$/, "");
  const clean = posix.normalize(`/${rawPath.replace(/^\//, "")}`);
  const [, plugins, pluginId = "", ...rest] = clean.split("/");
  if (plugins !== "plugins" || pluginId === "" || rawPath.split("/").includes("..")) {
    return undefined;
  }
  return { pluginId, path: `/${rest.join("/")}${query}` };
}

/** Calls an integration URL as the host does; see the file's comment. */
export async function callIntegration(
  core: AppCore,
  actor: Actor,
  request: IntegrationRequest,
): Promise<IntegrationResponse> {
  const route = pluginRoute(request.url);
  if (route !== undefined) return callPlugin(core, actor, route, request);
  if (!/^https?:\/\//i.test(request.url)) {
    throw new ValidationError({
      id: request.errorId,
      message: `"${request.url}" is neither a plugin route (/plugins/<plugin id>/…) nor an http(s) URL.`,
      params: { field: "url", url: request.url },
    });
  }
  if (!core.options.allowExternalIntegrationUrls) {
    throw new PermissionDeniedError({
      id: request.errorId,
      message: `The host calls only plugin routes (/plugins/<plugin id>/…), not "${request.url}"; an administrator can allow other URLs with --allow-external-integration-urls.`,
      params: { field: "url", url: request.url },
    });
  }
  return callOutbound(request);
}

async function callPlugin(
  core: AppCore,
  actor: Actor,
  route: { pluginId: string; path: string },
  request: IntegrationRequest,
): Promise<IntegrationResponse> {
  const target = core.hooks.get(route.pluginId);
  if (target === undefined || !target.implements("ServeHTTP")) {
    throw new UnavailableError({
      id: request.errorId,
      message: `The plugin ${route.pluginId} that the integration URL names is not running or serves no HTTP.`,
      params: { plugin_id: route.pluginId },
    });
  }
  const headers = [
    { name: "accept", value: "application/json" },
    { name: "mattermost-user-id", value: request.userId },
  ];
  if (request.body) headers.push({ name: "content-type", value: request.body.contentType });
  if (request.authorization) headers.push({ name: "authorization", value: request.authorization });
  const query = request.query?.toString() ?? "";
  const url =
    query === "" ? route.path : `${route.path}${route.path.includes("?") ? "&" : "?"}${query}`;
  const response = await target.serveHTTPOnce(
    {
      method: request.method,
      url,
      headers,
      remoteAddr: "",
      context: { ...contextOf(actor), userId: request.userId },
    },
    new TextEncoder().encode(request.body?.data ?? ""),
  );
  if (response === undefined) {
    throw new UnavailableError({
      id: request.errorId,
      message: `The plugin ${route.pluginId} serves no HTTP.`,
      params: { plugin_id: route.pluginId },
    });
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of response.body) {
    size += chunk.byteLength;
    if (size > MAX_RESPONSE_BYTES) break;
    chunks.push(chunk);
  }
  const contentType =
    response.head.headers.find((h) => h.name.toLowerCase() === "content-type")?.value ?? "";
  return {
    status: response.head.status || 200,
    contentType,
    body: Buffer.concat(chunks).toString("utf8"),
  };
}

async function callOutbound(request: IntegrationRequest): Promise<IntegrationResponse> {
  const url = new URL(request.url);
  for (const [name, value] of request.query ?? []) url.searchParams.append(name, value);
  const headers: Record<string, string> = { accept: "application/json" };
  if (request.body) headers["content-type"] = request.body.contentType;
  if (request.authorization) headers.authorization = request.authorization;
  try {
    const response = await fetch(url, {
      method: request.method,
      headers,
      body: request.body?.data,
      redirect: "error",
      signal: AbortSignal.timeout(OUTBOUND_TIMEOUT_MS),
    });
    const body = await response.text();
    return {
      status: response.status,
      contentType: response.headers.get("content-type") ?? "",
      body: body.slice(0, MAX_RESPONSE_BYTES),
    };
  } catch (error) {
    throw new UnavailableError({
      id: request.errorId,
      message: `The integration URL ${url.origin} could not be reached: ${(error as Error).message}`,
      params: { url: request.url },
    });
  }
}

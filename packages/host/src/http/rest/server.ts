// The REST server: Mattermost's API v4 (the subset in the *-routes.ts files), the websocket at
// /api/v4/websocket, plugins' own HTTP at /plugins/{plugin_id}/... and their web app files at
// /static/plugins/{plugin_id}/..., on node:http. Every
// failure answers with v4's error body {id, message, detailed_error, request_id, status_code}.
import type { IncomingMessage, ServerResponse } from "node:http";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import { consoleAssetsDir } from "@plugwire/console";
import { InternalError, NotFoundError, PluginAPIError, toHttpError } from "@plugwire/errors";
import { WebSocketServer } from "ws";
import { DEFAULT_MAX_UPLOAD_BYTES } from "../../app/file-operations.js";
import { newId } from "../../app/ids.js";
import type { Host } from "../../host.js";
import { isConsolePath, serveConsole } from "../console-assets.js";
import { proxyPluginRequest } from "../plugin-proxy.js";
import { serveWebappFile, WEBAPP_FILES_PREFIX } from "../webapp-files.js";
import { auditRoutes } from "./audit-routes.js";
import { authenticateRequest, type RequestAuth } from "./authentication.js";
import { botRoutes } from "./bot-routes.js";
import { channelRoutes } from "./channel-routes.js";
import { clusterRoutes } from "./cluster-routes.js";
import { commandRoutes } from "./command-routes.js";
import { configRoutes } from "./config-routes.js";
import { emojiRoutes } from "./emoji-routes.js";
import { fileRoutes } from "./file-routes.js";
import { groupRoutes } from "./group-routes.js";
import { integrationRoutes } from "./integration-routes.js";
import { membershipRoutes } from "./membership-routes.js";
import { oauthRoutes } from "./oauth-routes.js";
import { pluginConsoleRoutes } from "./plugin-console-routes.js";
import { pluginRoutes } from "./plugin-routes.js";
import { type PluginTarget, plainPluginTarget, pluginTarget } from "./plugin-target.js";
import { postListRoutes } from "./post-list-routes.js";
import { postRoutes } from "./post-routes.js";
import { preferenceRoutes } from "./preference-routes.js";
import { Presence } from "./presence.js";
import { RestRateLimiter, type RestRateLimits } from "./rate-limit.js";
import { reactionRoutes } from "./reaction-routes.js";
import {
  RestCall,
  type RestServerContext,
  type RouteHandler,
  requestContextInit,
} from "./rest-call.js";
import { roleRoutes } from "./role-routes.js";
import { Router } from "./router.js";
import { sessionRoutes } from "./session-routes.js";
import { sidebarRoutes } from "./sidebar-routes.js";
import { statusRoutes } from "./status-routes.js";
import { systemRoutes } from "./system-routes.js";
import { teamRoutes } from "./team-routes.js";
import { uploadRoutes } from "./upload-routes.js";
import { userDirectoryRoutes } from "./user-directory-routes.js";
import { userRoutes } from "./user-routes.js";
import { resumeRequest, WebSocketHub } from "./websocket-hub.js";

/** Mattermost's port. */
export const DEFAULT_REST_PORT = 8065;
/** The address listened on unless set: this machine only. */
export const DEFAULT_REST_HOSTNAME = "127.0.0.1";
/** Largest request body unless set: the largest upload, Mattermost's default file size limit. */
export const DEFAULT_MAX_BODY_BYTES = DEFAULT_MAX_UPLOAD_BYTES;
/** Largest JSON body: 1 MiB, many times the largest post (16383 characters and its props). */
export const MAX_JSON_BODY_BYTES = 1024 * 1024;

const WEBSOCKET_PATH = "/api/v4/websocket";
/** How long close() lets requests in progress finish before it cuts their connections. */
const CLOSE_GRACE_MS = 5000;

export interface RestServerOptions {
  /** Default DEFAULT_REST_PORT (8065); 0 picks a free port. */
  port?: number;
  /** Default DEFAULT_REST_HOSTNAME. */
  hostname?: string;
  /** The public URL (command args, Secure cookies over https). Default: the URL listened on. */
  siteUrl?: string;
  /** Largest request body (file uploads, plugin bundles); JSON bodies stop at 1 MiB or this. */
  maxBodyBytes?: number;
  /** How long a websocket may stay unauthenticated before it is closed. Default 30 s. */
  webSocketAuthTimeoutMs?: number;
  /** How often idle users are made away and timed do-not-disturbs ended. Default 30 s. */
  statusCheckIntervalMs?: number;
  /** Request rate limits; by default only logins are limited (see rate-limit.ts). */
  rateLimits?: RestRateLimits;
  /**
   * The folder of the admin console's built files, served at /console; default: those of
   * @plugwire/console. false serves no console.
   */
  consoleAssetsDir?: string | false;
}

export interface RestServer {
  /** The URL listened on, e.g. "http://127.0.0.1:8065". */
  url: string;
  port: number;
  /** Closes live connections and stops listening; resolves once the server has stopped. */
  close(): Promise<void>;
}

/** Every v4 route the server serves, by area; the README's route table is checked against it. */
export function restRouter(): Router<RouteHandler> {
  const router = new Router<RouteHandler>();
  for (const routes of [
    userRoutes,
    sessionRoutes,
    botRoutes,
    auditRoutes,
    configRoutes,
    teamRoutes,
    channelRoutes,
    sidebarRoutes,
    userDirectoryRoutes,
    membershipRoutes,
    postRoutes,
    postListRoutes,
    reactionRoutes,
    preferenceRoutes,
    statusRoutes,
    commandRoutes,
    integrationRoutes,
    fileRoutes,
    uploadRoutes,
    systemRoutes,
    clusterRoutes,
    roleRoutes,
    groupRoutes,
    emojiRoutes,
    oauthRoutes,
    pluginRoutes,
    pluginConsoleRoutes,
  ]) {
    routes(router);
  }
  return router;
}

/** Starts the REST server for `host`; resolves once it listens. */
export async function startRestServer(
  host: Host,
  options: RestServerOptions = {},
): Promise<RestServer> {
  const router = restRouter();
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const closing = new AbortController();
  const consoleDir = options.consoleAssetsDir ?? consoleAssetsDir;
  const context: RestServerContext = {
    host,
    siteUrl: options.siteUrl ?? "",
    maxBodyBytes,
    maxJsonBytes: Math.min(maxBodyBytes, MAX_JSON_BODY_BYTES),
    presence: new Presence(host.app),
    closing: closing.signal,
  };
  context.presence.start(options.statusCheckIntervalMs);
  const hub = new WebSocketHub(host, context.presence, options.webSocketAuthTimeoutMs);
  const unsubscribe = host.app.subscribe(hub);
  const webSockets = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });

  const rateLimiter = new RestRateLimiter(options.rateLimits);
  const server = createServer((req, res) => {
    void serveRequest(context, router, rateLimiter, req, res, consoleDir);
  });
  server.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    void upgrade(context, webSockets, hub, req, socket, head);
  });
  server.on("clientError", answerUnparsable);

  const hostname = options.hostname ?? DEFAULT_REST_HOSTNAME;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? DEFAULT_REST_PORT, hostname, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${hostname.includes(":") ? `[${hostname}]` : hostname}:${port}`;
  context.siteUrl ||= url;

  return {
    url,
    port,
    close: async () => {
      closing.abort();
      context.presence.stop();
      unsubscribe();
      await hub.closeAll();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const cut = setTimeout(() => server.closeAllConnections(), CLOSE_GRACE_MS);
      await hub.settled();
      await closed;
      clearTimeout(cut);
    },
  };
}

/** The route label of requests no route matched, so that odd paths add no series. */
const UNMATCHED_ROUTE = "unmatched";

async function serveRequest(
  context: RestServerContext,
  router: Router<RouteHandler>,
  rateLimiter: RestRateLimiter,
  req: IncomingMessage,
  res: ServerResponse,
  consoleDir: string | false,
): Promise<void> {
  const started = performance.now();
  const requestId = newId();
  let route = UNMATCHED_ROUTE;
  try {
    const target = plainPluginTarget(req.url);
    if (target !== undefined) {
      route = "/plugins/{plugin_id}/*";
      await servePluginRequest(context, req, res, target, requestId);
      return;
    }
    const url = new URL(req.url ?? "/", "http://localhost");
    if (consoleDir !== false && isConsolePath(url.pathname)) {
      await serveConsole(consoleDir, req, res, url.pathname);
      return;
    }
    if (url.pathname.startsWith("/plugins/")) {
      route = "/plugins/{plugin_id}/*";
      // The proxy writes X-Request-Id among the plugin's headers, in its one writeHead: a
      // header set beforehand would put node:http on its slower path of merging them.
      await servePluginRequest(context, req, res, pluginTarget(url), requestId);
      return;
    }
    res.setHeader("x-request-id", requestId);
    if (url.pathname.startsWith(WEBAPP_FILES_PREFIX)) {
      route = `${WEBAPP_FILES_PREFIX}{plugin_id}/*`;
      await serveWebappFile(context.host, req, res, url.pathname);
      return;
    }
    const match = router.find(req.method ?? "GET", url.pathname);
    if (!("handler" in match)) {
      if (match.allowed.length > 0) res.setHeader("allow", match.allowed.join(", "));
      throw match.allowed.length > 0 ? methodNotAllowed(req, url) : routeNotFound(url);
    }
    route = match.template;
    const auth = await authenticateRequest(context.host.app, req);
    rateLimiter.check(req, res, url.pathname, auth.session?.user.id);
    const call = new RestCall(context, req, res, url, requestId, auth);
    call.params = match.params;
    await match.handler(call);
  } catch (error) {
    if (!res.headersSent) res.setHeader("x-request-id", requestId);
    sendError(context.host, req, res, error, requestId);
  } finally {
    context.host.metrics.restRequest(
      req.method ?? "GET",
      route,
      res.statusCode,
      performance.now() - started,
    );
  }
}

/**
 * /plugins/{plugin_id}/...: to the plugin's ServeHTTP with the session's user as
 * Mattermost-User-Id. Requests without a session go through without one, as in Mattermost; a
 * browser's session cookie counts for reads (the plugin's pages) and, with CSRF proof, writes.
 */
async function servePluginRequest(
  context: RestServerContext,
  req: IncomingMessage,
  res: ServerResponse,
  { pluginId, path }: PluginTarget,
  requestId: string,
): Promise<void> {
  // A request with neither a token nor a cookie has no session: no turn of the event loop.
  const auth =
    req.headers.authorization === undefined && req.headers.cookie === undefined
      ? noAuth
      : await authenticateRequest(context.host.app, req, {
          cookieWithoutProof: req.method === "GET" || req.method === "HEAD",
        });
  await proxyPluginRequest(context.host, req, res, {
    pluginId,
    path,
    context: requestContextInit(req, requestId, auth),
    remoteAddr: req.socket.remoteAddress ?? "",
  });
}

const noAuth: RequestAuth = Object.freeze({});

async function upgrade(
  context: RestServerContext,
  webSockets: WebSocketServer,
  hub: WebSocketHub,
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
): Promise<void> {
  try {
    const url = new URL(req.url ?? "/", "http://localhost");
    if (url.pathname !== WEBSOCKET_PATH) {
      socket.end("HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
      return;
    }
    // A browser opens websockets to any site with that site's cookies: a cookie counts only
    // when the page comes from this server.
    const { session } = await authenticateRequest(context.host.app, req, {
      cookieWithoutProof: sameOrigin(req, context.siteUrl),
    });
    webSockets.handleUpgrade(req, socket, head, (ws) => {
      const { metrics } = context.host;
      metrics.webSocketOpened();
      ws.once("close", () => metrics.webSocketClosed());
      hub.accept(ws, session, resumeRequest(url.searchParams));
    });
  } catch (error) {
    context.host.app.logger.warn(`websocket upgrade failed: ${(error as Error).message}`);
    socket.destroy();
  }
}

function sameOrigin(req: IncomingMessage, siteUrl: string): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  try {
    const { host } = new URL(origin);
    return host === req.headers.host || host === new URL(siteUrl).host;
  } catch {
    return false;
  }
}

function sendError(
  host: Host,
  req: IncomingMessage,
  res: ServerResponse,
  error: unknown,
  requestId: string,
): void {
  const apiError =
    error instanceof PluginAPIError
      ? error
      : new InternalError({
          id: "api.context.internal_error",
          message: "An internal error occurred; the server log has the details.",
          cause: error,
        });
  if (apiError.statusCode >= 500) {
    host.app.logger.error(`${req.method} ${req.url} failed: ${String(error)}`, { requestId });
  }
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const { status, body } = toHttpError(apiError, requestId);
  const json = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(json),
    // Whatever is left of an oversize body is not read: the connection can't be reused.
    ...(status === 413 ? { connection: "close" } : {}),
  });
  res.end(json);
}

function routeNotFound(url: URL): NotFoundError {
  return new NotFoundError({
    id: "api.context.404.app_error",
    message: `Sorry, we could not find the page: ${url.pathname} is not an API route.`,
    params: { path: url.pathname },
  });
}

function methodNotAllowed(req: IncomingMessage, url: URL): PluginAPIError {
  return new PluginAPIError({
    id: "api.context.405.app_error",
    message: `${url.pathname} does not answer ${req.method}.`,
    statusCode: 405,
    params: { path: url.pathname, method: req.method ?? "" },
  });
}

/**
 * A request node:http could not parse (headers over its limit, a malformed request line) gets
 * the REST API's JSON error body, as every other error does, rather than node's bare status.
 */
function answerUnparsable(error: Error & { code?: string }, socket: Duplex): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const tooLarge = error.code === "HPE_HEADER_OVERFLOW";
  const status = tooLarge ? 431 : 400;
  const body = JSON.stringify({
    id: tooLarge
      ? "api.context.request_headers_too_large.app_error"
      : "api.context.bad_request.app_error",
    message: tooLarge
      ? "The request's URL and headers are larger than the server accepts; send a shorter URL or fewer headers."
      : `The request could not be read as HTTP: ${error.message}`,
    detailed_error: "",
    request_id: "",
    status_code: status,
  });
  const reason = tooLarge ? "Request Header Fields Too Large" : "Bad Request";
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

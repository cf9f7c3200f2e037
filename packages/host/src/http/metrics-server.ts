// The metrics listener, a server of its own as Mattermost's is: GET /metrics answers the host's
// Prometheus metrics (metrics/metrics-registry.ts), and /plugins/{plugin_id}/metrics[/...] is
// dispatched to that plugin's ServeMetrics hook, with the path below .../metrics and an empty
// context, as Mattermost calls it. Like Mattermost's, it asks for no session: it is for the
// operators' scrapers, so it listens on this machine only unless told otherwise.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { NotFoundError, PluginAPIError } from "@plugwire/errors";
import type { Registry } from "prom-client";
import type { Host } from "../host.js";
import { createMetricsRegistry } from "../metrics/metrics-registry.js";
import { requestHeadersForPlugin, responseHeadersFromPlugin } from "./plugin-http-headers.js";

/** Mattermost's metrics port. */
export const DEFAULT_METRICS_PORT = 8067;
/** The address listened on unless set: this machine only. */
export const DEFAULT_METRICS_HOSTNAME = "127.0.0.1";

export interface MetricsServerOptions {
  /** Default DEFAULT_METRICS_PORT (8067); 0 picks a free port. */
  port?: number;
  /** Default DEFAULT_METRICS_HOSTNAME. */
  hostname?: string;
}

export interface MetricsServer {
  /** The URL listened on, e.g. "http://127.0.0.1:8067". */
  url: string;
  port: number;
  /** Stops listening and closes the connections; resolves once the server has stopped. */
  close(): Promise<void>;
}

const PLUGIN_METRICS_PATH = /^\/plugins\/([a-zA-Z0-9._-]+)\/metrics(\/.*)?$/;

/** Starts the metrics listener for `host`; resolves once it listens. */
export async function startMetricsServer(
  host: Host,
  options: MetricsServerOptions = {},
): Promise<MetricsServer> {
  const registry = createMetricsRegistry(host);
  const server = createServer((req, res) => {
    void answer(host, registry, req, res);
  });
  const hostname = options.hostname ?? DEFAULT_METRICS_HOSTNAME;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? DEFAULT_METRICS_PORT, hostname, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${hostname.includes(":") ? `[${hostname}]` : hostname}:${port}`,
    port,
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}

async function answer(
  host: Host,
  registry: Registry,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  try {
    const url = new URL(req.url ?? "/", "http://localhost");
    if (url.pathname === "/metrics") {
      send(res, 200, registry.contentType, await registry.metrics());
      return;
    }
    const plugin = PLUGIN_METRICS_PATH.exec(url.pathname);
    if (plugin === null) {
      send(
        res,
        404,
        "text/plain; charset=utf-8",
        "Not found: this server answers /metrics and /plugins/{plugin_id}/metrics.\n",
      );
      return;
    }
    await servePluginMetrics(
      host,
      req,
      res,
      plugin[1] as string,
      `${plugin[2] ?? "/"}${url.search}`,
    );
  } catch (error) {
    const status = error instanceof PluginAPIError ? error.statusCode : 500;
    if (status >= 500) {
      host.app.logger.error(`metrics server: ${req.method} ${req.url} failed: ${String(error)}`);
    }
    if (res.headersSent) {
      res.destroy();
      return;
    }
    send(res, status, "text/plain; charset=utf-8", `${(error as Error).message}\n`);
  }
}

/** The plugin's ServeMetrics answer, as it wrote it; 404 for a plugin not active or without it. */
async function servePluginMetrics(
  host: Host,
  req: IncomingMessage,
  res: ServerResponse,
  pluginId: string,
  path: string,
): Promise<void> {
  const status = host.statuses().find((candidate) => candidate.id === pluginId);
  const plugin = status?.state === "active" ? host.plugin(pluginId) : undefined;
  if (plugin === undefined || !plugin.implements("ServeMetrics")) {
    throw new NotFoundError({
      id: "app.plugin.metrics.not_found",
      message: `No active plugin "${pluginId}" serves metrics.`,
      params: { plugin_id: pluginId },
    });
  }
  const cancel = new AbortController();
  res.once("close", () => cancel.abort());
  const answer = await plugin.callHook(
    "ServeMetrics",
    {
      head: {
        method: req.method ?? "GET",
        url: path,
        headers: requestHeadersForPlugin(req.rawHeaders, undefined),
        remoteAddr: req.socket.remoteAddress ?? "",
      },
    },
    { signal: cancel.signal },
  );
  const headers = responseHeadersFromPlugin(answer?.head?.headers ?? []).filter(
    ({ name }) => name.toLowerCase() !== "content-length",
  );
  const body = answer?.body ?? new Uint8Array();
  res.writeHead(answer?.head?.status || 200, [
    ...headers.flatMap(({ name, value }) => [name, value]),
    "content-length",
    String(body.byteLength),
  ]);
  res.end(body);
}

function send(res: ServerResponse, status: number, contentType: string, text: string): void {
  res.writeHead(status, {
    "content-type": contentType,
    "content-length": Buffer.byteLength(text),
  });
  res.end(text);
}

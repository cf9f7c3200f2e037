// Plugwire's own routes behind the admin console (packages/console), for system admins only,
// as every plugin management route: what a plugin's hooks did over the last minutes, its log
// entries as they come (server-sent events), and what the server runs on. Mattermost's System
// Console reads the same from its metrics and log files, which this host does not serve.
import type { JsonObject } from "@bufbuild/protobuf";
import type { LogEntry } from "../../log.js";
import { requireSystemAdmin } from "./permissions.js";
import { pluginIdParam } from "./plugin-routes.js";
import type { RestCall, RouteHandler } from "./rest-call.js";
import type { Router } from "./router.js";

/** A comment line this often keeps proxies from closing a quiet event stream. */
const KEEP_ALIVE_MS = 15_000;

export function pluginConsoleRoutes(router: Router<RouteHandler>): void {
  router
    .add("GET", "/api/v4/plugins/{plugin_id}/activity", pluginActivity)
    .add("GET", "/api/v4/plugins/{plugin_id}/logs", pluginLogs)
    .add("GET", "/api/v4/system/server", serverInfo);
}

/** Per hook, each of the last minutes: calls, failures, timeouts, p50 and p99 latency. */
async function pluginActivity(call: RestCall): Promise<void> {
  requireSystemAdmin(call);
  const pluginId = pluginIdParam(call);
  const hooks = call.host.pluginActivity(pluginId).map(({ hook, minutes }) => ({
    hook,
    minutes: minutes.map((minute) => ({
      start: minute.start,
      calls: minute.calls,
      failures: minute.failures,
      timeouts: minute.timeouts,
      p50_ms: minute.p50Ms,
      p99_ms: minute.p99Ms,
    })),
  }));
  call.send(200, { plugin_id: pluginId, hooks });
}

/**
 * The plugin's log as server-sent events (text/event-stream): its last entries, then each new
 * one, until the client goes away, the server closes, or the right to read it may have gone
 * (the session ended here or on another host, the user's roles changed: a client that follows
 * again is asked for its session and permission anew). Each event's data is one entry as JSON.
 */
async function pluginLogs(call: RestCall): Promise<void> {
  const reader = requireSystemAdmin(call);
  const sessionId = call.session?.id;
  const pluginId = pluginIdParam(call);
  // The plugin must be loaded: a typo answers 404 rather than a stream that stays silent.
  call.host.status(pluginId);
  const { res, req } = call;
  res.writeHead(200, {
    "content-type": "text/event-stream; charset=utf-8",
    "cache-control": "no-store",
    "x-accel-buffering": "no",
  });
  const write = (entry: LogEntry) => res.write(`data: ${entryJson(entry)}\n\n`);
  for (const entry of call.host.logFeed.recent(pluginId)) write(entry);
  const unfollow = call.host.logFeed.follow(pluginId, write);
  const keepAlive = setInterval(() => res.write(": keep-alive\n\n"), KEEP_ALIVE_MS);
  let unsubscribe = () => {};
  await new Promise<void>((resolve) => {
    const end = () => resolve();
    req.once("close", end);
    res.once("close", end);
    if (call.server.closing.aborted) end();
    else call.server.closing.addEventListener("abort", end, { once: true });
    unsubscribe = call.host.app.subscribe({
      sessionEnded: (session) => {
        if (session.id === sessionId) end();
      },
      clusterConnectionsEnded: (ended) => {
        if ("userId" in ended ? ended.userId === reader.id : ended.sessionId === sessionId) end();
      },
      userDeactivated: (user) => {
        if (user.id === reader.id) end();
      },
      userRolesUpdated: (user) => {
        if (user.id === reader.id) end();
      },
      roleUpdated: () => end(),
    });
  });
  unsubscribe();
  unfollow();
  clearInterval(keepAlive);
  res.end();
}

function entryJson(entry: LogEntry): string {
  return JSON.stringify(
    {
      time: entry.time.getTime(),
      level: entry.level,
      msg: entry.msg,
      plugin_id: entry.pluginId ?? "",
      fields: entry.fields,
    },
    (_key, value) => (typeof value === "bigint" ? value.toString() : value),
  );
}

/** What the server is and runs on: its version and the database that keeps its data. */
async function serverInfo(call: RestCall): Promise<void> {
  requireSystemAdmin(call);
  const info: JsonObject = {
    version: call.host.serverVersion,
    store: call.host.storeKind,
  };
  call.send(200, info);
}

// What the host counts about itself while it runs: hook calls and Plugin API calls per plugin,
// plugin restarts, REST requests by route and status, websocket connections. The parts of the
// host record here as they work (each record a few additions); metrics-registry.ts exposes it
// all to Prometheus, and the read methods below give the same figures in-process.
import { CallStats, type CallStatsRow, CallStatsTable } from "./call-stats.js";

/** The figures of one kind of call, as read in-process. */
export interface CallFigures {
  calls: number;
  /** Calls that failed, timed-out ones included. */
  failures: number;
  timeouts: number;
  /** Mean duration, in seconds; 0 without calls. */
  meanSeconds: number;
  /** Durations under which half and 99 % of the calls finished, to a bucket's precision. */
  p50Seconds: number;
  p99Seconds: number;
}

/** A hook's figures for one plugin. */
export interface HookFigures extends CallFigures {
  pluginId: string;
  hook: string;
}

/** A Plugin API method's figures for one plugin. */
export interface ApiCallFigures extends CallFigures {
  pluginId: string;
  method: string;
}

/** One REST route: its latency over every answer, and how many answers had each status. */
export class RouteStats {
  readonly latency = new CallStats();
  readonly statuses = new Map<number, number>();
}

export class HostMetrics {
  /** Hook calls, by plugin and hook. */
  readonly hooks = new CallStatsTable();
  /** Plugin API calls, by plugin and method. */
  readonly apiCalls = new CallStatsTable();
  /** REST requests, by "<method> <route template>". */
  readonly routes = new Map<string, RouteStats>();
  /** Restarts after a crash, by plugin. */
  readonly restarts = new Map<string, number>();
  /** Websocket connections open now, and opened since the start. */
  webSocketsOpen = 0;
  webSocketsOpened = 0;

  /** The hook stats of one plugin, for its supervisor to record in. */
  hooksOf(pluginId: string): CallStatsRow {
    return this.hooks.row(pluginId);
  }

  /** The Plugin API stats of one plugin, for its API service to record in. */
  apiCallsOf(pluginId: string): CallStatsRow {
    return this.apiCalls.row(pluginId);
  }

  pluginRestarted(pluginId: string): void {
    this.restarts.set(pluginId, (this.restarts.get(pluginId) ?? 0) + 1);
  }

  /** A REST request answered with `status` after `ms` milliseconds; `route` is its template. */
  restRequest(method: string, route: string, status: number, ms: number): void {
    const key = `${method} ${route}`;
    let stats = this.routes.get(key);
    if (stats === undefined) {
      stats = new RouteStats();
      this.routes.set(key, stats);
    }
    if (status >= 500) stats.latency.failed(ms);
    else stats.latency.succeeded(ms);
    stats.statuses.set(status, (stats.statuses.get(status) ?? 0) + 1);
  }

  webSocketOpened(): void {
    this.webSocketsOpen++;
    this.webSocketsOpened++;
  }

  webSocketClosed(): void {
    this.webSocketsOpen--;
  }

  /** Every hook called so far, by plugin and hook, in the order first called. */
  hookFigures(): HookFigures[] {
    return [...this.hooks.entries()].map(([pluginId, hook, stats]) => ({
      pluginId,
      hook,
      ...figuresOf(stats),
    }));
  }

  /** Every Plugin API method called so far, by plugin and method. */
  apiCallFigures(): ApiCallFigures[] {
    return [...this.apiCalls.entries()].map(([pluginId, method, stats]) => ({
      pluginId,
      method,
      ...figuresOf(stats),
    }));
  }
}

function figuresOf(stats: CallStats): CallFigures {
  return {
    calls: stats.calls,
    failures: stats.failures,
    timeouts: stats.timeouts,
    meanSeconds: stats.calls === 0 ? 0 : stats.totalSeconds / stats.calls,
    p50Seconds: stats.quantileSeconds(0.5),
    p99Seconds: stats.quantileSeconds(0.99),
  };
}

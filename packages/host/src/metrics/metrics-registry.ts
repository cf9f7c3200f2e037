// The host's figures as Prometheus metrics, through prom-client: a registry whose metrics read
// HostMetrics (and the plugins' states) when scraped, plus prom-client's process and Node.js
// metrics. Nothing is copied between scrapes, so recording stays a few additions.
import {
  Counter,
  collectDefaultMetrics,
  Gauge,
  Histogram,
  type HistogramConfiguration,
  type LabelValues,
  Registry,
} from "prom-client";
import { type CallStats, LATENCY_BUCKETS_SECONDS } from "./call-stats.js";
import type { HostMetrics } from "./host-metrics.js";

/** Every state a plugin can be in, each a series of plugwire_plugin_state. */
const PLUGIN_STATES = ["stopped", "starting", "active", "restarting", "failed"] as const;

/** What the registry reads: the host's figures and its plugins' states (a Host is one). */
export interface MetricsSource {
  readonly metrics: HostMetrics;
  statuses(): readonly { id: string; state: string }[];
}

/**
 * A registry of the host's metrics: hooks, Plugin API calls, plugin restarts and states, REST
 * requests, websocket connections, and the process's (CPU, memory, event loop, GC).
 */
export function createMetricsRegistry(source: MetricsSource): Registry {
  const registry = new Registry();
  const { metrics } = source;
  const registers = [registry];

  const callCounters = (
    prefix: string,
    what: string,
    nameLabel: "hook" | "method",
    read: () => Iterable<[string, string, CallStats]>,
  ) => {
    const labelNames = ["plugin_id", nameLabel] as const;
    const labels = (pluginId: string, name: string) =>
      ({ plugin_id: pluginId, [nameLabel]: name }) as LabelValues<(typeof labelNames)[number]>;
    const counter = (suffix: string, help: string, value: (stats: CallStats) => number) =>
      new Counter({
        name: `${prefix}_${suffix}_total`,
        help,
        labelNames,
        registers,
        collect() {
          this.reset();
          for (const [pluginId, name, stats] of read()) {
            this.inc(labels(pluginId, name), value(stats));
          }
        },
      });
    counter("calls", `${what} calls, by plugin.`, (stats) => stats.calls);
    counter(
      "failures",
      `${what} calls that failed, timed-out ones included, by plugin.`,
      (stats) => stats.failures,
    );
    counter(
      "timeouts",
      `${what} calls that did not answer within their deadline, by plugin.`,
      (stats) => stats.timeouts,
    );
    new SnapshotHistogram(
      {
        name: `${prefix}_duration_seconds`,
        help: `How long ${what} calls took, by plugin.`,
        labelNames,
        registers,
      },
      function* () {
        for (const [pluginId, name, stats] of read()) yield [labels(pluginId, name), stats];
      },
    );
  };

  callCounters("plugwire_plugin_hook", "Hook", "hook", () => metrics.hooks.entries());
  callCounters("plugwire_plugin_api", "Plugin API", "method", () => metrics.apiCalls.entries());

  new Counter({
    name: "plugwire_plugin_restarts_total",
    help: "Restarts of plugins after a crash, by plugin.",
    labelNames: ["plugin_id"],
    registers,
    collect() {
      this.reset();
      for (const [pluginId, restarts] of metrics.restarts)
        this.inc({ plugin_id: pluginId }, restarts);
    },
  });
  new Gauge({
    name: "plugwire_plugin_state",
    help: "1 for the state each loaded plugin is in (stopped, starting, active, restarting, failed), 0 for the others.",
    labelNames: ["plugin_id", "state"],
    registers,
    collect() {
      this.reset();
      for (const { id, state } of source.statuses()) {
        for (const candidate of PLUGIN_STATES) {
          this.set({ plugin_id: id, state: candidate }, candidate === state ? 1 : 0);
        }
      }
    },
  });

  new Counter({
    name: "plugwire_http_requests_total",
    help: "REST requests answered, by method, route template and status.",
    labelNames: ["method", "route", "status"],
    registers,
    collect() {
      this.reset();
      for (const [key, stats] of metrics.routes) {
        const [method = "", route = ""] = splitRouteKey(key);
        for (const [status, count] of stats.statuses) {
          this.inc({ method, route, status: String(status) }, count);
        }
      }
    },
  });
  new SnapshotHistogram(
    {
      name: "plugwire_http_request_duration_seconds",
      help: "How long REST requests took to answer, by method and route template.",
      labelNames: ["method", "route"],
      registers,
    },
    function* () {
      for (const [key, stats] of metrics.routes) {
        const [method = "", route = ""] = splitRouteKey(key);
        yield [{ method, route }, stats.latency];
      }
    },
  );

  new Gauge({
    name: "plugwire_websocket_connections",
    help: "Websocket connections open now.",
    registers,
    collect() {
      this.set(metrics.webSocketsOpen);
    },
  });
  new Counter({
    name: "plugwire_websocket_connections_opened_total",
    help: "Websocket connections opened since the host started.",
    registers,
    collect() {
      this.reset();
      this.inc(metrics.webSocketsOpened);
    },
  });

  collectDefaultMetrics({ register: registry });
  return registry;
}

function splitRouteKey(key: string): [string, string] {
  const space = key.indexOf(" ");
  return [key.slice(0, space), key.slice(space + 1)];
}

type HistogramValues<T extends string> = Awaited<ReturnType<Histogram<T>["get"]>>;

/**
 * A histogram whose buckets are CallStats kept elsewhere: it reads them when scraped instead of
 * being observed call by call, which costs far more per call (prom-client hashes the labels of
 * every observation).
 */
class SnapshotHistogram<T extends string> extends Histogram<T> {
  private readonly config: HistogramConfiguration<T>;

  constructor(
    config: HistogramConfiguration<T>,
    private readonly read: () => Iterable<[LabelValues<T>, CallStats]>,
  ) {
    super({ ...config, buckets: [...LATENCY_BUCKETS_SECONDS] });
    this.config = config;
  }

  override async get(): Promise<HistogramValues<T>> {
    const { name, help } = this.config;
    const bucketName = `${name}_bucket`;
    const values: HistogramValues<T>["values"] = [];
    for (const [labels, stats] of this.read()) {
      let cumulative = 0;
      for (const [i, bound] of LATENCY_BUCKETS_SECONDS.entries()) {
        cumulative += stats.buckets[i] as number;
        values.push({
          labels: { ...labels, le: bound },
          value: cumulative,
          metricName: bucketName,
        });
      }
      values.push(
        { labels: { ...labels, le: "+Inf" }, value: stats.calls, metricName: bucketName },
        { labels, value: stats.totalSeconds, metricName: `${name}_sum` },
        { labels, value: stats.calls, metricName: `${name}_count` },
      );
    }
    // prom-client's types give `type` as a numeric enum; at run time, and in the text format,
    // it is the string its own histograms carry.
    return {
      name,
      help,
      type: "histogram",
      aggregator: "sum",
      values,
    } as unknown as HistogramValues<T>;
  }

  /** What the registry reads to write the text format: the same values. */
  getForPromString(): Promise<HistogramValues<T>> {
    return this.get();
  }
}

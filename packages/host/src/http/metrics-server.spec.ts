// The metrics listener over real HTTP, scraped as Prometheus scrapes it: hook calls, failures,
// timeouts and latencies per plugin, Plugin API calls per method, plugin states and restarts,
// REST requests by route template and status, websocket connections and the process's own
// metrics, all caused by real plugin processes and real requests; and ServeMetrics, dispatched
// at /plugins/{plugin_id}/metrics as Mattermost dispatches it.
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  RECORDER_ID,
  type RestChannel,
  RestFixture,
  type RestUser,
} from "../../test-fixtures/rest/rest-fixture.js";
import { WebSocketClient } from "../../test-fixtures/rest/websocket-client.js";
import { type MetricsServer, startMetricsServer } from "./metrics-server.js";

const METRICS_PLUGIN = "test.metrics";
const metricsPluginDir = join(
  dirname(fileURLToPath(import.meta.url)),
  "../../test-fixtures/metrics",
);

let f: RestFixture;
let server: MetricsServer;
let admin: RestUser;
let channel: RestChannel;

beforeAll(async () => {
  f = await RestFixture.start({ hookTimeoutMs: 1000 });
  await f.host.loadPlugin(metricsPluginDir);
  await f.host.enablePlugin(METRICS_PLUGIN);
  server = await startMetricsServer(f.host, { port: 0 });
  admin = { id: f.adminId, token: f.adminToken };
  const team = await f.newTeam(admin);
  channel = await f.newChannel(team, admin, { name: "metrics", displayName: "Metrics" });
});
afterAll(async () => {
  await server?.close();
  await f?.close();
});

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** GET /metrics, parsed line by line; every line must be a comment or a sample. */
async function scrape(): Promise<Sample[]> {
  const response = await fetch(`${server.url}/metrics`);
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toBe("text/plain; version=0.0.4; charset=utf-8");
  const samples: Sample[] = [];
  for (const line of (await response.text()).split("\n")) {
    if (line === "" || line.startsWith("# HELP ") || line.startsWith("# TYPE ")) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    expect(match, `not a sample line: ${line}`).not.toBeNull();
    const [, name = "", labelText = "", value = ""] = match ?? [];
    const labels: Record<string, string> = {};
    for (const [, key = "", text = ""] of labelText.matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) {
      labels[key] = text;
    }
    samples.push({ name, labels, value: Number(value) });
  }
  return samples;
}

/** The value of the one sample named `name` whose labels include `labels`; undefined if none. */
function sampleValue(
  samples: Sample[],
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  const found = samples.filter(
    (sample) =>
      sample.name === name &&
      Object.entries(labels).every(([key, value]) => sample.labels[key] === value),
  );
  expect(found.length, `${name} ${JSON.stringify(labels)}`).toBeLessThanOrEqual(1);
  return found[0]?.value;
}

async function post(message: string): Promise<void> {
  const { status } = await f.call("POST", "/api/v4/posts", {
    token: admin.token,
    json: { channel_id: channel.id, message },
  });
  expect(status).toBe(201);
  await f.host.app.settled();
}

describe("GET /metrics", () => {
  it("counts each plugin's hook calls, failures and timeouts, with a latency histogram", async () => {
    await post("fine");
    await post("throw, please");
    await post("hang, please");

    const samples = await scrape();
    const hook = { plugin_id: METRICS_PLUGIN, hook: "MessageWillBePosted" };
    expect(sampleValue(samples, "plugwire_plugin_hook_calls_total", hook)).toBe(3);
    expect(sampleValue(samples, "plugwire_plugin_hook_failures_total", hook)).toBe(2);
    expect(sampleValue(samples, "plugwire_plugin_hook_timeouts_total", hook)).toBe(1);
    expect(sampleValue(samples, "plugwire_plugin_hook_duration_seconds_count", hook)).toBe(3);
    expect(
      sampleValue(samples, "plugwire_plugin_hook_duration_seconds_bucket", { ...hook, le: "+Inf" }),
    ).toBe(3);
    // The timed-out call waited for the 1 s deadline; the other two answered well before.
    expect(
      sampleValue(samples, "plugwire_plugin_hook_duration_seconds_bucket", { ...hook, le: "0.5" }),
    ).toBe(2);
    expect(
      sampleValue(samples, "plugwire_plugin_hook_duration_seconds_sum", hook),
    ).toBeGreaterThanOrEqual(1);
    const recorder = { plugin_id: RECORDER_ID, hook: "MessageHasBeenPosted" };
    expect(sampleValue(samples, "plugwire_plugin_hook_calls_total", recorder)).toBe(3);
    expect(sampleValue(samples, "plugwire_plugin_hook_failures_total", recorder)).toBe(0);

    const figures = f.host.metrics
      .hookFigures()
      .find((entry) => entry.pluginId === METRICS_PLUGIN && entry.hook === "MessageWillBePosted");
    expect(figures).toMatchObject({ calls: 3, failures: 2, timeouts: 1 });
    expect(figures?.p50Seconds).toBeLessThanOrEqual(0.5);
    expect(figures?.p99Seconds).toBeGreaterThanOrEqual(1);
  });

  it("counts Plugin API calls per plugin and method, failed ones apart", async () => {
    const samples = await scrape();
    const getUser = { plugin_id: METRICS_PLUGIN, method: "GetUser" };
    const calls = sampleValue(samples, "plugwire_plugin_api_calls_total", getUser);
    expect(calls).toBe(6);
    expect(sampleValue(samples, "plugwire_plugin_api_failures_total", getUser)).toBe(3);
    expect(sampleValue(samples, "plugwire_plugin_api_duration_seconds_count", getUser)).toBe(6);
    const kvSet = { plugin_id: RECORDER_ID, method: "KVSet" };
    expect(sampleValue(samples, "plugwire_plugin_api_calls_total", kvSet)).toBeGreaterThan(0);
    expect(f.host.metrics.apiCallFigures()).toContainEqual(
      expect.objectContaining({
        pluginId: METRICS_PLUGIN,
        method: "GetUser",
        calls: 6,
        failures: 3,
      }),
    );
  });

  it("counts REST requests by route template and status, unmatched paths under one label", async () => {
    const before = await scrape();
    const me = { method: "GET", route: "/api/v4/users/me", status: "200" };
    const seen = sampleValue(before, "plugwire_http_requests_total", me) ?? 0;
    expect((await f.call("GET", "/api/v4/users/me", { token: admin.token })).status).toBe(200);
    expect((await f.call("GET", `/api/v4/users/${admin.id}`, { token: admin.token })).status).toBe(
      200,
    );
    expect((await f.call("GET", "/api/v4/users/nobody-at-all")).status).toBe(401);
    expect((await f.call("GET", "/api/v4/no/such/route")).status).toBe(404);

    const samples = await scrape();
    expect(sampleValue(samples, "plugwire_http_requests_total", me)).toBe(seen + 1);
    const byId = { method: "GET", route: "/api/v4/users/{user_id}" };
    expect(sampleValue(samples, "plugwire_http_requests_total", { ...byId, status: "200" })).toBe(
      1,
    );
    expect(sampleValue(samples, "plugwire_http_requests_total", { ...byId, status: "401" })).toBe(
      1,
    );
    expect(
      sampleValue(samples, "plugwire_http_requests_total", {
        method: "GET",
        route: "unmatched",
        status: "404",
      }),
    ).toBeGreaterThanOrEqual(1);
    expect(
      sampleValue(samples, "plugwire_http_requests_total", {
        method: "POST",
        route: "/api/v4/posts",
        status: "201",
      }),
    ).toBe(3);
    expect(sampleValue(samples, "plugwire_http_request_duration_seconds_count", byId)).toBe(2);
  });

  it("counts websocket connections open now and opened in all", async () => {
    const client = await WebSocketClient.connect(f.url, { authorization: `Bearer ${admin.token}` });
    const open = await scrape();
    expect(sampleValue(open, "plugwire_websocket_connections")).toBe(1);
    expect(sampleValue(open, "plugwire_websocket_connections_opened_total")).toBe(1);
    await client.close();
    await expect
      .poll(async () => sampleValue(await scrape(), "plugwire_websocket_connections"))
      .toBe(0);
  });

  it("shows each plugin's state and counts its restarts after a crash", async () => {
    const before = await scrape();
    expect(
      sampleValue(before, "plugwire_plugin_state", { plugin_id: METRICS_PLUGIN, state: "active" }),
    ).toBe(1);
    expect(
      sampleValue(before, "plugwire_plugin_state", { plugin_id: METRICS_PLUGIN, state: "failed" }),
    ).toBe(0);
    expect(
      sampleValue(before, "plugwire_plugin_restarts_total", { plugin_id: METRICS_PLUGIN }),
    ).toBeUndefined();

    const { pid } = f.host.plugin(METRICS_PLUGIN) as unknown as { pid: number };
    process.kill(pid, "SIGKILL");
    await expect
      .poll(() => f.host.status(METRICS_PLUGIN).state, { timeout: 10_000 })
      .toBe("restarting");
    await expect
      .poll(() => f.host.status(METRICS_PLUGIN).state, { timeout: 10_000 })
      .toBe("active");

    const after = await scrape();
    expect(
      sampleValue(after, "plugwire_plugin_restarts_total", { plugin_id: METRICS_PLUGIN }),
    ).toBe(1);
    expect(
      sampleValue(after, "plugwire_plugin_state", { plugin_id: METRICS_PLUGIN, state: "active" }),
    ).toBe(1);
  });

  it("carries the process's own metrics", async () => {
    const samples = await scrape();
    expect(sampleValue(samples, "process_cpu_user_seconds_total")).toBeGreaterThan(0);
    expect(sampleValue(samples, "process_resident_memory_bytes")).toBeGreaterThan(0);
    expect(sampleValue(samples, "nodejs_eventloop_lag_seconds")).toBeGreaterThanOrEqual(0);
  });
});

describe("/plugins/{plugin_id}/metrics", () => {
  it("answers what the plugin's ServeMetrics wrote, with the path below /metrics", async () => {
    const response = await fetch(`${server.url}/plugins/${METRICS_PLUGIN}/metrics`);

    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/plain; version=0.0.4");
    expect(response.headers.get("x-plugin")).toBe(METRICS_PLUGIN);
    expect(await response.text()).toBe('test_plugin_metric{path="/",user=""} 1\n');
  });

  it("passes a sub-path and query on, and never a client's Mattermost-User-Id", async () => {
    const response = await fetch(`${server.url}/plugins/${METRICS_PLUGIN}/metrics/sub?x=1`, {
      headers: { "Mattermost-User-Id": admin.id },
    });

    expect(await response.text()).toBe('test_plugin_metric{path="/sub?x=1",user=""} 1\n');
    const samples = await scrape();
    expect(
      sampleValue(samples, "plugwire_plugin_hook_calls_total", {
        plugin_id: METRICS_PLUGIN,
        hook: "ServeMetrics",
      }),
    ).toBeGreaterThanOrEqual(2);
  });

  it.each([
    ["a plugin that does not implement ServeMetrics", `/plugins/${RECORDER_ID}/metrics`],
    ["a plugin that is not loaded", "/plugins/com.example.none/metrics"],
    ["anything else", "/plugins/test.metrics/other"],
  ])("answers 404 for %s", async (_, path) => {
    expect((await fetch(`${server.url}${path}`)).status).toBe(404);
  });

  it("answers 404 while the plugin is disabled", async () => {
    await f.host.disablePlugin(METRICS_PLUGIN);
    try {
      const response = await fetch(`${server.url}/plugins/${METRICS_PLUGIN}/metrics`);
      expect(response.status).toBe(404);
      expect(await response.text()).toBe(`No active plugin "${METRICS_PLUGIN}" serves metrics.\n`);
    } finally {
      await f.host.enablePlugin(METRICS_PLUGIN);
    }
  });
});

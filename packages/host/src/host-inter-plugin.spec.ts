// Plugins that see, manage and call each other through the Plugin API, as real processes on a
// real host: PluginHTTP with the caller's id, deadline and a bounded depth; GetPlugins and the
// statuses; enabling, disabling, installing and removing plugins; the bundle path and license.
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { fetchPlugin } from "./http/plugin-fetch.js";
import { MAX_INTER_PLUGIN_DEPTH } from "./rpc/inter-plugin-http.js";
import { bundleOf, writeRecordingPlugin } from "./test-fixtures/recording-plugin.js";
import { writeSystemPlugin } from "./test-fixtures/system-plugin.js";
import { startTestHost, type TestHost } from "./test-fixtures/test-host.js";

const A = "test.alpha";
const B = "test.beta";

let t: TestHost;
beforeEach(async () => {
  t = await startTestHost();
  for (const id of [A, B]) {
    await t.host.loadPlugin(await writeSystemPlugin(join(t.root, id), { id }));
    await t.host.enablePlugin(id);
  }
}, 30_000);
afterEach(() => t.dispose());

/** GETs `path` of plugin `id` as a client would, and reads the JSON answer. */
// biome-ignore lint/suspicious/noExplicitAny: specs assert on whatever the plugin answered
async function get(id: string, path: string): Promise<{ status: number; json: any }> {
  const response = await fetchPlugin(t.host, id, new Request(`http://host/plugins/${id}${path}`), {
    basePath: `/plugins/${id}`,
  });
  return { status: response.status, json: await response.json() };
}

describe("PluginHTTP", () => {
  it("reaches the other plugin's route with the caller's id, body, headers and query", async () => {
    const { json } = await get(A, `/call?path=${encodeURIComponent(`/${B}/hello?x=1`)}`);

    expect(json).toEqual({
      status: 200,
      body: {
        caller: A,
        depth: "1",
        userId: "user-of-the-caller",
        method: "POST",
        path: "/hello?x=1",
        body: "hi there",
      },
    });
  });

  it("answers NotFound for a plugin that is not loaded, and refuses a URL without a plugin id", async () => {
    const missing = await get(A, `/call?path=${encodeURIComponent("/test.absent/hello")}`);
    expect(missing.json).toMatchObject({ error: "NotFoundError" });

    const invalid = await get(A, `/call?path=${encodeURIComponent("/")}`);
    expect(invalid.json).toMatchObject({
      error: "ValidationError",
      id: "api.plugin.http.invalid_url",
    });
  });

  it("stops two plugins calling each other back at the depth limit", async () => {
    const { json } = await get(A, `/loop?other=${B}&self=${A}`);

    const depths: number[] = [];
    let hop = json;
    while (hop.next !== undefined) {
      depths.push(hop.depth);
      hop = hop.next;
    }
    depths.push(hop.depth);
    expect(depths).toEqual([0, 1, 2, 3, 4, 5]);
    expect(hop.depth).toBe(MAX_INTER_PLUGIN_DEPTH);
    expect(hop).toMatchObject({ error: "PluginAPIError", id: "api.plugin.http.too_deep" });
  });

  it("keeps the caller's deadline: the callee's request is cancelled when it passes", async () => {
    const { json } = await get(
      A,
      `/call-with-deadline?ms=300&path=${encodeURIComponent(`/${B}/slow`)}`,
    );

    expect(json).toMatchObject({ error: "TimeoutError" });
    expect(json.elapsed).toBeLessThan(5_000);
    await expect.poll(() => t.pluginMessages(B)).toContain("slow cancelled");
  });

  it("passes the deadline on down a chain of calls that set none of their own", async () => {
    const slow = `/${A}/slow`;
    const relay = `/${B}/relay?path=${encodeURIComponent(slow)}`;
    const { json } = await get(A, `/call-with-deadline?ms=300&path=${encodeURIComponent(relay)}`);

    expect(json).toMatchObject({ error: "TimeoutError" });
    expect(json.elapsed).toBeLessThan(5_000);
    await expect.poll(() => t.pluginMessages(A)).toContain("slow cancelled");
  });

  it("drops a client's own Mattermost-Plugin-ID and depth headers on the way to a plugin", async () => {
    const response = await fetchPlugin(
      t.host,
      B,
      new Request(`http://host/plugins/${B}/hello`, {
        headers: { "mattermost-plugin-id": A, "plugwire-plugin-depth": "4" },
      }),
      { basePath: `/plugins/${B}` },
    );
    expect(await response.json()).toMatchObject({ caller: null, depth: null });
  });
});

describe("plugins managing plugins", () => {
  it("GetPlugins, GetPluginStatus(es), GetBundlePath, GetLicense and IsEnterpriseReady", async () => {
    await t.host.disablePlugin(B);
    const { json } = await get(A, `/plugins?other=${B}`);

    expect(json.manifests).toEqual([
      {
        id: A,
        name: `System plugin ${A}`,
        description: "Calls the system part of the Plugin API",
        version: "1.2.3",
        server: { executable: "server/plugin.mjs" },
      },
      expect.objectContaining({ id: B }),
    ]);
    expect(json.statuses).toEqual([
      { id: A, state: 2, version: "1.2.3" },
      { id: B, state: 0, version: "1.2.3" },
    ]);
    // The plugin answered the model itself: a model's JSON is Mattermost's (snake_case).
    expect(json.other).toMatchObject({ plugin_id: B, state: 0, plugin_path: join(t.root, B) });
    expect(json.bundlePath).toBe(join(t.root, A));
    expect(json.license).toBeNull();
    expect(json.enterpriseReady).toBe(false);
  });

  it("disables and enables another plugin, waiting for it each time", async () => {
    await get(A, `/manage?op=disable&id=${B}`);
    expect(t.host.status(B).state).toBe("stopped");

    await get(A, `/manage?op=enable&id=${B}`);
    expect(t.host.status(B).state).toBe("active");
    expect((await get(B, "/hello")).status).toBe(200);
  });

  it("installs a bundle disabled, then removes it", async () => {
    const bundle = await bundleOf(
      await writeRecordingPlugin(join(t.root, "src-gamma"), { id: "test.gamma" }),
    );
    const installed = await fetchPlugin(
      t.host,
      A,
      new Request(`http://host/install`, { method: "POST", body: bundle }),
    );
    expect(await installed.json()).toMatchObject({ id: "test.gamma", version: "1.0.0" });
    expect(t.host.status("test.gamma")).toMatchObject({
      state: "stopped",
      manifest: { dir: join(t.pluginsDir, "test.gamma") },
    });

    const again = await fetchPlugin(
      t.host,
      A,
      new Request(`http://host/install`, { method: "POST", body: bundle }),
    );
    expect(await again.json()).toMatchObject({ error: "AlreadyExistsError" });

    await get(A, "/manage?op=remove&id=test.gamma");
    expect(t.host.statuses().map((s) => s.id)).toEqual([A, B]);
    expect((await get(A, "/manage?op=status&id=test.gamma")).json).toMatchObject({
      error: "NotFoundError",
    });
  });
});

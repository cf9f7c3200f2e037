// The PluginAPI's plugin calls over a real socket, on a real host with the recorder plugin
// running: what each answers, and how each refuses a bad request. The plugins calling each
// other as real processes are in host-inter-plugin.spec.ts.
import { join } from "node:path";
import type { Client } from "@connectrpc/connect";
import {
  AlreadyExistsError,
  NotFoundError,
  PluginAPIError,
  ValidationError,
} from "@plugwire/errors";
import { MAX_CHUNK_BYTES, type PluginAPI } from "@plugwire/protocol";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { failureOf } from "../test-fixtures/failure-of.js";
import { bundleOf, writeRecordingPlugin } from "../test-fixtures/recording-plugin.js";
import { startTestHost, type TestHost } from "../test-fixtures/test-host.js";
import { HOST_VERSION } from "../version.js";
import { type PluginApiServer, startPluginApiServer } from "./api-server.js";
import { MAX_INTER_PLUGIN_DEPTH } from "./inter-plugin-http.js";
import { createPluginApiService } from "./plugin-api-service.js";
import { connectPluginApi, type PluginApiConnection } from "./test-fixtures/plugin-api-client.js";

const RECORDER = "test.recorder";
const CALLER = "test.caller";

let t: TestHost;
let server: PluginApiServer;
let connection: PluginApiConnection;
let api: Client<typeof PluginAPI>;

/** The PluginAPI as plugin CALLER sees it, on `t.host` unless `plugins` is left out. */
async function serve(withPlugins: boolean): Promise<void> {
  const socketPath = join(t.root, "api.sock");
  server = await startPluginApiServer({
    socketPath,
    token: "token",
    service: createPluginApiService({
      pluginId: CALLER,
      app: t.host.app,
      serverVersion: HOST_VERSION,
      ...(withPlugins && { plugins: t.host }),
    }),
  });
  connection = connectPluginApi(socketPath, "Bearer token");
  api = connection.client;
}

beforeEach(async () => {
  t = await startTestHost({ maxBundleBytes: 512 * 1024 });
  await t.host.loadPlugin(await writeRecordingPlugin(join(t.root, "recorder"), { id: RECORDER }));
  await t.host.enablePlugin(RECORDER);
  await serve(true);
}, 30_000);
afterEach(async () => {
  connection.close();
  await server.close();
  await t.dispose();
});

describe("plugins", () => {
  it("GetPlugins, GetPluginStatus and GetPluginStatuses describe the loaded plugins", async () => {
    const { manifests } = await api.getPlugins({});
    expect(manifests).toEqual([
      {
        id: RECORDER,
        name: `Recording plugin ${RECORDER}`,
        description: "",
        version: "1.0.0",
        server: { executable: "server/plugin.mjs" },
      },
    ]);
    const { status } = await api.getPluginStatus({ pluginId: RECORDER });
    expect(status).toMatchObject({
      pluginId: RECORDER,
      state: 2,
      pluginPath: join(t.root, "recorder"),
      version: "1.0.0",
      error: "",
    });
    expect((await api.getPluginStatuses({})).statuses).toEqual([status]);
    expect(await failureOf(api.getPluginStatus({ pluginId: "test.absent" }))).toBeInstanceOf(
      NotFoundError,
    );
    expect(await failureOf(api.getPluginStatus({}))).toBeInstanceOf(ValidationError);
  });

  it("DisablePlugin and EnablePlugin wait for the plugin to stop and start", async () => {
    await api.disablePlugin({ pluginId: RECORDER });
    expect(t.host.status(RECORDER).state).toBe("stopped");
    expect((await api.getPluginStatus({ pluginId: RECORDER })).status?.state).toBe(0);
    await api.enablePlugin({ pluginId: RECORDER });
    expect(t.host.status(RECORDER).state).toBe("active");
    expect(await failureOf(api.enablePlugin({ pluginId: "test.absent" }))).toBeInstanceOf(
      NotFoundError,
    );
  });

  it("InstallPlugin takes a bundle in chunks, and RemovePlugin deletes it", async () => {
    const bundle = await bundleOf(
      await writeRecordingPlugin(join(t.root, "gamma"), { id: "test.gamma" }),
    );
    async function* frames(replace: boolean) {
      yield { frame: { case: "head" as const, value: { replace } } };
      for (let at = 0; at < bundle.byteLength; at += 1000) {
        yield { frame: { case: "data" as const, value: bundle.subarray(at, at + 1000) } };
      }
    }
    const { manifest } = await api.installPlugin(frames(false));
    expect(manifest).toMatchObject({ id: "test.gamma", version: "1.0.0" });
    expect(t.host.status("test.gamma").state).toBe("stopped");
    expect(await failureOf(api.installPlugin(frames(false)))).toBeInstanceOf(AlreadyExistsError);
    await api.installPlugin(frames(true));

    await api.removePlugin({ pluginId: "test.gamma" });
    expect(t.host.statuses().map((status) => status.id)).toEqual([RECORDER]);
    expect(await failureOf(api.removePlugin({ pluginId: "test.gamma" }))).toBeInstanceOf(
      NotFoundError,
    );
  });

  it("InstallPlugin refuses a stream without its head, oversized frames and oversized bundles", async () => {
    async function* noHead() {
      yield { frame: { case: "data" as const, value: new Uint8Array(10) } };
    }
    expect(await failureOf(api.installPlugin(noHead()))).toMatchObject({
      params: { field: "head" },
    });
    async function* bigFrame() {
      yield { frame: { case: "head" as const, value: {} } };
      yield { frame: { case: "data" as const, value: new Uint8Array(MAX_CHUNK_BYTES + 1) } };
    }
    expect(await failureOf(api.installPlugin(bigFrame()))).toMatchObject({
      params: { field: "data" },
    });
    async function* tooMuch() {
      yield { frame: { case: "head" as const, value: {} } };
      for (let i = 0; i < 9; i++) {
        yield { frame: { case: "data" as const, value: new Uint8Array(MAX_CHUNK_BYTES) } };
      }
    }
    const error = await failureOf(api.installPlugin(tooMuch()));
    expect(error).toMatchObject({ id: "app.plugin.install.too_large", statusCode: 413 });
  });

  it("GetBundlePath answers the caller's folder; NotFound for a caller the host has not loaded", async () => {
    expect(await failureOf(api.getBundlePath({}))).toBeInstanceOf(NotFoundError);
    await t.host.loadPlugin(await writeRecordingPlugin(join(t.root, "caller"), { id: CALLER }));
    expect((await api.getBundlePath({})).path).toBe(join(t.root, "caller"));
  });
});

describe("PluginHTTP", () => {
  it("answers the other plugin's response whole, with the caller's id", async () => {
    const { head, body } = await api.pluginHTTP({
      head: { method: "GET", url: `/${RECORDER}/whoami?x=1`, headers: [] },
    });
    expect(head?.status).toBe(200);
    const json = JSON.parse(new TextDecoder().decode(body));
    expect(json.path).toBe("/whoami?x=1");
    expect(json.headers).toEqual(
      expect.arrayContaining([
        ["mattermost-plugin-id", CALLER],
        ["plugwire-plugin-depth", "1"],
      ]),
    );
  });

  it("carries a body larger than one frame both ways", async () => {
    const sent = new Uint8Array(200_000).map((_, i) => i % 251);
    const { body } = await api.pluginHTTP({
      head: { method: "POST", url: `/${RECORDER}/echo`, headers: [] },
      body: sent,
    });
    expect(body.byteLength).toBe(sent.byteLength);
    expect(Buffer.compare(body, sent)).toBe(0);
  });

  it("refuses URLs that name no plugin, and requests past the depth limit", async () => {
    for (const url of ["", "/", "plugin/x", "/../x", `/${RECORDER}#x`]) {
      const error = await failureOf(api.pluginHTTP({ head: { method: "GET", url } }));
      expect({ url, id: error.id }).toEqual({ url, id: "api.plugin.http.invalid_url" });
    }
    expect(await failureOf(api.pluginHTTP({}))).toMatchObject({ params: { field: "head" } });
    const tooDeep = await failureOf(
      api.pluginHTTP({
        head: { method: "GET", url: `/${RECORDER}/whoami` },
        depth: MAX_INTER_PLUGIN_DEPTH,
      }),
    );
    expect(tooDeep).toMatchObject({ id: "api.plugin.http.too_deep", statusCode: 508 });
    const missing = await failureOf(api.pluginHTTP({ head: { method: "GET", url: "/test.x/y" } }));
    expect(missing).toBeInstanceOf(NotFoundError);
  });
});

describe("license", () => {
  it("GetLicense answers none and IsEnterpriseReady false", async () => {
    expect((await api.getLicense({})).license).toBeUndefined();
    expect((await api.isEnterpriseReady({})).enterpriseReady).toBe(false);
  });
});

describe("server ids", () => {
  it("GetSystemInstallDate, GetDiagnosticId and GetTelemetryId answer what the database recorded, across restarts", async () => {
    const installed = Number((await api.getSystemInstallDate({})).installDate);
    expect(installed).toBeLessThanOrEqual(Date.now());
    expect(installed).toBeGreaterThan(Date.now() - 120_000);
    const { diagnosticId } = await api.getDiagnosticId({});
    expect(diagnosticId).toMatch(/^[0-9a-z]{26}$/);
    expect((await api.getTelemetryId({})).telemetryId).toBe(diagnosticId);

    connection.close();
    await server.close();
    await t.restart();
    await serve(true);
    expect(Number((await api.getSystemInstallDate({})).installDate)).toBe(installed);
    expect((await api.getDiagnosticId({})).diagnosticId).toBe(diagnosticId);
  });
});

describe("outside a host", () => {
  it("the plugin calls answer Unimplemented, saying why", async () => {
    connection.close();
    await server.close();
    await serve(false);
    const error = await failureOf(api.getPlugins({}));
    expect(error).toBeInstanceOf(PluginAPIError);
    expect(error).toMatchObject({ id: "app.plugin.management.unavailable", statusCode: 501 });
  });
});

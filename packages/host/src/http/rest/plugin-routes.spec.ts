// /api/v4/plugins over real HTTP: listing, statuses, settings, enable and disable of the
// recorder plugin, and installing and removing bundles, for system admins only.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  RECORDER_ID,
  RestFixture,
  type RestUser,
  recorderBundle,
} from "../../../test-fixtures/rest/rest-fixture.js";

let f: RestFixture;
let alice: RestUser;

beforeAll(async () => {
  f = await RestFixture.start({ withPluginsDir: true });
  alice = await f.newUser("alice");
});
afterAll(async () => {
  await f?.close();
});

const admin = (method: string, path: string, options: { json?: unknown; body?: FormData } = {}) =>
  f.call(method, path, { token: f.adminToken, ...options });

function bundleForm(bundle: Uint8Array, force?: boolean): FormData {
  const form = new FormData();
  form.append("plugin", new Blob([bundle]), "plugin.tar.gz");
  if (force !== undefined) form.append("force", String(force));
  return form;
}

describe("permissions", () => {
  it("every plugin route is for system admins only", async () => {
    const routes: [string, string][] = [
      ["GET", "/api/v4/plugins"],
      ["GET", "/api/v4/plugins/statuses"],
      ["POST", "/api/v4/plugins"],
      ["POST", `/api/v4/plugins/${RECORDER_ID}/enable`],
      ["POST", `/api/v4/plugins/${RECORDER_ID}/disable`],
      ["DELETE", `/api/v4/plugins/${RECORDER_ID}`],
      ["GET", `/api/v4/plugins/${RECORDER_ID}/config`],
      ["PUT", `/api/v4/plugins/${RECORDER_ID}/config`],
    ];
    for (const [method, path] of routes) {
      const json = method === "GET" ? undefined : {};
      const { status, body } = await f.call(method, path, { token: alice.token, json });
      expect({ method, path, status }).toEqual({ method, path, status: 403 });
      expect(body.id).toBe("api.context.permissions.app_error");
      expect((await f.call(method, path)).status).toBe(401);
    }
    expect(f.host.status(RECORDER_ID).state).toBe("active");
  });
});

describe("GET /api/v4/plugins and /statuses", () => {
  it("list the manifests of active and inactive plugins, and v4 statuses", async () => {
    const { status, body } = await admin("GET", "/api/v4/plugins");
    expect(status).toBe(200);
    expect(body).toEqual({
      active: [
        {
          id: RECORDER_ID,
          name: "Recorder",
          description: expect.any(String),
          version: "1.0.0",
          server: { executable: "recorder-plugin.mjs" },
          settings_schema: { settings: [{ key: "greeting", type: "text", default: "Hello" }] },
        },
      ],
      inactive: [],
    });
    const statuses = await admin("GET", "/api/v4/plugins/statuses");
    expect(statuses.body).toEqual([
      expect.objectContaining({
        plugin_id: RECORDER_ID,
        state: 2,
        name: "Recorder",
        version: "1.0.0",
      }),
    ]);
  });
});

describe("GET and PUT /api/v4/plugins/{plugin_id}/config", () => {
  it("answer the settings over the schema's defaults, and save checked settings firing OnConfigurationChange", async () => {
    expect((await admin("GET", `/api/v4/plugins/${RECORDER_ID}/config`)).body).toEqual({
      greeting: "Hello",
    });
    await f.takeRecords();
    const saved = await admin("PUT", `/api/v4/plugins/${RECORDER_ID}/config`, {
      json: { greeting: "Hi" },
    });
    expect(saved).toMatchObject({ status: 200, body: { greeting: "Hi" } });
    const [changed] = await f.takeRecords("OnConfigurationChange");
    expect(changed?.args.config).toEqual({ greeting: "Hi" });
    expect((await admin("GET", `/api/v4/plugins/${RECORDER_ID}/config`)).body).toEqual({
      greeting: "Hi",
    });
  });

  it("refuse settings the schema does not allow, naming the key, and a body that is not an object", async () => {
    const wrongType = await admin("PUT", `/api/v4/plugins/${RECORDER_ID}/config`, {
      json: { greeting: 5 },
    });
    expect(wrongType).toMatchObject({ status: 400, body: { params: { field: "greeting" } } });
    const unknown = await admin("PUT", `/api/v4/plugins/${RECORDER_ID}/config`, {
      json: { greting: "x" },
    });
    expect(unknown).toMatchObject({ status: 400, body: { params: { field: "greting" } } });
    const notObject = await admin("PUT", `/api/v4/plugins/${RECORDER_ID}/config`, { json: ["x"] });
    expect(notObject).toMatchObject({ status: 400, body: { params: { field: "body" } } });
    expect((await admin("GET", `/api/v4/plugins/${RECORDER_ID}/config`)).body).toEqual({
      greeting: "Hi",
    });
  });

  it("answer 404 for a plugin that is not installed", async () => {
    expect((await admin("GET", "/api/v4/plugins/com.example.absent/config")).status).toBe(404);
  });
});

describe("POST /api/v4/plugins/{plugin_id}/disable and /enable", () => {
  it("stop and start the plugin, which OnActivate and the plugin's routes show", async () => {
    expect(await admin("POST", `/api/v4/plugins/${RECORDER_ID}/disable`)).toMatchObject({
      status: 200,
      body: { status: "OK" },
    });
    expect((await admin("GET", "/api/v4/plugins/statuses")).body[0].state).toBe(0);
    expect(
      (await admin("GET", "/api/v4/plugins")).body.inactive.map((m: { id: string }) => m.id),
    ).toEqual([RECORDER_ID]);
    expect((await f.call("GET", `/plugins/${RECORDER_ID}/x`)).status).toBe(503);

    await f.takeRecords();
    expect((await admin("POST", `/api/v4/plugins/${RECORDER_ID}/enable`)).status).toBe(200);
    expect((await f.takeRecords()).map((r) => r.hook)).toContain("OnActivate");
    expect((await f.call("GET", `/plugins/${RECORDER_ID}/x`)).status).toBe(200);
  });

  it("answer 404 for a plugin that is not installed", async () => {
    expect((await admin("POST", "/api/v4/plugins/com.example.absent/enable")).status).toBe(404);
  });
});

describe("POST /api/v4/plugins and DELETE /api/v4/plugins/{plugin_id}", () => {
  it("install a bundle, disabled, whose first activation fires OnInstall naming the admin", async () => {
    const { status, body } = await admin("POST", "/api/v4/plugins", {
      body: bundleForm(await recorderBundle("test.bundled")),
    });
    expect(status).toBe(201);
    expect(body).toMatchObject({
      id: "test.bundled",
      version: "1.0.0",
      server: { executable: "recorder-plugin.mjs" },
    });
    expect(
      (await admin("GET", "/api/v4/plugins")).body.inactive.map((m: { id: string }) => m.id),
    ).toEqual(["test.bundled"]);

    const enabled = await admin("POST", "/api/v4/plugins/test.bundled/enable");
    expect(enabled.body).toEqual({ status: "OK" });
    const [installed] = await f.takeRecords("OnInstall", "test.bundled");
    expect(installed?.args.userId).toBe(f.adminId);
    expect(installed?.context.userId).toBe(f.adminId);
  });

  it("refuse a bundle whose id is taken unless forced", async () => {
    const bundle = await recorderBundle("test.bundled");
    const taken = await admin("POST", "/api/v4/plugins", { body: bundleForm(bundle, false) });
    expect(taken.status).toBe(409);
    expect(taken.body.message).toContain("force=true");
    const forced = await admin("POST", "/api/v4/plugins", { body: bundleForm(bundle, true) });
    expect(forced).toMatchObject({ status: 201, body: { id: "test.bundled" } });
    // The query form, as a curl user writes it, replaces too.
    const byQuery = await admin("POST", "/api/v4/plugins?force=true", { body: bundleForm(bundle) });
    expect(byQuery).toMatchObject({ status: 201, body: { id: "test.bundled" } });
  });

  it("refuse a bundle with an entry outside the plugin folder, installing nothing", async () => {
    const bundle = await recorderBundle("test.escaping", { escapingEntry: "../escaped.txt" });
    const { status, body } = await admin("POST", "/api/v4/plugins", { body: bundleForm(bundle) });
    expect(status).toBe(400);
    expect(body.message).toContain("escaped.txt");
    expect(f.host.statuses().map((s) => s.id)).not.toContain("test.escaping");
  });

  it("refuse a form without the plugin file", async () => {
    const form = new FormData();
    form.append("plugin", "not a file");
    const { status, body } = await admin("POST", "/api/v4/plugins", { body: form });
    expect(status).toBe(400);
    expect(body.params).toEqual({ field: "plugin" });
  });

  it("refuse a plugin id that is not one, such as a path", async () => {
    for (const id of ["..%2F..%2Fdata", "x%2Fy", "a%20b"]) {
      const { status, body } = await admin("DELETE", `/api/v4/plugins/${id}`);
      expect(status).toBe(400);
      expect(body.params).toEqual({ field: "plugin_id" });
    }
  });

  it("remove an installed plugin", async () => {
    expect(await admin("DELETE", "/api/v4/plugins/test.bundled")).toMatchObject({
      status: 200,
      body: { status: "OK" },
    });
    expect(f.host.statuses().map((s) => s.id)).toEqual([RECORDER_ID]);
    expect((await admin("DELETE", "/api/v4/plugins/test.bundled")).status).toBe(404);
  });
});

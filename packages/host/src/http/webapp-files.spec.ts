// The web app half of a plugin over real HTTP, as Mattermost's web app loads it: the plugin's
// Mattermost-style manifest (per-platform executables, a webapp bundle) loads unchanged, GET
// /api/v4/plugins/webapp lists its client manifest, and the bundle and the files beside it are
// served under /static/plugins/<id>/ while the plugin is active.
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RECORDER_ID, RestFixture, recorderDir } from "../../test-fixtures/rest/rest-fixture.js";
import { hostPlatform } from "../manifest/platform.js";
import { fnv1a64Hex } from "../manifest/webapp-section.js";

const WEBAPP_ID = "com.example.webapp";
const bundle = `window.registerPlugin(${JSON.stringify(WEBAPP_ID)}, { initialize() {} });\n`;
const hash = fnv1a64Hex(new TextEncoder().encode(bundle));
const bundleUrl = `/static/plugins/${WEBAPP_ID}/${WEBAPP_ID}_${hash}_bundle.js`;

let f: RestFixture;
let dir: string;

/** The recorder plugin's server part under another id, with a web app, in a Mattermost manifest. */
async function writeWebappPlugin(root: string): Promise<void> {
  const sdk = pathToFileURL(join(recorderDir, "../../../sdk/dist/index.js")).href;
  const source = await readFile(join(recorderDir, "recorder-plugin.mjs"), "utf8");
  await mkdir(join(root, "server/dist"), { recursive: true });
  await mkdir(join(root, "webapp/dist/chunks"), { recursive: true });
  await writeFile(
    join(root, "server/dist/plugin.mjs"),
    source.replace('from "@plugwire/sdk"', `from ${JSON.stringify(sdk)}`),
  );
  await writeFile(join(root, "webapp/dist/main.js"), bundle);
  await writeFile(join(root, "webapp/dist/chunks/1.js"), "export const chunk = 1;\n");
  await writeFile(join(root, "webapp/dist/style.css"), "body { color: red }\n");
  await writeFile(join(root, "server/secret.txt"), "not for the web");
  await symlink(join(root, "server/secret.txt"), join(root, "webapp/dist/leak.txt"));
  await writeFile(
    join(root, "plugin.json"),
    JSON.stringify({
      id: WEBAPP_ID,
      name: "Web app plugin",
      description: "Has a web app part.",
      homepage_url: "https://example.com/webapp",
      icon_path: "assets/icon.svg",
      version: "0.3.0",
      min_server_version: "0.1.0",
      server: { executables: { [hostPlatform()]: "server/dist/plugin.mjs" } },
      webapp: { bundle_path: "webapp/dist/main.js" },
      settings_schema: { header: "Nothing to set", footer: "", settings: [], sections: [] },
      props: { color: "blue" },
      marketplace_only_field: true,
    }),
  );
}

beforeAll(async () => {
  f = await RestFixture.start();
  dir = await mkdtemp(join(tmpdir(), "pw-webapp-"));
  await writeWebappPlugin(dir);
  await f.host.loadPlugin(dir);
  await f.host.enablePlugin(WEBAPP_ID);
});
afterAll(async () => {
  await f?.close();
  await rm(dir, { recursive: true, force: true });
});

describe("a plugin with a web app", () => {
  it("loads from its Mattermost manifest, warning only of the field this host does not know", () => {
    expect(f.host.status(WEBAPP_ID).state).toBe("active");
    const warnings = f.logs.filter(
      (entry) => entry.pluginId === WEBAPP_ID && entry.level === "warn",
    );
    expect(warnings.map((entry) => entry.msg)).toEqual([
      `plugin ${WEBAPP_ID}: ${join(dir, "plugin.json")}: "marketplace_only_field" is not a manifest field this host knows; it is ignored`,
    ]);
  });

  it("is listed by GET /api/v4/plugins/webapp, to anyone, as Mattermost's client manifest", async () => {
    const { status, body } = await f.call("GET", "/api/v4/plugins/webapp");

    expect(status).toBe(200);
    expect(body).toEqual([
      {
        id: WEBAPP_ID,
        name: "Web app plugin",
        version: "0.3.0",
        homepage_url: "https://example.com/webapp",
        icon_path: "assets/icon.svg",
        min_server_version: "0.1.0",
        props: { color: "blue" },
        webapp: { bundle_path: bundleUrl },
      },
    ]);
  });

  it("shows its whole manifest to admins in GET /api/v4/plugins", async () => {
    const { body } = await f.call("GET", "/api/v4/plugins", { token: f.adminToken });

    expect(body.active).toContainEqual(
      expect.objectContaining({
        id: WEBAPP_ID,
        description: "Has a web app part.",
        server: {
          executable: "server/dist/plugin.mjs",
          executables: { [hostPlatform()]: "server/dist/plugin.mjs" },
        },
        webapp: { bundle_path: "webapp/dist/main.js" },
        settings_schema: { header: "Nothing to set", footer: "", settings: [], sections: [] },
      }),
    );
  });

  it("serves the bundle at its hashed URL, cacheable for a year", async () => {
    const response = await f.request("GET", bundleUrl);

    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    expect(response.headers.get("cache-control")).toBe("max-age=31556926, public");
    expect(await response.text()).toBe(bundle);
    const head = await f.request("HEAD", bundleUrl);
    expect(head.status).toBe(200);
    expect(head.headers.get("content-length")).toBe(String(Buffer.byteLength(bundle)));
  });

  it("serves the files beside the bundle, which it loads from there", async () => {
    const chunk = await f.request("GET", `/static/plugins/${WEBAPP_ID}/chunks/1.js`);
    expect(chunk.status).toBe(200);
    expect(await chunk.text()).toBe("export const chunk = 1;\n");
    const css = await f.request("GET", `/static/plugins/${WEBAPP_ID}/style.css`);
    expect(css.headers.get("content-type")).toBe("text/css; charset=utf-8");
  });

  it.each([
    ["an older hash", `/static/plugins/${WEBAPP_ID}/${WEBAPP_ID}_0000000000000000_bundle.js`],
    ["a missing file", `/static/plugins/${WEBAPP_ID}/chunks/2.js`],
    ["a folder", `/static/plugins/${WEBAPP_ID}/chunks`],
    ["an encoded way out", `/static/plugins/${WEBAPP_ID}/..%2F..%2Fplugin.json`],
    ["a dot-dot segment", `/static/plugins/${WEBAPP_ID}/chunks/%2E%2E/%2E%2E/%2E%2E/plugin.json`],
    ["a symlink out of the bundle's folder", `/static/plugins/${WEBAPP_ID}/leak.txt`],
    ["a plugin without a web app", `/static/plugins/${RECORDER_ID}/main.js`],
    ["an unknown plugin", "/static/plugins/com.example.none/main.js"],
  ])("answers 404 for %s", async (_, path) => {
    const { status, body } = await f.call("GET", path);

    expect(status).toBe(404);
    expect(body.id).toBe("api.context.404.app_error");
  });

  it("answers 405 to anything but GET and HEAD", async () => {
    const { status, headers } = await f.call("POST", bundleUrl);

    expect(status).toBe(405);
    expect(headers.get("allow")).toBe("GET, HEAD");
  });

  it("stops being listed and served once disabled", async () => {
    await f.host.disablePlugin(WEBAPP_ID);
    try {
      expect((await f.call("GET", "/api/v4/plugins/webapp")).body).toEqual([]);
      expect((await f.request("GET", bundleUrl)).status).toBe(404);
    } finally {
      await f.host.enablePlugin(WEBAPP_ID);
    }
  });
});

describe("a plugin with only a web app, as Mattermost allows", () => {
  const ONLY_ID = "com.example.webapp-only";
  const onlyBundle = `window.registerPlugin(${JSON.stringify(ONLY_ID)}, {});\n`;
  const onlyUrl = `/static/plugins/${ONLY_ID}/${ONLY_ID}_${fnv1a64Hex(new TextEncoder().encode(onlyBundle))}_bundle.js`;
  let onlyDir: string;

  beforeAll(async () => {
    onlyDir = await mkdtemp(join(tmpdir(), "pw-webapp-only-"));
    await mkdir(join(onlyDir, "webapp/dist"), { recursive: true });
    await writeFile(join(onlyDir, "webapp/dist/main.js"), onlyBundle);
    await writeFile(
      join(onlyDir, "plugin.json"),
      JSON.stringify({
        id: ONLY_ID,
        name: "Only a web app",
        version: "1.0.0",
        webapp: { bundle_path: "webapp/dist/main.js" },
      }),
    );
    await f.host.loadPlugin(onlyDir);
  });
  afterAll(async () => {
    await rm(onlyDir, { recursive: true, force: true });
  });

  it("is enabled over REST and active with no process, and its bundle is listed and served", async () => {
    const admin = { token: f.adminToken };
    expect((await f.call("POST", `/api/v4/plugins/${ONLY_ID}/enable`, admin)).status).toBe(200);
    const status = f.host.status(ONLY_ID);
    expect(status.state).toBe("active");
    expect(status.lastOutput).toEqual([]);
    expect(status.sandbox.nodePermissions).toBe(false);

    const { body: listed } = await f.call("GET", "/api/v4/plugins/webapp");
    expect(listed).toContainEqual(
      expect.objectContaining({ id: ONLY_ID, version: "1.0.0", webapp: expect.any(Object) }),
    );
    const served = await f.request("GET", onlyUrl);
    expect(served.status).toBe(200);
    expect(await served.text()).toBe(onlyBundle);
    // No server part: GET /plugins shows the manifest without one, and no hook reaches it.
    const { body: plugins } = await f.call("GET", "/api/v4/plugins", admin);
    const manifest = plugins.active.find((m: { id: string }) => m.id === ONLY_ID);
    expect(manifest).toMatchObject({ id: ONLY_ID, webapp: { bundle_path: "webapp/dist/main.js" } });
    expect(manifest.server).toBeUndefined();
    expect((await f.call("GET", `/plugins/${ONLY_ID}/anything`)).status).toBe(404);

    expect((await f.call("POST", `/api/v4/plugins/${ONLY_ID}/disable`, admin)).status).toBe(200);
    expect(f.host.status(ONLY_ID).state).toBe("stopped");
    expect((await f.request("GET", onlyUrl)).status).toBe(404);
  });
});

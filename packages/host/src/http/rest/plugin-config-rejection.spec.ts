// PUT /api/v4/plugins/{plugin_id}/config when the running plugin's OnConfigurationChange
// refuses the settings: nothing is kept, the admin gets 400 with the plugin's own message, and
// the plugin goes on running with the settings it had.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RestFixture } from "../../../test-fixtures/rest/rest-fixture.js";
import { writeSystemPlugin } from "../../test-fixtures/system-plugin.js";

const ID = "test.picky";
let f: RestFixture;
let root: string;

beforeAll(async () => {
  f = await RestFixture.start();
  root = await mkdtemp(join(tmpdir(), "pw-picky-"));
  await f.host.loadPlugin(
    await writeSystemPlugin(join(root, "picky"), {
      id: ID,
      settingsSchema: { settings: [{ key: "Greeting", type: "text", default: "Hello" }] },
    }),
  );
  await f.host.enablePlugin(ID);
}, 30_000);
afterAll(async () => {
  await f?.close();
  if (root) await rm(root, { recursive: true, force: true });
});

const admin = (method: string, path: string, json?: unknown) =>
  f.call(method, path, { token: f.adminToken, json });
const configPath = `/api/v4/plugins/${ID}/config`;

describe("settings the plugin refuses", () => {
  it("are answered 400 with the plugin's message, and the settings before stay saved and live", async () => {
    expect(await admin("PUT", configPath, { Greeting: "Hey" })).toMatchObject({
      status: 200,
      body: { Greeting: "Hey" },
    });

    const refused = await admin("PUT", configPath, { Greeting: "" });

    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({
      status_code: 400,
      message: `Plugin ${ID} refused these settings, so they were not saved: Greeting must not be empty.`,
    });
    expect((await admin("GET", configPath)).body).toEqual({ Greeting: "Hey" });
    expect(f.host.status(ID).state).toBe("active");
  });

  it("leave the plugin able to start again", async () => {
    await admin("PUT", configPath, { Greeting: "" });

    expect((await admin("POST", `/api/v4/plugins/${ID}/disable`)).status).toBe(200);
    expect((await admin("POST", `/api/v4/plugins/${ID}/enable`)).status).toBe(200);
    expect(f.host.status(ID).state).toBe("active");
  });

  it("saved while the plugin is stopped fail its next start, saying so once", async () => {
    await admin("POST", `/api/v4/plugins/${ID}/disable`);
    expect((await admin("PUT", configPath, { Greeting: "" })).status).toBe(200);

    const enabled = await admin("POST", `/api/v4/plugins/${ID}/enable`);

    expect(enabled.status).toBe(500);
    expect(enabled.body.message).toContain("Greeting must not be empty.");
    expect(enabled.body.message).not.toMatch(/OnActivate failed: .*OnActivate failed/);
    expect(f.host.status(ID).error).not.toMatch(/OnActivate failed: .*OnActivate failed/);
  });
});

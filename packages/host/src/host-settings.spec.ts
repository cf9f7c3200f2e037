// Host.getPluginSettings and Host.savePluginSettings: settings are checked against the plugin's
// settings_schema before anything is saved, and the running plugin hears of the change.
import { join } from "node:path";
import { NotFoundError, ValidationError } from "@plugwire/errors";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { writeRecordingPlugin } from "./test-fixtures/recording-plugin.js";
import { startTestHost, type TestHost } from "./test-fixtures/test-host.js";

const pluginId = "test.configurable";
const admin = { userId: "admin-user-id" };

let t: TestHost;
beforeEach(async () => {
  t = await startTestHost();
  const dir = await writeRecordingPlugin(join(t.root, "configurable"), {
    id: pluginId,
    settingsSchema: {
      settings: [
        { key: "Greeting", type: "text", default: "Hello" },
        { key: "Loud", type: "bool", default: false },
      ],
    },
  });
  await t.host.loadPlugin(dir);
  await t.host.enablePlugin(pluginId);
});
afterEach(() => t.dispose());

describe("plugin settings", () => {
  it("read as the schema's defaults before anything is saved", async () => {
    expect(await t.host.getPluginSettings(pluginId)).toEqual({ Greeting: "Hello", Loud: false });
  });

  it("are saved with the defaults filled in, and OnConfigurationChange brings them to the plugin", async () => {
    await t.host.savePluginSettings(admin, pluginId, { Loud: true });

    expect(await t.host.getPluginSettings(pluginId)).toEqual({ Greeting: "Hello", Loud: true });
    expect(await t.host.store.getPluginConfig(pluginId)).toEqual({ Greeting: "Hello", Loud: true });
    await expect
      .poll(() => t.logs.find((e) => e.pluginId === pluginId && e.msg === "OnConfigurationChange"))
      .toMatchObject({ fields: { config: { Greeting: "Hello", Loud: true } } });
  });

  it("come with OnActivate when the plugin starts, without a GetPluginConfig call", async () => {
    await t.host.savePluginSettings(admin, pluginId, { Greeting: "Hi" });
    await t.host.disablePlugin(pluginId);
    await t.host.enablePlugin(pluginId);

    await expect
      .poll(() =>
        t.logs
          .filter((e) => e.pluginId === pluginId && e.msg === "OnActivate")
          .map((e) => e.fields),
      )
      .toEqual([{ config: {} }, { config: { Greeting: "Hi", Loud: false } }]);
    const apiCalls = t.host.metrics.apiCallFigures().filter((row) => row.pluginId === pluginId);
    expect(apiCalls.map((row) => row.method)).not.toContain("GetPluginConfig");
  });

  it("are refused whole when one value is wrong, naming its key; nothing is saved", async () => {
    const attempt = t.host.savePluginSettings(admin, pluginId, { Greeting: "Hi", Loud: "yes" });

    await expect(attempt).rejects.toBeInstanceOf(ValidationError);
    await expect(attempt).rejects.toMatchObject({ params: { field: "Loud" } });
    expect(await t.host.store.getPluginConfig(pluginId)).toEqual({});
    expect(t.pluginMessages(pluginId)).not.toContain("OnConfigurationChange");
  });

  it("belong to loaded plugins only", async () => {
    await expect(t.host.getPluginSettings("test.absent")).rejects.toBeInstanceOf(NotFoundError);
    await expect(t.host.savePluginSettings(admin, "test.absent", {})).rejects.toBeInstanceOf(
      NotFoundError,
    );
  });
});

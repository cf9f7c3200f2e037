// Whether a plugin is enabled is the admin's decision, recorded in the store: it survives a
// restart of the host, and restoreEnabledPlugins acts on it, reporting each plugin's outcome.
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { writeRecordingPlugin } from "./test-fixtures/recording-plugin.js";
import { startTestHost, type TestHost } from "./test-fixtures/test-host.js";

let t: TestHost;
let shipped: string;
beforeEach(async () => {
  t = await startTestHost();
  shipped = join(t.root, "shipped");
  await writeRecordingPlugin(join(shipped, "alpha"), { id: "test.alpha" });
  await writeRecordingPlugin(join(shipped, "beta"), { id: "test.beta" });
  await t.host.loadPluginsFrom(shipped);
});
afterEach(() => t.dispose());

async function restartAndLoad() {
  const host = await t.restart();
  await host.loadPluginsFrom(shipped);
  return host;
}

describe("the enabled record", () => {
  it("is written by enablePlugin and disablePlugin", async () => {
    await t.host.enablePlugin("test.alpha");
    await t.host.enablePlugin("test.beta");
    await t.host.disablePlugin("test.beta");

    const states = await t.host.store.getPluginStates();
    expect(Object.fromEntries(states)).toEqual({ "test.alpha": true, "test.beta": false });
  });

  it("survives a restart on the same SQLite file; restoreEnabledPlugins starts what was enabled", async () => {
    await t.host.enablePlugin("test.alpha");
    await t.host.disablePlugin("test.beta");

    const host = await restartAndLoad();
    expect(host.status("test.alpha").state).toBe("stopped");
    const results = await host.restoreEnabledPlugins();

    expect(results).toEqual([
      { pluginId: "test.alpha", outcome: "enabled" },
      { pluginId: "test.beta", outcome: "disabled" },
    ]);
    expect(host.status("test.alpha").state).toBe("active");
    expect(host.status("test.beta").state).toBe("stopped");
  });

  it("is not touched by closing the host or unloading a plugin", async () => {
    await t.host.enablePlugin("test.alpha");
    await t.host.unloadPlugin("test.alpha");

    await restartAndLoad();

    expect((await t.host.store.getPluginStates()).get("test.alpha")).toBe(true);
  });
});

describe("restoreEnabledPlugins", () => {
  it("enables plugins named in enableByDefault that have no record, but not those recorded disabled", async () => {
    await t.host.disablePlugin("test.beta");

    const results = await t.host.restoreEnabledPlugins({
      enableByDefault: ["test.alpha", "test.beta"],
    });

    expect(results.map((r) => [r.pluginId, r.outcome])).toEqual([
      ["test.alpha", "enabled"],
      ["test.beta", "disabled"],
    ]);
  });

  it("reports a plugin that fails to start without throwing, and still starts the others", async () => {
    const broken = join(t.root, "broken");
    await mkdir(broken);
    await writeFile(
      join(broken, "plugin.json"),
      JSON.stringify({
        id: "test.broken",
        name: "Broken",
        version: "1.0.0",
        server: { executable: "main.js" },
      }),
    );
    await writeFile(
      join(broken, "main.js"),
      `console.error("no handshake today"); process.exit(3);`,
    );
    await t.host.loadPlugin(broken);

    const results = await t.host.restoreEnabledPlugins({
      enableByDefault: ["test.alpha", "test.broken"],
    });

    expect(results.map((r) => [r.pluginId, r.outcome])).toEqual([
      ["test.alpha", "enabled"],
      ["test.beta", "disabled"],
      ["test.broken", "failed"],
    ]);
    expect(results[2]?.error?.message).toContain("no handshake today");
    expect(t.host.status("test.broken").state).toBe("failed");
    // The admin's intent stays recorded, as in Mattermost: the next start tries again.
    expect((await t.host.store.getPluginStates()).get("test.broken")).toBe(true);
  });
});

// Stopping an SDK plugin: an idle plugin is gone within 200 ms of Shutdown, although the host's
// connection (and the call channel on it) is still open; the SDK's grace period waits only for
// calls in flight, and answers them.
import { afterEach, describe, expect, it } from "vitest";
import { PluginProcess } from "../../src/supervisor/plugin-process.js";
import { faultManifest, minimalApi } from "../../test-fixtures/faults/faults.js";
import { Cleanup, logCollector } from "../../test-fixtures/supervisor/fixtures.js";

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

async function startWaits(): Promise<PluginProcess> {
  const plugin = await PluginProcess.start(await faultManifest("waits", cleanup), {
    serveApi: minimalApi,
    log: logCollector().sink,
    stopGracePeriodMs: 5_000,
  });
  cleanup.add(() => plugin.kill());
  return plugin;
}

function post(message: string) {
  return { post: { id: "p1", channelId: "c1", userId: "u1", message } };
}

describe("stopping an SDK plugin", () => {
  it("ends an idle plugin within 200 ms, after it answered hooks", async () => {
    const plugin = await startWaits();
    await plugin.hooks.callHook("MessageWillBePosted", post("0"));
    const started = performance.now();
    await plugin.stop();
    const elapsed = performance.now() - started;
    expect((await plugin.exited).code).toBe(0);
    expect(elapsed).toBeLessThan(200);
  });

  it("answers a call in flight before it exits, and exits right after", async () => {
    const plugin = await startWaits();
    const started = performance.now();
    const answer = plugin.hooks.callHook("MessageWillBePosted", post("400"));
    // Shutdown arrives while the hook is running.
    await new Promise((resolve) => setTimeout(resolve, 50));
    await plugin.stop();
    const elapsed = performance.now() - started;
    expect((await answer)?.decision?.outcome.case).toBe("allow");
    expect((await plugin.exited).code).toBe(0);
    expect(elapsed).toBeGreaterThanOrEqual(400);
    expect(elapsed).toBeLessThan(400 + 200);
  });
});

// A plugin that allocates until it is killed: under a heap cap (sandbox.maxHeapMiB) it dies at
// that size rather than at Node's default limit, the hook call fails instead of hanging, and the
// supervisor restarts the plugin, which then answers again.
import { afterEach, expect, it } from "vitest";
import type { PluginProcessError } from "../../src/supervisor/plugin-process-error.js";
import { PluginSupervisor } from "../../src/supervisor/supervisor.js";
import { faultManifest, minimalApi } from "../../test-fixtures/faults/faults.js";
import { Cleanup, logCollector } from "../../test-fixtures/supervisor/fixtures.js";

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

const post = (message: string) => ({ post: { id: "p", channelId: "c", userId: "u", message } });

it("dies at its heap cap, fails the hook call, and is restarted", async () => {
  const supervisor = new PluginSupervisor(await faultManifest("allocates", cleanup), {
    serveApi: minimalApi,
    log: logCollector().sink,
    sandbox: { maxHeapMiB: 64 },
    restart: { initialBackoffMs: 10 },
    healthCheckIntervalMs: 60_000,
  });
  cleanup.add(() => supervisor.stop());
  await supervisor.start();
  const firstPid = supervisor.pid;
  const states: string[] = [];
  let crash: PluginProcessError | undefined;
  supervisor.onStateChange(({ state, error }) => {
    states.push(state);
    crash ??= error;
  });

  const failure = await supervisor.callHook("MessageWillBePosted", post("allocate")).then(
    () => undefined,
    (reason: unknown) => reason,
  );

  expect(failure).toBeInstanceOf(Error);
  await expect.poll(() => states, { timeout: 10_000 }).toEqual(["restarting", "active"]);
  expect(supervisor.pid).not.toBe(firstPid);
  expect(crash?.lastOutput.join("\n")).toMatch(/heap out of memory|heap limit/i);
  const answer = await supervisor.callHook("MessageWillBePosted", post("fine"));
  expect(answer?.decision?.outcome.case).toBe("allow");
}, 30_000);

// A plugin whose MessageWillBePosted hangs costs one hook deadline, not one per post: calls to
// that hook are skipped at once (UnavailableError, which the app treats as "fail open") until
// the plugin answers a health check again, and it is restarted after repeated timeouts.
import { TimeoutError, UnavailableError } from "@plugwire/errors";
import { afterEach, describe, expect, it } from "vitest";
import { PluginSupervisor } from "../../src/supervisor/supervisor.js";
import { faultManifest } from "../../test-fixtures/faults/faults.js";
import {
  Cleanup,
  fakeApi,
  logCollector,
  reaches,
} from "../../test-fixtures/supervisor/fixtures.js";

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

const hookTimeoutMs = 300;

async function supervise(maxTimeouts: number) {
  const logs = logCollector();
  const supervisor = new PluginSupervisor(await faultManifest("hangs-in-hook", cleanup), {
    serveApi: fakeApi().serveApi,
    log: logs.sink,
    hookTimeoutMs,
    healthCheckIntervalMs: 60_000,
    hookCircuit: { probeDelayMs: 500, maxTimeouts, windowMs: 60_000 },
    restart: { initialBackoffMs: 10 },
  });
  cleanup.add(() => supervisor.stop());
  await supervisor.start();
  return { supervisor, logs };
}

const post = (message: string) => ({ post: { id: "p", channelId: "c", userId: "u", message } });

async function timed(call: Promise<unknown>): Promise<{ ms: number; error: unknown }> {
  const started = performance.now();
  const error = await call.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  return { ms: performance.now() - started, error };
}

describe("a hook that times out", () => {
  it("opens the circuit: later calls fail at once until the plugin answers a health check", async () => {
    const { supervisor, logs } = await supervise(3);

    const hung = await timed(supervisor.callHook("MessageWillBePosted", post("hang")));
    expect(hung.error).toBeInstanceOf(TimeoutError);
    expect(hung.ms).toBeGreaterThanOrEqual(hookTimeoutMs - 20);

    for (let i = 0; i < 3; i++) {
      const skipped = await timed(supervisor.callHook("MessageWillBePosted", post("fine")));
      expect(skipped.error).toBeInstanceOf(UnavailableError);
      expect((skipped.error as Error).message).toBe(
        'plugin "test.fault.hangs-in-hook" did not answer hook MessageWillBePosted in time and has not answered a health check since; the call was skipped',
      );
      expect(skipped.ms).toBeLessThan(50);
    }
    expect(supervisor.skippedHooks).toEqual({ MessageWillBePosted: 3 });
    // Its other hooks are still called.
    await expect(supervisor.callHook("MessageHasBeenPosted", post("fine"))).resolves.toBeDefined();

    // The probe's health check answers: hooks are called again.
    await expect.poll(() => supervisor.skippedHooks, { timeout: 3_000 }).toEqual({});
    const answer = await supervisor.callHook("MessageWillBePosted", post("fine"));
    expect(answer?.decision?.outcome.case).toBe("allow");
    expect(logs.entries.map((entry) => entry.msg)).toEqual(
      expect.arrayContaining([
        "hook MessageWillBePosted timed out: calls to it are skipped until the plugin answers a health check",
        "the plugin answers its health check again: its hooks are called again (skipped: 3 calls to MessageWillBePosted)",
      ]),
    );
    expect(supervisor.state).toBe("active");
  });

  it("restarts the plugin after repeated timeouts", async () => {
    const { supervisor } = await supervise(2);
    const firstPid = supervisor.pid;

    await timed(supervisor.callHook("MessageWillBePosted", post("hang")));
    await expect.poll(() => supervisor.skippedHooks, { timeout: 3_000 }).toEqual({});
    const restarting = reaches(supervisor, "restarting");
    await timed(supervisor.callHook("MessageWillBePosted", post("hang")));
    await restarting;
    expect(supervisor.lastError?.reason).toBe(
      "hooks timed out 2 times within 60000 ms (last: MessageWillBePosted)",
    );

    await reaches(supervisor, "active");
    expect(supervisor.pid).not.toBe(firstPid);
    const answer = await supervisor.callHook("MessageWillBePosted", post("fine"));
    expect(answer?.decision?.outcome.case).toBe("allow");
  });
});

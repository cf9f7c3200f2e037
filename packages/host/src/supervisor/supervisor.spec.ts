import { UnavailableError } from "@plugwire/errors";
import { afterEach, describe, expect, it } from "vitest";
import {
  Cleanup,
  fakeApi,
  fixtureManifest,
  isRunning,
  logCollector,
  reaches,
} from "../../test-fixtures/supervisor/fixtures.js";
import { PluginProcessError } from "./plugin-process-error.js";
import { type PluginStateChange, PluginSupervisor, type SupervisorOptions } from "./supervisor.js";

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

async function supervise(name: string, overrides: Partial<SupervisorOptions> = {}) {
  const api = fakeApi();
  const logs = logCollector();
  const manifest = await fixtureManifest(name, cleanup);
  const supervisor = new PluginSupervisor(manifest, {
    serveApi: api.serveApi,
    log: logs.sink,
    hookTimeoutMs: 2_000,
    stopGracePeriodMs: 1_000,
    healthCheckIntervalMs: 100,
    restart: { initialBackoffMs: 10 },
    ...overrides,
  });
  cleanup.add(() => supervisor.stop());
  const changes: PluginStateChange[] = [];
  supervisor.onStateChange((change) => changes.push(change));
  return { supervisor, api, logs, changes };
}

describe("PluginSupervisor", () => {
  it("starts a plugin, dispatches its hooks while active, and stops it", async () => {
    const { supervisor, changes } = await supervise("well-behaved");

    await supervisor.start();
    expect(supervisor.state).toBe("active");
    const response = await supervisor.callHook("MessageWillBePosted", { post: { message: "hi" } });
    expect(response?.decision?.outcome.value).toMatchObject({ message: "HI" });

    await supervisor.stop();
    expect(changes.map((change) => change.state)).toEqual(["starting", "active", "stopped"]);
    await expect(
      supervisor.callHook("MessageWillBePosted", { post: { message: "hi" } }),
    ).rejects.toThrow(UnavailableError);
  });

  it("restarts a plugin that exits after activation, with a new token, until it is active again", async () => {
    const { supervisor, api, changes } = await supervise("crashes-once", {
      restart: { initialBackoffMs: 200 },
    });
    await supervisor.start();
    const firstPid = supervisor.pid;

    await reaches(supervisor, "restarting");
    const crash = changes.at(-1)?.error as PluginProcessError;
    expect(crash).toBeInstanceOf(PluginProcessError);
    expect(crash.phase).toBe("run");
    expect(crash.reason).toBe("the process exited with code 1");
    expect(crash.lastOutput.join("\n")).toContain("crashing on purpose");
    const duringRestart = await supervisor
      .callHook("MessageWillBePosted", { post: {} })
      .catch((e: unknown) => e);
    expect(duringRestart).toBeInstanceOf(UnavailableError);
    expect((duringRestart as UnavailableError).message).toContain(
      'plugin "test.crashes-once" is not active (restarting',
    );

    await reaches(supervisor, "active");
    expect(supervisor.pid).not.toBe(firstPid);
    expect(api.starts).toHaveLength(2);
    expect(api.starts[1]?.token).not.toBe(api.starts[0]?.token);
    expect(api.starts[1]?.socketPath).not.toBe(api.starts[0]?.socketPath);
    expect(api.starts[0]?.closed).toBe(true);
    const response = await supervisor.callHook("MessageWillBePosted", { post: {} });
    expect(response?.decision?.outcome.case).toBe("allow");
    expect(changes.map((change) => change.state)).toEqual([
      "starting",
      "active",
      "restarting",
      "active",
    ]);
  });

  it("restarts a plugin whose periodic health check fails", async () => {
    const { supervisor, changes } = await supervise("unhealthy-once");
    await supervisor.start();

    await reaches(supervisor, "restarting");
    expect(changes.at(-1)?.error).toMatchObject({
      phase: "health",
      reason: 'Health/Check of service "plugin" answered NOT_SERVING, expected SERVING',
    });
    await reaches(supervisor, "active");
  });

  it("marks a plugin failed once it crashed more often than the restart policy allows", async () => {
    const { supervisor, api } = await supervise("always-crashes", {
      restart: { initialBackoffMs: 10, maxRestarts: 2, windowMs: 60_000 },
    });
    await supervisor.start();

    await reaches(supervisor, "failed");
    expect(api.starts).toHaveLength(3);
    expect(supervisor.lastError?.reason).toBe(
      "crashed 3 times within 60000 ms, giving up; last crash: the process exited with code 1",
    );
    expect(supervisor.lastError?.message).toContain("crashing on purpose");
  });

  it("marks a plugin failed, with its own message, when OnActivate fails", async () => {
    const { supervisor, changes } = await supervise("activation-fails");

    await expect(supervisor.start()).rejects.toThrow(
      "OnActivate failed: the API key setting is empty",
    );
    expect(supervisor.state).toBe("failed");
    expect(supervisor.lastError?.phase).toBe("activate");
    expect(changes.at(-1)).toMatchObject({ state: "failed", previous: "starting" });
  });

  it("does not retry a first start that fails", async () => {
    const { supervisor, api } = await supervise("malformed-handshake");

    await expect(supervisor.start()).rejects.toMatchObject({ phase: "handshake" });
    expect(supervisor.state).toBe("failed");
    expect(api.starts).toHaveLength(1);
  });

  it("stops a plugin that is waiting to restart", async () => {
    const { supervisor, api } = await supervise("always-crashes", {
      restart: { initialBackoffMs: 60_000 },
    });
    await supervisor.start();
    await reaches(supervisor, "restarting");

    await supervisor.stop();
    expect(supervisor.state).toBe("stopped");
    expect(api.starts).toHaveLength(1);
  });

  it("cancels a start in progress when stopped, killing the process", async () => {
    const { supervisor, logs } = await supervise("silent");
    const starting = supervisor.start().catch((reason: unknown) => reason);
    await expect
      .poll(() => logs.entries.find((entry) => entry.msg.startsWith("pid ")))
      .toBeDefined();
    const pid = Number(logs.entries.find((entry) => entry.msg.startsWith("pid "))?.msg.slice(4));

    await supervisor.stop();
    expect(await starting).toMatchObject({ reason: "the start was cancelled" });
    expect(supervisor.state).toBe("stopped");
    expect(isRunning(pid)).toBe(false);
  });
});

import { chmod, stat, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { MAGIC_COOKIE_KEY, MAGIC_COOKIE_VALUE, PluginEnv } from "@plugwire/protocol";
import { afterEach, describe, expect, it } from "vitest";
import {
  Cleanup,
  fakeApi,
  fixtureManifest,
  fixturePid,
  isRunning,
  logCollector,
} from "../../test-fixtures/supervisor/fixtures.js";
import type { PluginManifest } from "../manifest/manifest.js";
import { INHERITED_VARIABLES } from "./environment.js";
import { PluginProcess, type PluginProcessOptions } from "./plugin-process.js";
import { PluginProcessError } from "./plugin-process-error.js";

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

function setup(overrides: Partial<PluginProcessOptions> = {}) {
  const api = fakeApi();
  const logs = logCollector();
  const options: PluginProcessOptions = {
    serveApi: api.serveApi,
    log: logs.sink,
    startTimeoutMs: 5_000,
    hookTimeoutMs: 2_000,
    stopGracePeriodMs: 1_000,
    ...overrides,
  };
  return { api, logs, options };
}

async function start(name: string, overrides: Partial<PluginProcessOptions> = {}) {
  const { api, logs, options } = setup(overrides);
  const manifest = await fixtureManifest(name, cleanup);
  const plugin = await PluginProcess.start(manifest, options);
  cleanup.add(() => plugin.kill());
  return { plugin, api, logs, manifest };
}

async function startFailure(
  name: string,
  overrides: Partial<PluginProcessOptions> = {},
  server: Partial<PluginManifest["server"]> = {},
) {
  const { api, options } = setup(overrides);
  const manifest = await fixtureManifest(name, cleanup);
  const failure = await PluginProcess.start(
    { ...manifest, server: { ...manifest.server, ...server } },
    options,
  ).then(
    () => {
      throw new Error(`${name} started`);
    },
    (reason: unknown) => reason,
  );
  expect(failure).toBeInstanceOf(PluginProcessError);
  return { error: failure as PluginProcessError, api };
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

describe("PluginProcess.start", () => {
  it("gives the plugin only PATH, HOME, LANG, TZ, TMPDIR and the Plugwire variables", async () => {
    process.env.PLUGWIRE_TEST_SECRET = "hunter2";
    cleanup.add(() => delete process.env.PLUGWIRE_TEST_SECRET);
    const { api, logs } = await start("well-behaved", { logLevel: "debug", hookTimeoutMs: 1234 });

    const env = logs.entries.find((entry) => entry.msg === "environment")?.fields.env as Record<
      string,
      string
    >;
    expect(env.PLUGWIRE_TEST_SECRET).toBeUndefined();
    const [{ socketPath, token }] = api.starts as [(typeof api.starts)[0]];
    expect(env).toEqual({
      ...Object.fromEntries(
        INHERITED_VARIABLES.filter((name) => process.env[name] !== undefined).map((name) => [
          name,
          process.env[name],
        ]),
      ),
      [MAGIC_COOKIE_KEY]: MAGIC_COOKIE_VALUE,
      [PluginEnv.protocolVersions]: "1,2",
      [PluginEnv.unixSocketDir]: dirname(socketPath),
      [PluginEnv.pluginId]: "test.well-behaved",
      [PluginEnv.apiTarget]: `unix:${socketPath}`,
      [PluginEnv.apiToken]: token,
      [PluginEnv.logLevel]: "debug",
      [PluginEnv.hookTimeoutMs]: "1234",
    });
    expect(token).toMatch(/^[\w-]{43}$/);
  });

  it("serves the API in a private 0700 folder, which stop removes", async () => {
    const { plugin, api } = await start("well-behaved");
    const [{ socketPath, pluginId }] = api.starts as [(typeof api.starts)[0]];
    const folder = dirname(socketPath);

    expect(pluginId).toBe("test.well-behaved");
    expect((await stat(folder)).mode & 0o777).toBe(0o700);
    expect((await stat(socketPath)).isSocket()).toBe(true);
    expect((await stat(join(folder, "plugin.sock"))).isSocket()).toBe(true);

    await plugin.stop();
    expect(await exists(folder)).toBe(false);
    expect(api.starts[0]?.closed).toBe(true);
  });

  it("re-logs what the plugin prints with its id, keeping structured levels and fields", async () => {
    const { logs } = await start("well-behaved");

    // Output travels through pipes, so a line may land a moment after the call that caused it.
    await expect
      .poll(() => logs.entries.find((entry) => entry.msg === "activated"))
      .toEqual({
        level: "info",
        msg: "activated",
        pluginId: "test.well-behaved",
        fields: { answer: 42 },
        time: expect.any(Date),
      });
    await expect
      .poll(() => logs.entries.find((entry) => entry.msg === "a plain line on stderr"))
      .toMatchObject({
        level: "warn",
        pluginId: "test.well-behaved",
        fields: { stream: "stderr" },
      });
    await expect
      .poll(() => logs.entries.find((entry) => entry.msg === "a plain line on stdout"))
      .toMatchObject({
        level: "info",
        pluginId: "test.well-behaved",
        fields: { stream: "stdout" },
      });
    expect(logs.entries.some((entry) => entry.msg.includes("|unix|"))).toBe(false);
  });

  it("asks Implemented along with the health check rather than after its answer", async () => {
    const { logs } = await start("slow-health");
    await expect
      .poll(() => logs.entries.find((entry) => entry.msg === "implemented")?.fields)
      .toEqual({ healthAnswered: false });
  });

  it("sends OnActivate the configuration activationConfig answers, and none without it", async () => {
    const configured = await start("well-behaved", {
      activationConfig: async () => ({ greeting: "hi", count: 2 }),
    });
    const unconfigured = await start("well-behaved");
    const configOf = (logs: typeof configured.logs) =>
      logs.entries.find((entry) => entry.msg === "activation config")?.fields;
    await expect
      .poll(() => configOf(configured.logs))
      .toEqual({ config: { greeting: "hi", count: 2 } });
    await expect.poll(() => configOf(unconfigured.logs)).toEqual({ config: null });
  });

  it("runs an executable directly when the runtime is executable", async () => {
    const { options } = setup();
    const manifest = await fixtureManifest("well-behaved", cleanup);
    const script = join(manifest.dir, "start.sh");
    await writeFile(
      script,
      `#!/bin/sh\nexec "${process.execPath}" "${manifest.server.executable}"\n`,
    );
    await chmod(script, 0o755);
    const plugin = await PluginProcess.start(
      { ...manifest, server: { ...manifest.server, executable: script, runtime: "executable" } },
      options,
    );
    cleanup.add(() => plugin.kill());
    expect(plugin.hooks.implements("MessageWillBePosted")).toBe(true);
  });

  it("starts a plugin printing go-plugin's six fields, the certificate field empty", async () => {
    const { plugin } = await start("six-field-handshake");
    await plugin.checkHealth();
  });

  it.each([
    ["malformed-handshake", /malformed handshake: expected 5 fields/, "stdout: hello world"],
    ["wrong-core-version", /incompatible core protocol version "2"/, "stdout: 2|1|unix"],
    ["netrpc", /unsupported protocol "netrpc"/, "|netrpc"],
    ["automtls-handshake", /TLS certificate .*AutoMTLS.*does not support/, "|grpc|MIIB"],
    ["exits-early", /exited with code 3 before printing its handshake/, "stderr: fatal: missing"],
    ["silent", /no handshake line on stdout within 1000 ms/, "stderr: pid"],
  ])(
    "fails %s in the handshake phase, quoting its output, and kills it",
    async (name, reason, output) => {
      const { error, api } = await startFailure(name, {
        startTimeoutMs: name === "silent" ? 1_000 : 5_000,
      });

      expect(error.pluginId).toBe(`test.${name}`);
      expect(error.phase).toBe("handshake");
      expect(error.reason).toMatch(reason);
      expect(error.message).toContain(`plugin "test.${name}" failed in phase handshake`);
      expect(error.lastOutput.join("\n")).toContain(output);
      expect(error.message).toContain(output);
      expect(isRunning(fixturePid(error.lastOutput))).toBe(false);
      expect(await exists(dirname(api.starts[0]?.socketPath ?? "/nonexistent"))).toBe(false);
      expect(api.starts[0]?.closed).toBe(true);
    },
  );

  it("fails in the start phase when the executable cannot be spawned", async () => {
    const { error } = await startFailure("well-behaved", undefined, {
      executable: "/nonexistent/plugin",
      runtime: "executable",
    });

    expect(error.phase).toBe("start");
    expect(error.reason).toMatch(/could not be spawned: .*ENOENT/);
  });

  it("fails in the health phase when the plugin is NOT_SERVING", async () => {
    const { error } = await startFailure("not-serving");

    expect(error.phase).toBe("health");
    expect(error.reason).toBe(
      'Health/Check of service "plugin" answered NOT_SERVING, expected SERVING',
    );
    expect(isRunning(fixturePid(error.lastOutput))).toBe(false);
  });

  it("fails in the activate phase with the plugin's own OnActivate message", async () => {
    const { error } = await startFailure("activation-fails");

    expect(error.phase).toBe("activate");
    expect(error.reason).toBe("OnActivate failed: the API key setting is empty");
    expect(isRunning(fixturePid(error.lastOutput))).toBe(false);
  });
});

describe("PluginProcess.stop", () => {
  it("calls OnDeactivate and Shutdown, and the plugin exits by itself", async () => {
    const { plugin, logs } = await start("well-behaved");

    await plugin.stop();
    expect(logs.entries.map((entry) => entry.msg)).toContain("deactivated");
    expect((await plugin.exited).code).toBe(0);
  });

  it("does not wait for a plugin that hangs: OnDeactivate has a deadline, then SIGKILL", async () => {
    const { plugin, logs } = await start("hangs-on-stop", {
      hookTimeoutMs: 200,
      stopGracePeriodMs: 200,
    });
    const pid = plugin.pid as number;

    const began = Date.now();
    await plugin.stop();
    expect(Date.now() - began).toBeLessThan(4_000);
    expect(await plugin.exited).toMatchObject({ signal: "SIGKILL" });
    expect(isRunning(pid)).toBe(false);
    expect(logs.entries).toContainEqual(
      expect.objectContaining({ level: "warn", msg: "OnDeactivate did not answer within 200 ms" }),
    );
  });
});

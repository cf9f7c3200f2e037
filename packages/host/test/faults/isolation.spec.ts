// A hostile plugin tries to read the host's environment, another plugin's environment (its
// token), and files outside its folder. Under Node's permission model it may read only its
// folder and write only its data folder; run as its own user (the host being root), /proc of
// the host and of other plugins is closed to it whatever runtime it has.
import { chmod, copyFile, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import type { ServerPluginManifest } from "../../src/manifest/manifest.js";
import { PluginProcess, type PluginProcessOptions } from "../../src/supervisor/plugin-process.js";
import type { PluginProcessError } from "../../src/supervisor/plugin-process-error.js";
import { faultFixturesDir, faultManifest, minimalApi } from "../../test-fixtures/faults/faults.js";
import {
  Cleanup,
  fakeApi,
  fixtureManifest,
  logCollector,
} from "../../test-fixtures/supervisor/fixtures.js";

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

const repositoryRoot = fileURLToPath(new URL("../../../../", import.meta.url));
const isRoot = process.getuid?.() === 0;
const notRoot = "SKIPPED: the uid cases need the tests to run as root (CI does)";

function options(overrides: Partial<PluginProcessOptions> = {}): PluginProcessOptions {
  return { serveApi: fakeApi().serveApi, log: logCollector().sink, ...overrides };
}

/** Another plugin, running: whose environment holds its token. */
async function otherPlugin(overrides: Partial<PluginProcessOptions> = {}): Promise<number> {
  const plugin = await PluginProcess.start(
    await fixtureManifest("well-behaved", cleanup),
    options(overrides),
  );
  cleanup.add(() => plugin.kill());
  return plugin.pid as number;
}

/** A secret outside every plugin's folder, readable by everyone as far as file modes go. */
async function secretFile(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "pw-secret-"));
  cleanup.add(() => rm(dir, { recursive: true, force: true }));
  await chmod(dir, 0o755);
  const file = join(dir, "plugwire.db");
  await writeFile(file, "password hashes", { mode: 0o644 });
  return file;
}

/** Runs the probe in a folder of its own with these targets; answers its lines by label. */
async function probe(
  targets: { reads?: Record<string, string>; writes?: Record<string, string> },
  overrides: Partial<PluginProcessOptions> = {},
): Promise<Record<string, string>> {
  const manifest: ServerPluginManifest = await faultManifest("isolation-probe", cleanup);
  await chmod(manifest.dir, 0o755);
  const executable = join(manifest.dir, "probe.mjs");
  await copyFile(join(faultFixturesDir, "isolation-probe.mjs"), executable);
  await writeFile(join(manifest.dir, "targets.json"), JSON.stringify(targets));
  const failure = await PluginProcess.start(
    { ...manifest, server: { ...manifest.server, executable, executableRelative: "probe.mjs" } },
    options(overrides),
  ).then(
    (plugin) => {
      cleanup.add(() => plugin.kill());
      throw new Error("the probe started");
    },
    (reason: PluginProcessError) => reason,
  );
  const results: Record<string, string> = {};
  for (const line of failure.lastOutput) {
    const match = /^stderr: probe (\S+) (.*)$/.exec(line);
    if (match !== null) {
      results[match[1] as string] = match[2] as string;
    }
  }
  return results;
}

describe("a Node plugin under the permission model", () => {
  it("reads its folder and writes its data folder, and nothing else", async () => {
    const other = await otherPlugin();
    const secret = await secretFile();
    const dataRoot = await mkdtemp(join(tmpdir(), "pw-data-"));
    cleanup.add(() => rm(dataRoot, { recursive: true, force: true }));
    const writableDir = join(dataRoot, "plugin");

    const results = await probe(
      {
        reads: {
          own: "targets.json",
          hostEnviron: `/proc/${process.pid}/environ`,
          otherEnviron: `/proc/${other}/environ`,
          outside: secret,
        },
        writes: { data: join(writableDir, "kept"), escape: join(dataRoot, "escaped") },
      },
      { sandbox: { nodePermissions: true, writableDir } },
    );

    expect(results).toEqual({
      own: "read",
      hostEnviron: "denied ERR_ACCESS_DENIED",
      otherEnviron: "denied ERR_ACCESS_DENIED",
      outside: "denied ERR_ACCESS_DENIED",
      data: "written",
      escape: "denied ERR_ACCESS_DENIED",
    });
    expect(await readFile(join(writableDir, "kept"), "utf8")).toBe("written by the probe");
  });
  it("runs an SDK plugin: handshake, hooks, stop", async () => {
    const plugin = await PluginProcess.start(
      await faultManifest("waits", cleanup),
      options({
        serveApi: minimalApi,
        // The fixture imports the SDK from this repository rather than from a bundle of its own.
        sandbox: { nodePermissions: true, readablePaths: [repositoryRoot] },
      }),
    );
    cleanup.add(() => plugin.kill());
    const answer = await plugin.hooks.callHook("MessageWillBePosted", {
      post: { id: "p", channelId: "c", userId: "u", message: "0" },
    });
    expect(answer?.decision?.outcome.case).toBe("allow");
    await plugin.stop();
    expect((await plugin.exited).code).toBe(0);
  });
});

describe("a plugin run as its own user", () => {
  it.skipIf(!isRoot)(
    `cannot read the host's or another plugin's environment, nor the host's private files${isRoot ? "" : ` — ${notRoot}`}`,
    async () => {
      const other = await otherPlugin({ sandbox: { user: { uid: 70_101, gid: 70_101 } } });
      const secret = await secretFile();
      await chmod(secret, 0o600);

      const results = await probe(
        {
          reads: {
            own: "targets.json",
            hostEnviron: `/proc/${process.pid}/environ`,
            otherEnviron: `/proc/${other}/environ`,
            hostFile: secret,
          },
        },
        { sandbox: { user: { uid: 70_100, gid: 70_100 } } },
      );

      expect(results).toEqual({
        own: "read",
        hostEnviron: "denied EACCES",
        otherEnviron: "denied EACCES",
        hostFile: "denied EACCES",
      });
    },
  );
});

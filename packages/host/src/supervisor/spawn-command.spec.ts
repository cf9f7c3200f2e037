import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { ServerPluginManifest } from "../manifest/manifest.js";
import { spawnCommand } from "./spawn-command.js";

const manifest = (runtime: "node" | "executable") =>
  ({
    dir: "/plugins/p",
    server: { executable: "/plugins/p/plugin.mjs", runtime },
  }) as ServerPluginManifest;

const hasSetpriv =
  process.platform === "linux" &&
  (process.env.PATH ?? "").split(":").some((dir) => existsSync(`${dir}/setpriv`));

describe("spawnCommand", () => {
  it("runs a Node plugin under this node and any other as its executable", () => {
    expect(spawnCommand(manifest("node"), { killWithHost: false })).toEqual({
      command: process.execPath,
      args: ["/plugins/p/plugin.mjs"],
    });
    expect(spawnCommand(manifest("executable"), { killWithHost: false })).toEqual({
      command: "/plugins/p/plugin.mjs",
      args: [],
    });
  });

  it.skipIf(!hasSetpriv)("goes through setpriv --pdeathsig KILL where it can", () => {
    const { command, args } = spawnCommand(manifest("node"));
    expect(command).toMatch(/\/setpriv$/);
    expect(args).toEqual(["--pdeathsig", "KILL", "--", process.execPath, "/plugins/p/plugin.mjs"]);
    expect(() => spawnCommand(manifest("executable"))).toThrow(
      /^the process could not be spawned: ENOENT/,
    );
  });

  it("puts a Node plugin under the permission model: its folder, its data folder, what is allowed", () => {
    const { args } = spawnCommand(manifest("node"), {
      killWithHost: false,
      sandbox: {
        nodePermissions: true,
        readablePaths: ["/shared"],
        writableDir: "/data/plugins/p",
        allow: { workerThreads: true },
        maxHeapMiB: 128,
      },
    });
    expect(args).toEqual([
      "--max-old-space-size=128",
      expect.stringMatching(/^--(experimental-)?permission$/),
      "--disable-warning=ExperimentalWarning",
      "--allow-fs-read=/plugins/p",
      "--allow-fs-read=/plugins/p/plugin.mjs",
      "--allow-fs-read=/data/plugins/p",
      "--allow-fs-read=/shared",
      "--allow-fs-write=/data/plugins/p",
      "--allow-worker",
      "/plugins/p/plugin.mjs",
    ]);
  });

  it("starts a Node plugin with the inspector when asked, on loopback unless told otherwise", () => {
    expect(
      spawnCommand(manifest("node"), { killWithHost: false, inspector: { port: 9230 } }).args,
    ).toEqual(["--inspect=127.0.0.1:9230", "/plugins/p/plugin.mjs"]);
    expect(
      spawnCommand(manifest("node"), {
        killWithHost: false,
        inspector: { host: "0.0.0.0", port: 0 },
        sandbox: { maxHeapMiB: 64 },
      }).args,
    ).toEqual(["--inspect=0.0.0.0:0", "--max-old-space-size=64", "/plugins/p/plugin.mjs"]);
    // Node turns the inspector off under the permission model, without a word: refused here.
    expect(() =>
      spawnCommand(manifest("node"), {
        inspector: { port: 9230 },
        sandbox: { nodePermissions: true },
      }),
    ).toThrow(/^the inspector is off under Node's permission model/);
    expect(() => spawnCommand(manifest("executable"), { inspector: { port: 9230 } })).toThrow(
      /^the inspector is for Node plugins/,
    );
  });

  it("names each readable path once, as Node 20 aborts on a path given twice", () => {
    const { args } = spawnCommand(manifest("node"), {
      sandbox: { nodePermissions: true, readablePaths: ["/shared/", "/shared", "/plugins/p"] },
    });
    expect(args.filter((arg) => arg.startsWith("--allow-fs-read="))).toEqual([
      "--allow-fs-read=/plugins/p",
      "--allow-fs-read=/plugins/p/plugin.mjs",
      "--allow-fs-read=/shared",
    ]);
  });

  it.skipIf(!hasSetpriv)("runs a plugin as its own user through setpriv", () => {
    const { args } = spawnCommand(manifest("node"), {
      sandbox: { user: { uid: 70_000, gid: 70_001 } },
    });
    expect(args).toEqual([
      "--reuid=70000",
      "--regid=70001",
      "--clear-groups",
      "--inh-caps=-all",
      "--pdeathsig",
      "KILL",
      "--",
      process.execPath,
      "/plugins/p/plugin.mjs",
    ]);
  });
});

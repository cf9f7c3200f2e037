import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { PluginManifest } from "../manifest/manifest.js";
import { spawnCommand } from "./spawn-command.js";

const manifest = (runtime: "node" | "executable") =>
  ({
    server: { executable: "/plugins/p/plugin.mjs", runtime },
  }) as PluginManifest;

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
});

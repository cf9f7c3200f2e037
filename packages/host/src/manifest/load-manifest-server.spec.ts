import { chmod, mkdir, symlink } from "node:fs/promises";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { loadManifest } from "./load-manifest.js";
import {
  cleanUpFolders,
  folder,
  host,
  jsonPlugin,
  loadError,
  validManifest,
  withServer,
} from "./test-fixtures/manifest-folders.js";

afterEach(cleanUpFolders);

describe("loadManifest", () => {
  describe("server", () => {
    it("is required", async () => {
      const { server: _, ...withoutServer } = validManifest;
      const dir = await jsonPlugin(withoutServer);

      const error = await loadError(dir);

      expect(error.field).toBe("server");
      expect(error.message).toContain(
        `"server" is required; add a "server" section whose "executable" is the plugin's entry file`,
      );
    });

    it("must be an object", async () => {
      const dir = await jsonPlugin({ ...validManifest, server: "dist/plugin.js" });

      const error = await loadError(dir);

      expect(error.field).toBe("server");
      expect(error.message).toContain(`must be an object with an "executable" field`);
    });

    it("ignores an unknown field inside server with a warning suggesting the one meant", async () => {
      const dir = await jsonPlugin(withServer({ nodeVersion: ">=20" }));

      expect((await loadManifest(dir, host)).warnings).toEqual([
        `"server.nodeVersion" is not a field of "server" this host knows; it is ignored (did you mean "server.node_version"?)`,
      ]);
    });
  });

  describe("server.executable", () => {
    it("is required", async () => {
      const dir = await jsonPlugin({ ...validManifest, server: {} });

      const error = await loadError(dir);

      expect(error.field).toBe("server.executable");
      expect(error.message).toContain(`is required; set it to the plugin's entry file`);
    });

    it("refuses an absolute path", async () => {
      const dir = await jsonPlugin(withServer({ executable: "/usr/bin/node" }));

      const error = await loadError(dir);

      expect(error).toMatchObject({
        file: path.join(dir, "plugin.json"),
        field: "server.executable",
      });
      expect(error.message).toContain(
        `must be relative to the plugin folder (got "/usr/bin/node"); ship the file inside the plugin`,
      );
    });

    it.each(["../outside.js", "dist/../../outside.js", "dist\\..\\plugin.js"])(
      'refuses a ".." segment in %j, even one that would stay inside',
      async (executable) => {
        const dir = await jsonPlugin(withServer({ executable }));

        const error = await loadError(dir);

        expect(error.field).toBe("server.executable");
        expect(error.message).toContain(`must not contain ".."`);
        expect(error.message).toContain("give its path from there");
      },
    );

    it("refuses a file that does not exist", async () => {
      const dir = await jsonPlugin(withServer({ executable: "dist/missing.js" }));

      const error = await loadError(dir);

      expect(error.field).toBe("server.executable");
      expect(error.message).toContain(
        `points to "dist/missing.js", which does not exist in the plugin folder; build the plugin or correct the path`,
      );
    });

    it("refuses a folder", async () => {
      const dir = await jsonPlugin(withServer({ executable: "dist" }));

      const error = await loadError(dir);

      expect(error.field).toBe("server.executable");
      expect(error.message).toContain(
        `points to "dist", which is a folder; point it at the file itself`,
      );
    });

    it("refuses a symlink to a file outside the plugin folder", async () => {
      const outside = await folder({ "evil.js": "" });
      const dir = await folder({ "plugin.json": JSON.stringify(validManifest) });
      await mkdir(path.join(dir, "dist"));
      await symlink(path.join(outside, "evil.js"), path.join(dir, "dist/plugin.js"));

      const error = await loadError(dir);

      expect(error).toMatchObject({
        file: path.join(dir, "plugin.json"),
        field: "server.executable",
      });
      expect(error.message).toContain(
        `resolves to ${path.join(outside, "evil.js")}, outside the plugin folder; copy the file into the plugin`,
      );
    });

    it("refuses a path through a symlinked folder that leads outside", async () => {
      const outside = await folder({ "plugin.js": "" });
      const dir = await folder({ "plugin.json": JSON.stringify(validManifest) });
      await symlink(outside, path.join(dir, "dist"));

      const error = await loadError(dir);

      expect(error.field).toBe("server.executable");
      expect(error.message).toContain("outside the plugin folder");
    });

    it("follows a symlink that stays inside the plugin folder", async () => {
      const dir = await folder({
        "plugin.json": JSON.stringify(validManifest),
        "build/plugin.js": "",
      });
      await mkdir(path.join(dir, "dist"));
      await symlink("../build/plugin.js", path.join(dir, "dist/plugin.js"));

      const { server } = await loadManifest(dir, host);

      expect(server?.executable).toBe(path.join(dir, "build/plugin.js"));
      expect(server?.executableRelative).toBe("dist/plugin.js");
    });
  });

  describe("server.runtime", () => {
    it.each(["server.js", "server.mjs", "server.cjs"])(
      'defaults to "node" for %s',
      async (executable) => {
        const dir = await jsonPlugin(withServer({ executable }), { [executable]: "" });

        expect((await loadManifest(dir, host)).server?.runtime).toBe("node");
      },
    );

    it('lets "node" run a file without a JavaScript extension', async () => {
      const dir = await jsonPlugin(withServer({ executable: "bin/plugin", runtime: "node" }), {
        "bin/plugin": "",
      });

      expect((await loadManifest(dir, host)).server?.runtime).toBe("node");
    });

    it("refuses a runtime it does not know", async () => {
      const dir = await jsonPlugin(withServer({ runtime: "python" }));

      const error = await loadError(dir);

      expect(error.field).toBe("server.runtime");
      expect(error.message).toContain(
        `"server.runtime" must be "node" (a JavaScript file run by Node.js) or "executable" (a program started directly) (got "python")`,
      );
    });

    it('defaults to "executable" for a file that is not JavaScript, as Mattermost starts it', async () => {
      const dir = await jsonPlugin(withServer({ executable: "bin/plugin" }), {
        "bin/plugin": ["#!/bin/sh\n", 0o755],
      });

      expect((await loadManifest(dir, host)).server?.runtime).toBe("executable");
    });

    it("says what to do when a file taken for a program has no execute bit", async () => {
      const dir = await jsonPlugin(withServer({ executable: "bin/plugin" }), {
        "bin/plugin": ["", 0o644],
      });

      const error = await loadError(dir);

      expect(error).toMatchObject({
        file: path.join(dir, "plugin.json"),
        field: "server.executable",
      });
      expect(error.message).toContain(
        `which has no execute permission, and "server.runtime" is taken to be "executable"; run \`chmod +x bin/plugin\` before packaging, or set "server.runtime" to "node" if it is JavaScript`,
      );
    });

    it('requires an execute bit on the file when the runtime is "executable"', async () => {
      const dir = await jsonPlugin(
        withServer({ executable: "bin/plugin", runtime: "executable" }),
        {
          "bin/plugin": ["", 0o644],
        },
      );

      const error = await loadError(dir);

      expect(error.field).toBe("server.executable");
      expect(error.message).toContain("which has no execute permission");
      expect(error.message).toContain("run `chmod +x bin/plugin` before packaging");
    });

    it('accepts an executable file when the runtime is "executable"', async () => {
      const dir = await jsonPlugin(
        withServer({ executable: "bin/plugin", runtime: "executable" }),
        {
          "bin/plugin": ["", 0o644],
        },
      );
      await chmod(path.join(dir, "bin/plugin"), 0o700);

      expect((await loadManifest(dir, host)).server?.runtime).toBe("executable");
    });
  });

  describe("compatibility with this host", () => {
    it("refuses a plugin that needs a newer server", async () => {
      const dir = await jsonPlugin({ ...validManifest, min_server_version: "1.5.0" });
      const file = path.join(dir, "plugin.json");

      const error = await loadError(dir);

      expect(error).toMatchObject({ file, field: "min_server_version" });
      expect(error.message).toBe(
        `${file}: "min_server_version" requires server >= 1.5.0; this host is 1.4.0. Upgrade the host, or install a release of the plugin that supports 1.4.0`,
      );
    });

    it("accepts a plugin that needs exactly this server version", async () => {
      const dir = await jsonPlugin({ ...validManifest, min_server_version: "1.4.0" });

      expect((await loadManifest(dir, host)).minServerVersion).toBe("1.4.0");
    });

    it("refuses a plugin whose Node.js range this host's Node does not satisfy", async () => {
      const dir = await jsonPlugin(withServer({ node_version: ">=22" }));
      const file = path.join(dir, "plugin.json");

      const error = await loadError(dir);

      expect(error).toMatchObject({ file, field: "server.node_version" });
      expect(error.message).toBe(
        `${file}: "server.node_version" needs Node >=22, this host runs 20.20.0. Run the host on a Node.js version in that range, or widen the range if the plugin works on 20.20.0`,
      );
    });

    it("compares node_version with this process's Node.js unless told otherwise", async () => {
      const dir = await jsonPlugin(withServer({ node_version: `<${process.versions.node}` }));

      const error = await loadError(dir, { serverVersion: "1.4.0" });

      expect(error.message).toContain(`this host runs ${process.versions.node}`);
    });

    it("requires node_version to be a semver range", async () => {
      const dir = await jsonPlugin(withServer({ node_version: "twenty" }));

      const error = await loadError(dir);

      expect(error.field).toBe("server.node_version");
      expect(error.message).toContain(
        `"server.node_version" must be a semver range of Node.js versions, e.g. ">=20.19" or "^22" (got "twenty")`,
      );
    });

    it("reads the permissions a Node plugin asks for, once each", async () => {
      const dir = await jsonPlugin(
        withServer({ permissions: ["child_process", "wasi", "child_process"] }),
      );

      expect((await loadManifest(dir, host)).server?.permissions).toEqual([
        "child_process",
        "wasi",
      ]);
    });

    it("refuses a permission it does not know, naming the ones it does", async () => {
      const dir = await jsonPlugin(withServer({ permissions: ["network"] }));

      const error = await loadError(dir);

      expect(error.field).toBe("server.permissions");
      expect(error.message).toContain(
        `"server.permissions" must be a list of "child_process", "worker_threads", "addons", "wasi": what the plugin needs beyond Node's permission model (got "network")`,
      );
    });

    it("reports a broken manifest as broken, even on a host too old for it", async () => {
      const dir = await jsonPlugin({ ...validManifest, min_server_version: "9.0.0", name: "" });

      expect((await loadError(dir)).field).toBe("name");
    });

    it("rejects host versions that are not semantic versions, as a programming error", async () => {
      const dir = await jsonPlugin(validManifest);

      await expect(loadManifest(dir, { serverVersion: "latest" })).rejects.toThrow(
        new TypeError(
          `loadManifest: options.serverVersion must be a semantic version like "1.2.0" (got "latest")`,
        ),
      );
    });
  });
});

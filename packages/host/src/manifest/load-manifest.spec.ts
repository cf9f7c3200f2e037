import { chmod, mkdir, mkdtemp, realpath, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { type LoadManifestOptions, loadManifest } from "./load-manifest.js";
import { ManifestError } from "./manifest-error.js";

const host: LoadManifestOptions = { serverVersion: "1.4.0", nodeVersion: "20.20.0" };

const validManifest = {
  id: "com.example.hello",
  name: "Hello",
  version: "1.2.0",
  server: { executable: "dist/plugin.js" },
};

const createdFolders: string[] = [];
afterEach(async () => {
  await Promise.all(createdFolders.splice(0).map((dir) => rm(dir, { recursive: true })));
});

/** A fresh temp folder (symlinks resolved) holding `files`; a number after the text is its mode. */
async function folder(files: Record<string, string | [string, number]> = {}): Promise<string> {
  const dir = await realpath(await mkdtemp(path.join(tmpdir(), "plugwire-manifest-")));
  createdFolders.push(dir);
  for (const [name, content] of Object.entries(files)) {
    const [text, mode] = typeof content === "string" ? [content, 0o644] : content;
    await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
    await writeFile(path.join(dir, name), text, { mode });
  }
  return dir;
}

/** A plugin folder with `manifest` as plugin.json and a server entry file at dist/plugin.js. */
function jsonPlugin(
  manifest: unknown,
  files: Record<string, string | [string, number]> = {},
): Promise<string> {
  return folder({
    "plugin.json": JSON.stringify(manifest, null, 2),
    "dist/plugin.js": "export {};\n",
    ...files,
  });
}

function withServer(server: Record<string, unknown>) {
  return { ...validManifest, server: { ...validManifest.server, ...server } };
}

async function loadError(dir: string, options = host): Promise<ManifestError> {
  const error = await loadManifest(dir, options).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(ManifestError);
  return error as ManifestError;
}

describe("loadManifest", () => {
  describe("reading the manifest file", () => {
    it("loads plugin.json and fills in the defaults", async () => {
      const dir = await jsonPlugin(validManifest);

      expect(await loadManifest(dir, host)).toEqual({
        id: "com.example.hello",
        name: "Hello",
        description: "",
        version: "1.2.0",
        server: {
          executable: path.join(dir, "dist/plugin.js"),
          executableRelative: "dist/plugin.js",
          runtime: "node",
        },
        dir,
        file: path.join(dir, "plugin.json"),
      });
    });

    it("loads plugin.yaml with every field Plugwire uses", async () => {
      const dir = await folder({
        "plugin.yaml": [
          "id: com.example.hello",
          "name: Hello",
          "description: Says hello.",
          "version: 1.2.0",
          'min_server_version: "1.3.0"',
          "server:",
          "  executable: bin/hello",
          "  runtime: executable",
          '  node_version: ">=20"',
          "settings_schema:",
          "  header: Greetings",
          "  settings:",
          "    - key: Greeting",
          "      type: text",
          "      default: hi",
          "",
        ].join("\n"),
        "bin/hello": ["#!/bin/sh\n", 0o755],
      });

      expect(await loadManifest(dir, host)).toEqual({
        id: "com.example.hello",
        name: "Hello",
        description: "Says hello.",
        version: "1.2.0",
        minServerVersion: "1.3.0",
        server: {
          executable: path.join(dir, "bin/hello"),
          executableRelative: "bin/hello",
          runtime: "executable",
          nodeVersion: ">=20",
        },
        settingsSchema: {
          header: "Greetings",
          settings: [{ key: "Greeting", type: "text", default: "hi" }],
        },
        dir,
        file: path.join(dir, "plugin.yaml"),
      });
    });

    it("accepts plugin.yml and a manifest saved with a byte order mark", async () => {
      const dir = await folder({
        "plugin.yml":
          "\uFEFFid: com.example.hello\nname: Hello\nversion: 1.2.0\nserver:\n  executable: main.mjs\n",
        "main.mjs": "",
      });

      const manifest = await loadManifest(dir, host);

      expect(manifest.file).toBe(path.join(dir, "plugin.yml"));
      expect(manifest.server.runtime).toBe("node");
    });

    it("resolves a plugin folder reached through a symlink", async () => {
      const dir = await jsonPlugin(validManifest);
      const links = await folder();
      await symlink(dir, path.join(links, "hello"));

      const manifest = await loadManifest(path.join(links, "hello"), host);

      expect(manifest.dir).toBe(dir);
      expect(manifest.server.executable).toBe(path.join(dir, "dist/plugin.js"));
    });

    it("says which names it looked for when the folder has no manifest", async () => {
      const dir = await folder({ "package.json": "{}" });

      const error = await loadError(dir);

      expect(error).toMatchObject({ file: dir, field: undefined });
      expect(error.message).toBe(
        `${dir}: no plugin manifest found (looked for plugin.json, plugin.yaml, plugin.yml); add a plugin.json or plugin.yaml to the plugin folder`,
      );
    });

    it("refuses a folder with two manifests, since either could be the one meant", async () => {
      const dir = await jsonPlugin(validManifest, { "plugin.yaml": "id: com.example.other\n" });

      const error = await loadError(dir);

      expect(error).toMatchObject({ file: dir, field: undefined });
      expect(error.message).toContain("more than one manifest (plugin.json, plugin.yaml)");
      expect(error.message).toContain("keep one and delete the others");
    });

    it("says when the plugin folder does not exist", async () => {
      const missing = path.join(await folder(), "nope");

      const error = await loadError(missing);

      expect(error.file).toBe(missing);
      expect(error.message).toContain("the plugin folder does not exist; check the path");
    });
  });

  describe("syntax errors", () => {
    it("gives the line and column of a JSON error that JSON.parse does not locate", async () => {
      const dir = await folder({ "plugin.json": '{\n  "id": "com.example.hello",\n}\n' });
      const file = path.join(dir, "plugin.json");

      const error = await loadError(dir);

      expect(error).toMatchObject({ file, field: undefined, line: 3, column: 1 });
      expect(error.message).toBe(
        `${file}:3:1: invalid JSON: expected a property name in double quotes but found "}"; fix the syntax there (JSON allows no comments or trailing commas)`,
      );
    });

    it.each([
      ['{"id" "x"}', 1, 7, `expected ":" but found "\\""`],
      ['{"id": "x"', 1, 11, 'expected "," but found the end of the file'],
      ['{"id": "x",\n "name": tru}', 2, 13, 'expected "true" but found "}"'],
      ['{"id": "x"}\n// comment', 2, 1, 'expected the end of the file but found "/"'],
      ['["a",\n  -]', 2, 4, 'expected a digit but found "]"'],
      ['{"id": "line\nbreak"}', 1, 13, "a string cannot contain a line break"],
      ['{"id": "\\x"}', 1, 10, "expected an escape"],
    ])("locates the JSON error in %j at %i:%i", async (text, line, column, problem) => {
      const dir = await folder({ "plugin.json": text });

      const error = await loadError(dir);

      expect(error).toMatchObject({ line, column });
      expect(error.message).toContain(problem);
    });

    it("gives the line and column from the YAML parser", async () => {
      const dir = await folder({ "plugin.yaml": "id: com.example.hello\nname: Hello: World\n" });
      const file = path.join(dir, "plugin.yaml");

      const error = await loadError(dir);

      expect(error).toMatchObject({ file, field: undefined, line: 2, column: 7 });
      expect(error.message).toBe(
        `${file}:2:7: invalid YAML: Nested mappings are not allowed in compact mappings; fix the syntax there`,
      );
    });

    it("refuses a YAML key written twice", async () => {
      const dir = await folder({ "plugin.yaml": "id: com.example.hello\nid: com.example.other\n" });

      const error = await loadError(dir);

      expect(error).toMatchObject({ line: 2, column: 1 });
      expect(error.message).toContain("Map keys must be unique");
    });

    it.each([
      ["plugin.json", "[]", "(got a list)"],
      ["plugin.json", '"hello"', '(got "hello")'],
      ["plugin.yaml", "", "(got an empty document)"],
    ])("requires %s to hold an object, not %j", async (name, text, got) => {
      const dir = await folder({ [name]: text });

      const error = await loadError(dir);

      expect(error).toMatchObject({ file: path.join(dir, name), field: undefined });
      expect(error.message).toContain(
        `must hold an object with "id", "name", "version" and "server" fields ${got}`,
      );
    });
  });

  describe("fields", () => {
    it.each([
      ["naem", "name"],
      ["verison", "version"],
      ["minServerVersion", "min_server_version"],
      ["settingsSchema", "settings_schema"],
      ["ID", "id"],
    ])("names the unknown field %s and suggests %s", async (unknown, suggestion) => {
      const dir = await jsonPlugin({ ...validManifest, [unknown]: "x" });
      const file = path.join(dir, "plugin.json");

      const error = await loadError(dir);

      expect(error).toMatchObject({ file, field: unknown });
      expect(error.message).toBe(
        `${file}: "${unknown}" is not a manifest field; did you mean "${suggestion}"? Rename or remove it`,
      );
    });

    it("lists the known fields when no field is close to the unknown one", async () => {
      const dir = await jsonPlugin({ ...validManifest, color: "blue" });

      const error = await loadError(dir);

      expect(error.field).toBe("color");
      expect(error.message).toContain(
        `"color" is not a manifest field; remove it (known fields: id, name, description,`,
      );
    });

    it("accepts the Mattermost fields Plugwire does not use", async () => {
      const dir = await jsonPlugin({
        ...validManifest,
        homepage_url: "https://example.com",
        support_url: "https://example.com/support",
        release_notes_url: "https://example.com/releases",
        icon_path: "assets/icon.svg",
        webapp: { bundle_path: "webapp/main.js" },
        props: { team: "core" },
        requires_license: false,
      });

      expect((await loadManifest(dir, host)).id).toBe("com.example.hello");
    });

    it.each([
      ["homepage_url", 42, "must be a string (got 42)"],
      ["webapp", "main.js", 'must be an object of named values (got "main.js")'],
      ["requires_license", "yes", 'must be true or false (got "yes")'],
      ["settings_schema", [], "must be an object of named values (got a list)"],
      ["description", null, "must be a string (got null)"],
    ])("checks the type of %s", async (field, value, problem) => {
      const dir = await jsonPlugin({ ...validManifest, [field]: value });

      const error = await loadError(dir);

      expect(error.field).toBe(field);
      expect(error.message).toContain(`"${field}" ${problem}`);
    });

    it.each([
      [undefined, 'is required; set it to a unique id, e.g. "com.example.hello"'],
      [7, 'must be a string, e.g. "com.example.hello" (got 7)'],
      ["ab", 'must be 3 to 190 characters long (got 2), e.g. "com.example.hello"'],
      ["a".repeat(191), "must be 3 to 190 characters long (got 191)"],
      ["com example", 'may contain only letters, digits, "-", "_" and "." (got "com example")'],
      ["com/example", 'may contain only letters, digits, "-", "_" and "."'],
    ])("refuses the id %j", async (id, problem) => {
      const dir = await jsonPlugin({ ...validManifest, id });

      const error = await loadError(dir);

      expect(error).toMatchObject({ file: path.join(dir, "plugin.json"), field: "id" });
      expect(error.message).toContain(`"id" ${problem}`);
    });

    it("accepts the id characters Mattermost allows", async () => {
      const dir = await jsonPlugin({ ...validManifest, id: "Com.example_hello-2" });

      expect((await loadManifest(dir, host)).id).toBe("Com.example_hello-2");
    });

    it.each([
      [undefined, 'is required; set it to the name people see, e.g. "Hello World"'],
      ["  ", 'must be a non-empty string, e.g. "Hello World" (got "  ")'],
    ])("refuses the name %j", async (name, problem) => {
      const dir = await jsonPlugin({ ...validManifest, name });

      const error = await loadError(dir);

      expect(error.field).toBe("name");
      expect(error.message).toContain(`"name" ${problem}`);
    });

    it("requires version to be a semantic version, not something semver could coerce", async () => {
      const dir = await jsonPlugin({ ...validManifest, version: "1.2" });
      const file = path.join(dir, "plugin.json");

      const error = await loadError(dir);

      expect(error).toMatchObject({ file, field: "version" });
      expect(error.message).toBe(
        `${file}: "version" must be a semantic version like "1.2.0" (got "1.2")`,
      );
    });

    it("asks for quotes when YAML read a version as a number", async () => {
      const dir = await folder({
        "plugin.yaml":
          "id: com.example.hello\nname: Hello\nversion: 1.2\nserver:\n  executable: a.js\n",
      });

      const error = await loadError(dir);

      expect(error.field).toBe("version");
      expect(error.message).toContain(`(got 1.2); put it in quotes`);
    });

    it("requires a version", async () => {
      const { version: _, ...withoutVersion } = validManifest;
      const dir = await jsonPlugin(withoutVersion);

      const error = await loadError(dir);

      expect(error.field).toBe("version");
      expect(error.message).toContain(`"version" is required; set it to a semantic version`);
    });

    it("requires min_server_version, when given, to be a semantic version", async () => {
      const dir = await jsonPlugin({ ...validManifest, min_server_version: "9.5" });

      const error = await loadError(dir);

      expect(error.field).toBe("min_server_version");
      expect(error.message).toContain(
        `"min_server_version" must be a semantic version like "1.2.0" (got "9.5")`,
      );
    });
  });

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

    it("names an unknown field inside server and suggests the one meant", async () => {
      const dir = await jsonPlugin(withServer({ nodeVersion: ">=20" }));

      const error = await loadError(dir);

      expect(error.field).toBe("server.nodeVersion");
      expect(error.message).toContain(
        `"server.nodeVersion" is not a field of "server"; did you mean "server.node_version"? Rename or remove it`,
      );
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
        `points to "dist", which is a folder; point it at the entry file itself`,
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

      expect(server.executable).toBe(path.join(dir, "build/plugin.js"));
      expect(server.executableRelative).toBe("dist/plugin.js");
    });
  });

  describe("server.runtime", () => {
    it.each(["server.js", "server.mjs", "server.cjs"])(
      'defaults to "node" for %s',
      async (executable) => {
        const dir = await jsonPlugin(withServer({ executable }), { [executable]: "" });

        expect((await loadManifest(dir, host)).server.runtime).toBe("node");
      },
    );

    it('lets "node" run a file without a JavaScript extension', async () => {
      const dir = await jsonPlugin(withServer({ executable: "bin/plugin", runtime: "node" }), {
        "bin/plugin": "",
      });

      expect((await loadManifest(dir, host)).server.runtime).toBe("node");
    });

    it("refuses a runtime it does not know", async () => {
      const dir = await jsonPlugin(withServer({ runtime: "python" }));

      const error = await loadError(dir);

      expect(error.field).toBe("server.runtime");
      expect(error.message).toContain(
        `"server.runtime" must be "node" (a JavaScript file run by Node.js) or "executable" (a program started directly) (got "python")`,
      );
    });

    it("is required when the executable is not a JavaScript file", async () => {
      const dir = await jsonPlugin(withServer({ executable: "bin/plugin" }), {
        "bin/plugin": ["", 0o755],
      });

      const error = await loadError(dir);

      expect(error).toMatchObject({ file: path.join(dir, "plugin.json"), field: "server.runtime" });
      expect(error.message).toContain(
        `"server.runtime" is required because "bin/plugin" is not a .js, .mjs or .cjs file; set it to "executable"`,
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

      expect((await loadManifest(dir, host)).server.runtime).toBe("executable");
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

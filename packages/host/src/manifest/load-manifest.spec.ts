import { symlink } from "node:fs/promises";
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
} from "./test-fixtures/manifest-folders.js";

afterEach(cleanUpFolders);

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
      expect(manifest.server?.runtime).toBe("node");
    });

    it("resolves a plugin folder reached through a symlink", async () => {
      const dir = await jsonPlugin(validManifest);
      const links = await folder();
      await symlink(dir, path.join(links, "hello"));

      const manifest = await loadManifest(path.join(links, "hello"), host);

      expect(manifest.dir).toBe(dir);
      expect(manifest.server?.executable).toBe(path.join(dir, "dist/plugin.js"));
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
    ])("ignores the unknown field %s with a warning suggesting %s", async (unknown, suggestion) => {
      const dir = await jsonPlugin({ ...validManifest, [unknown]: "x" });

      const manifest = await loadManifest(dir, host);

      expect(manifest.warnings).toEqual([
        `"${unknown}" is not a manifest field this host knows; it is ignored (did you mean "${suggestion}"?)`,
      ]);
    });

    it("warns of an unknown field without a guess when none is close", async () => {
      const dir = await jsonPlugin({ ...validManifest, color: "blue" });

      expect((await loadManifest(dir, host)).warnings).toEqual([
        `"color" is not a manifest field this host knows; it is ignored`,
      ]);
    });

    it("keeps the Mattermost fields Plugwire shows but does not act on", async () => {
      const dir = await jsonPlugin(
        {
          ...validManifest,
          homepage_url: "https://example.com",
          support_url: "https://example.com/support",
          release_notes_url: "http://example.com/releases",
          icon_path: "assets/icon.svg",
          webapp: { bundle_path: "webapp/main.js" },
          props: { team: "core" },
          requires_license: false,
          required_configuration: { ServiceSettings: { EnableCommands: true } },
        },
        { "webapp/main.js": "window.registerPlugin('x', {});\n" },
      );

      const manifest = await loadManifest(dir, host);

      expect(manifest).toMatchObject({
        homepageUrl: "https://example.com",
        supportUrl: "https://example.com/support",
        releaseNotesUrl: "http://example.com/releases",
        iconPath: "assets/icon.svg",
        webapp: {
          bundlePath: path.join(dir, "webapp/main.js"),
          bundlePathRelative: "webapp/main.js",
        },
        props: { team: "core" },
        requiredConfiguration: { ServiceSettings: { EnableCommands: true } },
      });
      expect(manifest.warnings).toBeUndefined();
    });

    it.each(["homepage_url", "support_url", "release_notes_url"])(
      "requires %s to be an http or https URL, as Mattermost does",
      async (field) => {
        const dir = await jsonPlugin({ ...validManifest, [field]: "javascript:alert(1)" });

        const error = await loadError(dir);

        expect(error.field).toBe(field);
        expect(error.message).toContain(
          `"${field}" must be an http or https URL, e.g. "https://example.com/my-plugin" (got "javascript:alert(1)")`,
        );
      },
    );

    it.each([
      ["homepage_url", 42, "must be a string (got 42)"],
      ["webapp", "main.js", 'must be an object with a "bundle_path" field (got "main.js")'],
      ["props", [], "must be an object of named values (got a list)"],
      ["required_configuration", true, "must be an object of named values (got true)"],
      ["icon_path", {}, "must be a string (got an object)"],
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
});

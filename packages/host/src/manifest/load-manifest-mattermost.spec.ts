// Manifests written for Mattermost load unchanged: the starter template's plugin.json, with its
// per-platform executables, web app bundle and settings schema, plus the fields and sections
// Mattermost's manifest has. Unknown fields are ignored with a warning; a known field of the
// wrong type is an error naming it.
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { loadManifest } from "./load-manifest.js";
import { hostPlatform } from "./platform.js";
import {
  cleanUpFolders,
  folder,
  host,
  jsonPlugin,
  loadError,
  validManifest,
} from "./test-fixtures/manifest-folders.js";
import { fnv1a64Hex } from "./webapp-section.js";

afterEach(cleanUpFolders);

/** Modelled on mattermost-plugin-starter-template's plugin.json, with a sectioned schema. */
const starterManifest = {
  id: "com.mattermost.plugin-starter-template",
  name: "Plugin Starter Template",
  description: "This plugin serves as a starting point for writing a Mattermost plugin.",
  homepage_url: "https://github.com/mattermost/mattermost-plugin-starter-template",
  support_url: "https://github.com/mattermost/mattermost-plugin-starter-template/issues",
  release_notes_url:
    "https://github.com/mattermost/mattermost-plugin-starter-template/releases/tag/v0.1.0",
  icon_path: "assets/starter-template-icon.svg",
  version: "0.1.0",
  min_server_version: "0.1.0",
  server: {
    executables: {
      "linux-amd64": "server/dist/plugin-linux-amd64",
      "linux-arm64": "server/dist/plugin-linux-arm64",
      "darwin-amd64": "server/dist/plugin-darwin-amd64",
      "darwin-arm64": "server/dist/plugin-darwin-arm64",
      "windows-amd64": "server/dist/plugin-windows-amd64.exe",
    },
  },
  webapp: { bundle_path: "webapp/dist/main.js" },
  settings_schema: {
    header: "Configure the **starter** plugin.",
    footer: "See the [docs](https://developers.mattermost.com/integrate/plugins/).",
    settings: [
      {
        key: "Greeting",
        display_name: "Greeting",
        type: "text",
        help_text: "What the plugin says.",
        placeholder: "Hello",
        default: "Hello",
      },
      {
        key: "Mode",
        display_name: "Mode",
        type: "radio",
        help_text: "",
        default: "fast",
        options: [
          { display_name: "Fast", value: "fast" },
          { display_name: "Thorough", value: "thorough" },
        ],
      },
    ],
    sections: [
      {
        key: "Advanced",
        title: "Advanced",
        subtitle: "For administrators who know what they change.",
        header: "",
        footer: "",
        custom: false,
        fallback: false,
        settings: [
          {
            key: "Secret",
            display_name: "Secret",
            type: "generated",
            help_text: "",
            regenerate_help_text: "Makes a new secret.",
            secret: true,
            hosting: "on-prem",
          },
        ],
      },
    ],
  },
  props: { support_packet: "Starter template" },
};

const bundle = "window.registerPlugin('com.mattermost.plugin-starter-template', {});\n";

function starterFolder(manifest: unknown = starterManifest) {
  return folder({
    "plugin.json": JSON.stringify(manifest, null, 4),
    "server/dist/plugin-linux-amd64": ["#!/bin/sh\n", 0o755],
    "server/dist/plugin-linux-arm64": ["#!/bin/sh\n", 0o755],
    "server/dist/plugin-darwin-arm64": ["#!/bin/sh\n", 0o755],
    "webapp/dist/main.js": bundle,
    "assets/starter-template-icon.svg": "<svg/>",
  });
}

describe("a manifest written for Mattermost", () => {
  it("loads unchanged, starting the executable built for the host's platform", async () => {
    const dir = await starterFolder();

    const manifest = await loadManifest(dir, { ...host, platform: "linux-arm64" });

    expect(manifest.warnings).toBeUndefined();
    expect(manifest.server).toEqual({
      executable: path.join(dir, "server/dist/plugin-linux-arm64"),
      executableRelative: "server/dist/plugin-linux-arm64",
      runtime: "executable",
      nodeVersion: undefined,
      executables: starterManifest.server.executables,
    });
    expect(manifest.webapp).toEqual({
      bundlePath: path.join(dir, "webapp/dist/main.js"),
      bundlePathRelative: "webapp/dist/main.js",
      bundleHash: fnv1a64Hex(new TextEncoder().encode(bundle)),
    });
    expect(manifest.settingsSchema).toEqual(starterManifest.settings_schema);
    expect(manifest).toMatchObject({
      homepageUrl: starterManifest.homepage_url,
      supportUrl: starterManifest.support_url,
      releaseNotesUrl: starterManifest.release_notes_url,
      iconPath: "assets/starter-template-icon.svg",
      props: { support_packet: "Starter template" },
    });
  });

  it("picks this machine's platform unless told otherwise", async () => {
    const dir = await starterFolder();
    const platform = hostPlatform();
    const built = (starterManifest.server.executables as Record<string, string>)[platform];

    const result = await loadManifest(dir, host).then(
      (manifest) => manifest.server?.executableRelative,
      (error: Error) => error.message,
    );

    expect(result).toBe(
      built ?? expect.stringContaining(`no executable for this host's platform, ${platform}`),
    );
  });

  it("falls back to server.executable when no executable is built for the platform", async () => {
    const dir = await jsonPlugin({
      ...validManifest,
      server: { executable: "dist/plugin.js", executables: { "darwin-arm64": "bin/darwin" } },
    });

    const manifest = await loadManifest(dir, { ...host, platform: "linux-amd64" });

    expect(manifest.server?.executableRelative).toBe("dist/plugin.js");
    expect(manifest.server?.runtime).toBe("node");
  });

  it("says which platforms were built when none is the host's", async () => {
    const dir = await starterFolder();

    const error = await loadError(dir, { ...host, platform: "freebsd-amd64" });

    expect(error.field).toBe("server.executables");
    expect(error.message).toContain(
      `"server.executables" has no executable for this host's platform, freebsd-amd64 (only for linux-amd64, linux-arm64, darwin-amd64, darwin-arm64, windows-amd64); build the plugin for freebsd-amd64 and add it, or add a "server.executable" for every platform`,
    );
  });

  it("names the platform's entry when its file is missing", async () => {
    const dir = await starterFolder();

    const error = await loadError(dir, { ...host, platform: "darwin-amd64" });

    expect(error.field).toBe("server.executables.darwin-amd64");
    expect(error.message).toContain(
      `points to "server/dist/plugin-darwin-amd64", which does not exist in the plugin folder`,
    );
  });

  it("ignores fields it does not know, at any depth, with one warning each", async () => {
    const dir = await starterFolder({
      ...starterManifest,
      marketplace_tags: ["starter"],
      server: { ...starterManifest.server, cgo: false },
      webapp: { ...starterManifest.webapp, bundle_hash: "abc" },
      settings_schema: {
        ...starterManifest.settings_schema,
        settings: [{ key: "Flag", type: "bool", display_name: "Flag", tooltip: "?" }],
      },
    });

    const manifest = await loadManifest(dir, { ...host, platform: "linux-amd64" });

    expect(manifest.warnings).toEqual([
      `"marketplace_tags" is not a manifest field this host knows; it is ignored`,
      `"server.cgo" is not a field of "server" this host knows; it is ignored`,
      `"webapp.bundle_hash" is not a field of "webapp" this host knows; it is ignored (did you mean "webapp.bundle_path"?)`,
      `"settings_schema.settings[0].tooltip" is not a field of "settings_schema.settings[0]" this host knows; it is ignored`,
    ]);
  });

  it.each([
    [{ executables: ["server/dist/plugin"] }, "server.executables", "must map platforms"],
    [
      { executables: { "linux-amd64": 7 } },
      "server.executables.linux-amd64",
      "must be the path of the plugin's executable for linux-amd64 (got 7)",
    ],
  ])("refuses executables of the wrong type: %j", async (server, field, problem) => {
    const dir = await jsonPlugin({ ...validManifest, server });

    const error = await loadError(dir, { ...host, platform: "linux-amd64" });

    expect(error.field).toBe(field);
    expect(error.message).toContain(problem);
  });

  it("loads a plugin with only a web app part, which has no server part to run", async () => {
    const { server: _, ...webappOnly } = starterManifest;
    const dir = await starterFolder(webappOnly);

    const manifest = await loadManifest(dir, { ...host, platform: "linux-amd64" });

    expect(manifest.server).toBeUndefined();
    expect(manifest.webapp?.bundlePathRelative).toBe(starterManifest.webapp.bundle_path);
  });

  describe("webapp", () => {
    it.each([
      [{}, "is required; set it to the web app's bundle"],
      [{ bundle_path: "../main.js" }, 'must not contain ".."'],
      [{ bundle_path: "/srv/main.js" }, "must be relative to the plugin folder"],
      [{ bundle_path: "webapp/missing.js" }, "which does not exist in the plugin folder"],
      [{ bundle_path: 3 }, "must be a path relative to the plugin folder"],
    ])("refuses %j", async (webapp, problem) => {
      const dir = await jsonPlugin({ ...validManifest, webapp });

      const error = await loadError(dir);

      expect(error.field).toBe("webapp.bundle_path");
      expect(error.message).toContain(problem);
    });
  });

  describe("settings_schema", () => {
    const withSchema = (settings_schema: unknown) =>
      jsonPlugin({ ...validManifest, settings_schema });

    it("accepts Go's null for an empty list", async () => {
      const dir = await withSchema({ header: "", footer: "", settings: null, sections: null });

      expect((await loadManifest(dir, host)).settingsSchema).toEqual({
        header: "",
        footer: "",
        settings: null,
        sections: null,
      });
    });

    it.each([
      [{ header: 1 }, "settings_schema.header", "must be a string (got 1)"],
      [{ settings: {} }, "settings_schema.settings", "must be a list (got an object)"],
      [
        { settings: [{ key: "A", type: "color" }] },
        "settings_schema.settings[0].type",
        'must be one of bool, dropdown, generated, radio, text, longtext, number, username, custom (got "color")',
      ],
      [
        { settings: [{ key: "A", type: "text", options: [] }] },
        "settings_schema.settings[0].options",
        "are only for dropdown and radio settings",
      ],
      [
        { settings: [{ key: "A", type: "radio", options: [{ display_name: "", value: "a" }] }] },
        "settings_schema.settings[0].options[0]",
        'must have a non-empty "display_name" and "value"',
      ],
      [
        { settings: [{ key: "A", type: "bool", placeholder: "yes" }] },
        "settings_schema.settings[0].placeholder",
        "is only shown for generated, text, longtext, number, username, custom settings",
      ],
      [
        { settings: [{ key: "A", type: "text", regenerate_help_text: "again" }] },
        "settings_schema.settings[0].regenerate_help_text",
        'is only for "generated" settings',
      ],
      [
        { sections: [{ title: "No key" }] },
        "settings_schema.sections[0].key",
        "must be a non-empty string naming the section (got nothing)",
      ],
      [
        { sections: [{ key: "S", settings: [{ key: "B", type: "text", secret: "yes" }] }] },
        "settings_schema.sections[0].settings[0].secret",
        'must be true or false (got "yes")',
      ],
      [
        { sections: [{ key: "S", custom: 1 }] },
        "settings_schema.sections[0].custom",
        "must be true or false (got 1)",
      ],
    ])("refuses %j, naming %s", async (schema, field, problem) => {
      const dir = await withSchema(schema);

      const error = await loadError(dir);

      expect(error.field).toBe(field);
      expect(error.message).toContain(`"${field}" ${problem}`);
    });
  });
});

describe("hostPlatform", () => {
  it.each([
    ["linux", "x64", "linux-amd64"],
    ["linux", "arm64", "linux-arm64"],
    ["darwin", "arm64", "darwin-arm64"],
    ["win32", "x64", "windows-amd64"],
    ["freebsd", "ia32", "freebsd-386"],
  ] as const)("names %s on %s as Go does: %s", (platform, arch, expected) => {
    expect(hostPlatform(platform, arch)).toBe(expected);
  });
});

describe("fnv1a64Hex", () => {
  /** FNV-1a, 64 bits, on BigInt: the definition, to compare the fast version with. */
  function reference(bytes: Uint8Array): string {
    let hash = 0xcbf29ce484222325n;
    for (const byte of bytes) hash = ((hash ^ BigInt(byte)) * 0x100000001b3n) & 0xffffffffffffffffn;
    return hash.toString(16).padStart(16, "0");
  }

  it.each([
    ["", "cbf29ce484222325"],
    ["a", "af63dc4c8601ec8c"],
    ["foobar", "85944171f73967e8"],
  ])("hashes %j as the published test vectors say", (text, expected) => {
    expect(fnv1a64Hex(new TextEncoder().encode(text))).toBe(expected);
  });

  it("agrees with the BigInt definition on random bytes", () => {
    for (let length = 0; length < 300; length += 7) {
      const bytes = Uint8Array.from({ length }, () => Math.floor(Math.random() * 256));
      expect(fnv1a64Hex(bytes)).toBe(reference(bytes));
    }
  });
});

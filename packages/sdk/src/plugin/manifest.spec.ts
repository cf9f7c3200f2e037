import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadManifest, manifestFrom } from "./manifest.js";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "pw-manifest-"));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe("loadManifest", () => {
  it("reads plugin.json from the plugin folder", () => {
    writeFileSync(
      join(dir, "plugin.json"),
      JSON.stringify({
        id: "com.example.hello",
        name: "Hello",
        version: "1.0.0",
        min_server_version: "9.5.0",
        settings_schema: { settings: [] },
        server: { executable: "server/index.js" },
      }),
    );
    const manifest = loadManifest(dir);
    expect(manifest).toMatchObject({
      id: "com.example.hello",
      name: "Hello",
      version: "1.0.0",
      description: "",
      minServerVersion: "9.5.0",
      settingsSchema: { settings: [] },
    });
    expect(manifest.raw.server).toEqual({ executable: "server/index.js" });
  });

  it("reads a file saved with a byte order mark", () => {
    writeFileSync(join(dir, "plugin.json"), '\uFEFF{"id":"com.example.bom"}');
    expect(loadManifest(dir).id).toBe("com.example.bom");
  });

  it("reads plugin.yaml when there is no plugin.json", () => {
    writeFileSync(join(dir, "plugin.yaml"), "id: com.example.yaml\nversion: 0.2.0\n");
    expect(loadManifest(dir)).toMatchObject({ id: "com.example.yaml", version: "0.2.0" });
  });

  it("falls back to the given id when the file is missing or unreadable", () => {
    expect(loadManifest(dir, "from-env")).toEqual({
      id: "from-env",
      name: "",
      version: "",
      description: "",
      raw: {},
    });
    writeFileSync(join(dir, "plugin.json"), "{ not json");
    expect(loadManifest(dir, "from-env").id).toBe("from-env");
  });
});

describe("manifestFrom", () => {
  it("ignores fields of the wrong type and accepts camelCase spellings", () => {
    expect(manifestFrom({ id: 7, name: ["x"], minServerVersion: "9.0.0" })).toMatchObject({
      id: "",
      name: "",
      minServerVersion: "9.0.0",
    });
    expect(manifestFrom("a string").raw).toEqual({});
  });
});

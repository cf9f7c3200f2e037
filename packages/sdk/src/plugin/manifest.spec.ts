import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { loadManifest, manifestFrom } from "./manifest.js";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "pw-manifest-"));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe("loadManifest", () => {
  it("reads plugin.json from the plugin folder", async () => {
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
    const manifest = await loadManifest(dir);
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

  it("reads a file saved with a byte order mark", async () => {
    writeFileSync(join(dir, "plugin.json"), '\uFEFF{"id":"com.example.bom"}');
    expect((await loadManifest(dir)).id).toBe("com.example.bom");
  });

  it("reads plugin.yaml when there is no plugin.json", async () => {
    writeFileSync(join(dir, "plugin.yaml"), "id: com.example.yaml\nversion: 0.2.0\n");
    expect(await loadManifest(dir)).toMatchObject({ id: "com.example.yaml", version: "0.2.0" });
  });

  it("falls back to the given id when the file is missing or unreadable", async () => {
    expect(await loadManifest(dir, "from-env")).toEqual({
      id: "from-env",
      name: "",
      version: "",
      description: "",
      raw: {},
    });
    writeFileSync(join(dir, "plugin.json"), "{ not json");
    expect((await loadManifest(dir, "from-env")).id).toBe("from-env");
  });
});

describe("the YAML parser", () => {
  afterEach(() => {
    vi.doUnmock("yaml");
  });

  it("is loaded only for a YAML manifest, and a failure to load it is not an empty manifest", async () => {
    vi.doMock("yaml", () => {
      throw new Error("the yaml package cannot be loaded");
    });
    writeFileSync(join(dir, "plugin.json"), '{"id":"com.example.json"}');
    expect((await loadManifest(dir)).id).toBe("com.example.json");
    rmSync(join(dir, "plugin.json"));
    writeFileSync(join(dir, "plugin.yaml"), "id: com.example.yaml\n");
    await expect(loadManifest(dir)).rejects.toThrow();
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

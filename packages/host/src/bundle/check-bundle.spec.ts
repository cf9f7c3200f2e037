// checkBundle: the first pass that reads every entry and writes nothing. The refusals are
// specified end to end in host-install.spec.ts; this is where the manifest is looked for.
import { ValidationError } from "@plugwire/errors";
import { describe, expect, it } from "vitest";
import { checkBundle } from "./check-bundle.js";
import { craftArchive } from "./test-fixtures/crafted-archive.js";

const limits = { maxBundleBytes: 1024 * 1024, maxUncompressedBytes: 1024 * 1024 };

describe("checkBundle finds the plugin folder", () => {
  it("at the archive's root", async () => {
    const archive = craftArchive([
      { path: "plugin.json", body: "{}" },
      { path: "dist/", type: "Directory" },
      { path: "dist/main.js", body: "" },
    ]);
    expect(await checkBundle(archive, limits)).toEqual({ pluginRoot: "" });
  });

  it('at the root written as "./", as `tar -C dir .` writes it', async () => {
    const archive = craftArchive([
      { path: "./", type: "Directory" },
      { path: "./plugin.yaml", body: "id: x" },
    ]);
    expect(await checkBundle(archive, limits)).toEqual({ pluginRoot: "" });
  });

  it("in the archive's one top-level folder", async () => {
    const archive = craftArchive([
      { path: "com.example.hello/", type: "Directory" },
      { path: "com.example.hello/plugin.json", body: "{}" },
      { path: "com.example.hello/dist/main.js", body: "" },
    ]);
    expect(await checkBundle(archive, limits)).toEqual({ pluginRoot: "com.example.hello" });
  });

  it("nowhere deeper, and not beside a second top-level entry", async () => {
    const deeper = craftArchive([{ path: "a/b/plugin.json", body: "{}" }]);
    const beside = craftArchive([
      { path: "a/plugin.json", body: "{}" },
      { path: "README.md", body: "" },
    ]);
    await expect(checkBundle(deeper, limits)).rejects.toThrow(/has no plugin.json/);
    await expect(checkBundle(beside, limits)).rejects.toThrow(/has no plugin.json/);
  });
});

describe("checkBundle refuses early", () => {
  it("a header claiming more than the uncompressed cap, before reading its body", async () => {
    const archive = craftArchive([
      { path: "plugin.json", body: "{}" },
      { path: "huge.bin", body: "", declaredSize: 8 * 1024 ** 3 },
    ]);
    const error = await checkBundle(archive, limits).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({ statusCode: 413, params: { limit_applies_to: "uncompressed" } });
  });

  it("at the first unsafe entry, naming it, even when more follow", async () => {
    const archive = craftArchive([
      { path: "plugin.json", body: "{}" },
      { path: "../first", body: "" },
      { path: "/second", body: "" },
    ]);
    await expect(checkBundle(archive, limits)).rejects.toMatchObject({
      statusCode: 400,
      params: { field: "bundle", entry: "../first" },
    });
  });
});

// The host's layers, read from the import lines of its source files: the REST and websocket
// server (http/) and the PluginAPI service (rpc/) reach state only through the application
// layer (app/) or the Host façade, never the store or the supervisor's internals; the
// application layer knows nothing of the servers above it.
import { readdir, readFile } from "node:fs/promises";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const src = dirname(fileURLToPath(import.meta.url));

/**
 * Every module a folder's source files import, relative to src/, with the importing file. Specs
 * and test fixtures are left out: they build the store and plugins the code under test runs on.
 */
async function importsOf(folder: string): Promise<{ file: string; target: string }[]> {
  const entries = await readdir(join(src, folder), { recursive: true, withFileTypes: true });
  const found: { file: string; target: string }[] = [];
  for (const entry of entries) {
    if (!entry.isFile() || !entry.name.endsWith(".ts") || entry.name.endsWith(".spec.ts")) continue;
    const path = join(entry.parentPath, entry.name);
    if (relative(src, path).split("/").includes("test-fixtures")) continue;
    const text = await readFile(path, "utf8");
    for (const [, specifier] of text.matchAll(
      /^\s*(?:import|export)\b[^;]*?\bfrom\s+"([^"]+)"/gm,
    )) {
      if (!specifier?.startsWith(".")) continue;
      found.push({
        file: relative(src, path),
        target: relative(src, resolve(dirname(path), specifier)),
      });
    }
  }
  return found;
}

function crossing(imports: { file: string; target: string }[], forbidden: string[]): string[] {
  return imports
    .filter(({ target }) => forbidden.some((folder) => target.startsWith(`${folder}/`)))
    .map(({ file, target }) => `${file} imports ${target}`);
}

describe("layering", () => {
  it("http/ and rpc/ do not import the store", async () => {
    const imports = [...(await importsOf("http")), ...(await importsOf("rpc"))];
    expect(crossing(imports, ["store"])).toEqual([]);
  });

  it("http/ does not import the supervisor", async () => {
    expect(crossing(await importsOf("http"), ["supervisor"])).toEqual([]);
  });

  it("app/ does not import http/ or rpc/", async () => {
    expect(crossing(await importsOf("app"), ["http", "rpc"])).toEqual([]);
  });

  it("the Host façade does not import http/", async () => {
    const imports = (await importsOf(".")).filter(({ file }) => file === "host.ts");
    expect(imports.length).toBeGreaterThan(0);
    expect(crossing(imports, ["http"])).toEqual([]);
  });

  it("sees the imports it checks", async () => {
    // A parser that found nothing would pass every check above.
    expect(crossing(await importsOf("http"), ["app"]).length).toBeGreaterThan(0);
  });
});

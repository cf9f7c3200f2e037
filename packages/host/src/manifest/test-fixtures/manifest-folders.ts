// Manifest folders for the loadManifest specs: temp folders holding a plugin.json (or any
// files), removed by cleanUpFolders after each test.
import { mkdir, mkdtemp, realpath, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect } from "vitest";
import { type LoadManifestOptions, loadManifest } from "../load-manifest.js";
import { ManifestError } from "../manifest-error.js";

/** The host the specs load manifests for. */
export const host: LoadManifestOptions = { serverVersion: "1.4.0", nodeVersion: "20.20.0" };

export const validManifest = {
  id: "com.example.hello",
  name: "Hello",
  version: "1.2.0",
  server: { executable: "dist/plugin.js" },
};

const createdFolders: string[] = [];

/** Removes the folders made since the last call; give it to afterEach. */
export async function cleanUpFolders(): Promise<void> {
  await Promise.all(createdFolders.splice(0).map((dir) => rm(dir, { recursive: true })));
}

/** A fresh temp folder (symlinks resolved) holding `files`; a number after the text is its mode. */
export async function folder(
  files: Record<string, string | [string, number]> = {},
): Promise<string> {
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
export function jsonPlugin(
  manifest: unknown,
  files: Record<string, string | [string, number]> = {},
): Promise<string> {
  return folder({
    "plugin.json": JSON.stringify(manifest, null, 2),
    "dist/plugin.js": "export {};\n",
    ...files,
  });
}

export function withServer(server: Record<string, unknown>) {
  return { ...validManifest, server: { ...validManifest.server, ...server } };
}

/** The ManifestError loading `dir` fails with (the spec fails when it loads). */
export async function loadError(dir: string, options = host): Promise<ManifestError> {
  const error = await loadManifest(dir, options).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(ManifestError);
  return error as ManifestError;
}

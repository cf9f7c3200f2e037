// From a plugin folder to the parsed, not yet validated, contents of its manifest: finds the one
// manifest file (plugin.json, plugin.yaml or plugin.yml) and parses it as JSON or YAML.
import { readFile, realpath, stat } from "node:fs/promises";
import path from "node:path";
import { LineCounter, parseDocument } from "yaml";
import { findJsonSyntaxError } from "./json-syntax-error.js";
import { ManifestError } from "./manifest-error.js";

export const manifestFileNames = ["plugin.json", "plugin.yaml", "plugin.yml"] as const;

export interface ManifestSource {
  /** Absolute path of the plugin folder, symlinks resolved. */
  dir: string;
  /** Absolute path of the manifest file inside `dir`. */
  file: string;
  data: unknown;
}

export async function readManifestFile(pluginDir: string): Promise<ManifestSource> {
  const dir = await resolvePluginDir(pluginDir);
  const file = await findManifestFile(dir);
  // Editors on Windows may save a byte order mark, which neither parser accepts.
  const text = (await readFile(file, "utf8")).replace(/^\uFEFF/, "");
  const data = file.endsWith(".json") ? parseJson(file, text) : parseYaml(file, text);
  return { dir, file, data };
}

async function resolvePluginDir(pluginDir: string): Promise<string> {
  const given = path.resolve(pluginDir);
  try {
    const dir = await realpath(given);
    if ((await stat(dir)).isDirectory()) return dir;
  } catch (error) {
    if (!isMissing(error)) throw error;
    throw new ManifestError({
      file: given,
      problem: "the plugin folder does not exist; check the path passed to the host",
    });
  }
  throw new ManifestError({
    file: given,
    problem: "the plugin path is not a folder; pass the folder that holds the plugin's plugin.json",
  });
}

async function findManifestFile(dir: string): Promise<string> {
  const found: string[] = [];
  for (const name of manifestFileNames) {
    if (await exists(path.join(dir, name))) found.push(name);
  }
  if (found.length === 0) {
    throw new ManifestError({
      file: dir,
      problem: `no plugin manifest found (looked for ${manifestFileNames.join(", ")}); add a plugin.json or plugin.yaml to the plugin folder`,
    });
  }
  if (found.length > 1) {
    throw new ManifestError({
      file: dir,
      problem: `has more than one manifest (${found.join(", ")}), so it is unclear which one applies; keep one and delete the others`,
    });
  }
  return path.join(dir, found[0]);
}

function parseJson(file: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const syntax = findJsonSyntaxError(text);
    throw new ManifestError({
      file,
      line: syntax?.line,
      column: syntax?.column,
      problem: `invalid JSON: ${syntax?.message ?? (error as Error).message}; fix the syntax there (JSON allows no comments or trailing commas)`,
    });
  }
}

function parseYaml(file: string, text: string): unknown {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false });
  const [error] = document.errors;
  if (error !== undefined) {
    const { line, col } = lineCounter.linePos(error.pos[0]);
    throw new ManifestError({
      file,
      line,
      column: col,
      problem: `invalid YAML: ${error.message}; fix the syntax there`,
    });
  }
  try {
    return document.toJS();
  } catch (error) {
    // e.g. too many aliases, which the yaml package refuses to expand.
    throw new ManifestError({
      file,
      problem: `cannot be read as YAML: ${(error as Error).message}; write the manifest without anchors and aliases`,
    });
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch (error) {
    if (isMissing(error)) return false;
    throw error;
  }
}

function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === "ENOENT" || code === "ENOTDIR";
}

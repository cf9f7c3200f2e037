// The plugin's own manifest, as the plugin sees it. The host validated the file before it
// started the process, so reading is lenient: a missing or odd field becomes "" rather than
// stopping the plugin.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { JsonObject } from "@bufbuild/protobuf";

/** The fields of plugin.json / plugin.yaml a plugin usually wants, plus the file as written. */
export interface Manifest {
  id: string;
  name: string;
  version: string;
  description: string;
  /** `min_server_version` (or `minServerVersion`), when given. */
  minServerVersion?: string;
  /** `settings_schema` (or `settingsSchema`), when given. */
  settingsSchema?: JsonObject;
  /** Every field exactly as the file has it. */
  raw: JsonObject;
}

/** The file names tried, in order, in the plugin folder. */
const manifestFileNames = ["plugin.json", "plugin.yaml", "plugin.yml"] as const;

/**
 * Reads the manifest from `dir` (the plugin folder, which the host makes the process's working
 * directory). A missing or malformed file is no error: `id` is then `fallbackId` and the rest is
 * empty. Rejects only when the YAML parser cannot be loaded (a plugin bundled without a
 * `require` for the parser's CommonJS code), which must not pass for an empty manifest.
 */
export async function loadManifest(dir: string, fallbackId = ""): Promise<Manifest> {
  for (const name of manifestFileNames) {
    let text: string;
    try {
      text = readFileSync(join(dir, name), "utf8");
    } catch {
      continue;
    }
    // Editors on Windows save a byte order mark, which JSON.parse refuses.
    text = text.replace(/^\uFEFF/, "");
    const parse = name.endsWith(".json") ? JSON.parse : await yamlParser();
    try {
      return manifestFrom(parse(text), fallbackId);
    } catch {
      return manifestFrom({}, fallbackId);
    }
  }
  return manifestFrom({}, fallbackId);
}

/**
 * Loaded only for a YAML manifest: most are JSON, and the yaml package is a large module graph
 * that every plugin start would otherwise pay for.
 */
async function yamlParser(): Promise<(text: string) => unknown> {
  const { parse } = await import("yaml");
  return (text) => parse(text);
}

/** A Manifest from a parsed manifest file, taking whatever fields have the right type. */
export function manifestFrom(parsed: unknown, fallbackId = ""): Manifest {
  const raw: JsonObject = isObject(parsed) ? (parsed as JsonObject) : {};
  const manifest: Manifest = {
    id: text(raw.id) || fallbackId,
    name: text(raw.name),
    version: text(raw.version),
    description: text(raw.description),
    raw,
  };
  const minServerVersion = raw.min_server_version ?? raw.minServerVersion;
  if (typeof minServerVersion === "string") {
    manifest.minServerVersion = minServerVersion;
  }
  const settingsSchema = raw.settings_schema ?? raw.settingsSchema;
  if (isObject(settingsSchema)) {
    manifest.settingsSchema = settingsSchema as JsonObject;
  }
  return manifest;
}

function text(value: unknown): string {
  return typeof value === "string" ? value : "";
}

function isObject(value: unknown): value is object {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

// loadManifest: reads a plugin's manifest and checks every field, so the rest of the host can
// trust the PluginManifest it gets. Field names and rules follow Mattermost's plugin manifest.
import type { JsonObject } from "@bufbuild/protobuf";
import semver from "semver";
import { checkCompatibility, type HostVersions } from "./compatibility.js";
import { describe, type Fields, isObject, rejectUnknownFields } from "./field-checks.js";
import type { PluginManifest } from "./manifest.js";
import { ManifestError } from "./manifest-error.js";
import { readManifestFile } from "./read-manifest-file.js";
import { checkServerSection } from "./server-section.js";

/** Mattermost's manifest fields; the ones Plugwire does not use are type-checked and ignored. */
const manifestFields = [
  "id",
  "name",
  "description",
  "homepage_url",
  "support_url",
  "release_notes_url",
  "icon_path",
  "version",
  "min_server_version",
  "server",
  "webapp",
  "settings_schema",
  "props",
  "requires_license",
] as const;

// Mattermost's plugin id rule.
const idPattern = /^[a-zA-Z0-9-_.]+$/;
const idLength = { min: 3, max: 190 };

export interface LoadManifestOptions {
  /** This host's version, compared with the manifest's min_server_version. */
  serverVersion: string;
  /** The Node.js version plugins run on, compared with server.node_version; defaults to this process's. */
  nodeVersion?: string;
}

/**
 * Reads plugin.json, plugin.yaml or plugin.yml from `pluginDir` and validates it.
 * Throws a ManifestError naming the file, the field and the fix when the plugin cannot be loaded.
 */
export async function loadManifest(
  pluginDir: string,
  options: LoadManifestOptions,
): Promise<PluginManifest> {
  const host: HostVersions = {
    serverVersion: requireVersionOption("serverVersion", options.serverVersion),
    nodeVersion: requireVersionOption("nodeVersion", options.nodeVersion ?? process.versions.node),
  };
  const { dir, file, data } = await readManifestFile(pluginDir);
  if (!isObject(data)) {
    throw new ManifestError({
      file,
      problem: `must hold an object with "id", "name", "version" and "server" fields (got ${data === null ? "an empty document" : describe(data)})`,
    });
  }
  rejectUnknownFields(file, data, manifestFields, "");
  const manifest: PluginManifest = {
    id: checkId(file, data.id),
    name: checkName(file, data.name),
    description: optionalString(file, data, "description") ?? "",
    version: checkSemanticVersion(file, "version", data.version),
    minServerVersion:
      data.min_server_version === undefined
        ? undefined
        : checkSemanticVersion(file, "min_server_version", data.min_server_version),
    server: await checkServerSection(file, dir, data.server),
    settingsSchema: optionalObject(file, data, "settings_schema"),
    dir,
    file,
  };
  checkUnusedFields(file, data);
  checkCompatibility(manifest, host);
  return manifest;
}

function requireVersionOption(name: keyof LoadManifestOptions, value: string): string {
  if (semver.valid(value) !== null) return value;
  throw new TypeError(
    `loadManifest: options.${name} must be a semantic version like "1.2.0" (got ${describe(value)})`,
  );
}

function checkId(file: string, value: unknown): string {
  const example = `e.g. "com.example.hello"`;
  if (value === undefined) {
    throw new ManifestError({
      file,
      field: "id",
      problem: `is required; set it to a unique id, ${example}`,
    });
  }
  if (typeof value !== "string") {
    throw new ManifestError({
      file,
      field: "id",
      problem: `must be a string, ${example} (got ${describe(value)})`,
    });
  }
  if (value.length < idLength.min || value.length > idLength.max) {
    throw new ManifestError({
      file,
      field: "id",
      problem: `must be ${idLength.min} to ${idLength.max} characters long (got ${value.length}), ${example}`,
    });
  }
  if (!idPattern.test(value)) {
    throw new ManifestError({
      file,
      field: "id",
      problem: `may contain only letters, digits, "-", "_" and "." (got ${describe(value)}), ${example}`,
    });
  }
  return value;
}

function checkName(file: string, value: unknown): string {
  if (typeof value === "string" && value.trim() !== "") return value;
  throw new ManifestError({
    file,
    field: "name",
    problem:
      value === undefined
        ? `is required; set it to the name people see, e.g. "Hello World"`
        : `must be a non-empty string, e.g. "Hello World" (got ${describe(value)})`,
  });
}

function checkSemanticVersion(file: string, field: string, value: unknown): string {
  if (typeof value === "string" && semver.valid(value) !== null) return value;
  // YAML reads an unquoted 1.2 as a number.
  const hint = typeof value === "number" ? "; put it in quotes" : "";
  throw new ManifestError({
    file,
    field,
    problem:
      value === undefined
        ? `is required; set it to a semantic version like "1.2.0"`
        : `must be a semantic version like "1.2.0" (got ${describe(value)})${hint}`,
  });
}

/** Mattermost fields Plugwire ignores; a wrong type still means the author made a mistake. */
function checkUnusedFields(file: string, data: Fields): void {
  for (const field of ["homepage_url", "support_url", "release_notes_url", "icon_path"]) {
    optionalString(file, data, field);
  }
  optionalObject(file, data, "webapp");
  optionalObject(file, data, "props");
  if (data.requires_license !== undefined && typeof data.requires_license !== "boolean") {
    throw new ManifestError({
      file,
      field: "requires_license",
      problem: `must be true or false (got ${describe(data.requires_license)})`,
    });
  }
}

function optionalString(file: string, data: Fields, field: string): string | undefined {
  const value = data[field];
  if (value === undefined || typeof value === "string") return value;
  throw new ManifestError({
    file,
    field,
    problem: `must be a string (got ${describe(value)})`,
  });
}

function optionalObject(file: string, data: Fields, field: string): JsonObject | undefined {
  const value = data[field];
  // Parsed from JSON or YAML, so an object here holds only JSON values.
  if (value === undefined || isObject(value)) return value as JsonObject | undefined;
  throw new ManifestError({
    file,
    field,
    problem: `must be an object of named values (got ${describe(value)})`,
  });
}

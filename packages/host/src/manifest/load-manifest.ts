// loadManifest: reads a plugin's manifest and checks every field, so the rest of the host can
// trust the PluginManifest it gets. Field names and rules follow Mattermost's plugin manifest.
import type { JsonObject } from "@bufbuild/protobuf";
import semver from "semver";
import { checkCompatibility, type HostVersions } from "./compatibility.js";
import {
  describe,
  type Fields,
  isObject,
  optionalBoolean,
  optionalObject,
  optionalString,
  unknownFieldWarnings,
} from "./field-checks.js";
import type { PluginManifest } from "./manifest.js";
import { ManifestError } from "./manifest-error.js";
import { hostPlatform } from "./platform.js";
import { readManifestFile } from "./read-manifest-file.js";
import { checkServerSection } from "./server-section.js";
import { checkSettingsSchema } from "./settings-schema.js";
import { checkWebappSection } from "./webapp-section.js";

/**
 * Mattermost's manifest fields; the ones Plugwire does not use are type-checked and kept. Any
 * other field is ignored with a warning, as Mattermost ignores it.
 */
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
  "required_configuration",
] as const;

// Mattermost's plugin id rule.
const idPattern = /^[a-zA-Z0-9-_.]+$/;
const idLength = { min: 3, max: 190 };

export interface LoadManifestOptions {
  /** This host's version, compared with the manifest's min_server_version. */
  serverVersion: string;
  /** The Node.js version plugins run on, compared with server.node_version; defaults to this process's. */
  nodeVersion?: string;
  /**
   * The platform, as Mattermost's server.executables names them ("linux-amd64"), whose executable
   * is started; defaults to this machine's.
   */
  platform?: string;
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
  const warnings = unknownFieldWarnings(data, manifestFields, "");
  // A plugin may have only a web app, as in Mattermost: then it runs no process.
  const webappOnly = data.server === undefined && data.webapp !== undefined;
  const manifest: PluginManifest = {
    id: checkId(file, data.id),
    name: checkName(file, data.name),
    description: optionalString(file, "description", data.description) ?? "",
    version: checkSemanticVersion(file, "version", data.version),
    minServerVersion:
      data.min_server_version === undefined
        ? undefined
        : checkSemanticVersion(file, "min_server_version", data.min_server_version),
    ...(!webappOnly && {
      server: await checkServerSection(
        file,
        dir,
        data.server,
        options.platform ?? hostPlatform(),
        warnings,
      ),
    }),
    dir,
    file,
  };
  const webapp = await checkWebappSection(file, dir, data.webapp, warnings);
  const settingsSchema = checkSettingsSchema(file, data.settings_schema, warnings);
  Object.assign(manifest, {
    ...(webapp && { webapp }),
    ...(settingsSchema && { settingsSchema }),
    ...optionalFields(file, data),
    ...(warnings.length > 0 && { warnings }),
  });
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

/** The fields Plugwire keeps and shows but does not act on; a wrong type is still a mistake. */
function optionalFields(file: string, data: Fields): Partial<PluginManifest> {
  const fields: Partial<PluginManifest> = {};
  const urls = [
    ["homepage_url", "homepageUrl"],
    ["support_url", "supportUrl"],
    ["release_notes_url", "releaseNotesUrl"],
  ] as const;
  for (const [field, key] of urls) {
    const url = optionalString(file, field, data[field]);
    if (url !== undefined && url !== "") fields[key] = checkHttpUrl(file, field, url);
  }
  const iconPath = optionalString(file, "icon_path", data.icon_path);
  if (iconPath !== undefined && iconPath !== "") fields.iconPath = iconPath;
  // Parsed from JSON or YAML, so these objects hold only JSON values.
  const props = optionalObject(file, "props", data.props);
  if (props !== undefined) fields.props = props as JsonObject;
  const required = optionalObject(file, "required_configuration", data.required_configuration);
  if (required !== undefined) fields.requiredConfiguration = required as JsonObject;
  optionalBoolean(file, "requires_license", data.requires_license);
  return fields;
}

/** Mattermost's rule for the manifest's links: an absolute http or https URL. */
function checkHttpUrl(file: string, field: string, value: string): string {
  let protocol = "";
  try {
    protocol = new URL(value).protocol;
  } catch {
    // Not a URL at all: refused below.
  }
  if (protocol === "http:" || protocol === "https:") return value;
  throw new ManifestError({
    file,
    field,
    problem: `must be an http or https URL, e.g. "https://example.com/my-plugin" (got ${describe(value)})`,
  });
}

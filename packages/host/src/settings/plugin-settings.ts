// A plugin's settings, checked against its manifest's settings_schema in Mattermost's format:
//
//   "settings_schema": { "settings": [
//     { "key": "Greeting", "type": "text", "default": "Hello" },
//     { "key": "Mode", "type": "radio", "options": [{ "display_name": "Fast", "value": "fast" }] } ],
//     "sections": [{ "key": "Advanced", "settings": [{ "key": "Retries", "type": "number" }] }] }
//
// bool takes true or false; text, longtext, generated and username take a string; number takes
// a finite number; dropdown and radio take one of their options' values; custom, and any type
// this host does not know, take any JSON value. Keys the schema does not list are refused, so a
// misspelt key fails loudly instead of being ignored. Without a schema any object is accepted.
import type { JsonObject, JsonValue } from "@bufbuild/protobuf";
import { ValidationError } from "@plugwire/errors";
import { closestName } from "../manifest/closest-name.js";
import { describe, isObject } from "../manifest/field-checks.js";

interface Setting {
  key: string;
  type: string | undefined;
  defaultValue: JsonValue | undefined;
  /** The values dropdown and radio settings accept. */
  options: string[] | undefined;
}

const stringTypes = new Set(["text", "longtext", "generated", "username"]);

/** The stored settings over the schema's defaults: what the plugin's settings are now. */
export function settingsWithDefaults(
  schema: JsonObject | undefined,
  stored: JsonObject,
): JsonObject {
  return { ...defaultsOf(settingsOf(schema)), ...stored };
}

/**
 * Checks `config` against the schema and returns it with the schema's defaults for the settings
 * it leaves out. Throws a ValidationError naming the first offending key.
 */
export function checkPluginSettings(
  pluginId: string,
  schema: JsonObject | undefined,
  config: JsonObject,
): JsonObject {
  const settings = settingsOf(schema);
  if (settings === undefined) return config;
  const byKey = new Map(settings.map((setting) => [setting.key, setting]));
  for (const [key, value] of Object.entries(config)) {
    const setting = byKey.get(key);
    if (setting === undefined) {
      const known = [...byKey.keys()];
      const guess = closestName(key, known);
      throw invalidSetting(
        pluginId,
        key,
        `is not a setting of this plugin${guess === undefined ? "" : `; did you mean "${guess}"`}${known.length === 0 ? "" : ` (its settings: ${known.join(", ")})`}`,
      );
    }
    const problem = valueProblem(setting, value);
    if (problem !== undefined) throw invalidSetting(pluginId, key, problem);
  }
  return { ...defaultsOf(settings), ...config };
}

function valueProblem(setting: Setting, value: JsonValue): string | undefined {
  const { type, options } = setting;
  const got = `(got ${describe(value)})`;
  if (type === "bool") {
    return typeof value === "boolean" ? undefined : `must be true or false ${got}`;
  }
  if (type === "number") {
    return typeof value === "number" && Number.isFinite(value)
      ? undefined
      : `must be a number ${got}`;
  }
  if (type !== undefined && stringTypes.has(type)) {
    return typeof value === "string" ? undefined : `must be a string ${got}`;
  }
  if ((type === "dropdown" || type === "radio") && options !== undefined) {
    return typeof value === "string" && options.includes(value)
      ? undefined
      : `must be one of ${options.map((option) => JSON.stringify(option)).join(", ")} ${got}`;
  }
  return undefined;
}

/**
 * The schema's settings, those of its sections included; undefined when the manifest lists no
 * settings at all.
 */
function settingsOf(schema: JsonObject | undefined): Setting[] | undefined {
  const sections = Array.isArray(schema?.sections) ? (schema.sections as unknown[]) : [];
  const lists = [schema?.settings, ...sections.filter(isObject).map((section) => section.settings)];
  if (!lists.some(Array.isArray)) return undefined;
  const entries = lists.flatMap((list) => (Array.isArray(list) ? (list as unknown[]) : []));
  return entries.filter(isObject).flatMap((entry): Setting[] => {
    if (typeof entry.key !== "string" || entry.key === "") return [];
    const options = Array.isArray(entry.options)
      ? (entry.options as unknown[])
          .filter(isObject)
          .flatMap((option) => (typeof option.value === "string" ? [option.value] : []))
      : undefined;
    return [
      {
        key: entry.key,
        type: typeof entry.type === "string" ? entry.type : undefined,
        defaultValue: entry.default as JsonValue | undefined,
        options,
      },
    ];
  });
}

function defaultsOf(settings: Setting[] | undefined): JsonObject {
  const defaults: JsonObject = {};
  for (const { key, defaultValue } of settings ?? []) {
    if (defaultValue !== undefined && defaultValue !== null) defaults[key] = defaultValue;
  }
  return defaults;
}

function invalidSetting(pluginId: string, key: string, problem: string): ValidationError {
  return new ValidationError({
    id: "app.plugin.settings.invalid",
    message: `Plugin ${pluginId}: setting "${key}" ${problem}.`,
    params: { field: key, plugin_id: pluginId },
  });
}

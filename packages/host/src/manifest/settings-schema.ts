// The manifest's "settings_schema", in Mattermost's shape: a header and footer around a list of
// settings, and sections (each a key, texts and settings of its own) that group more of them.
// Checked as Mattermost's manifest validation checks it: every setting has a type it knows,
// options only on dropdown and radio settings, a placeholder only where one is shown. Kept as
// written; settings/plugin-settings.ts reads the settings of both places.
import type { JsonObject } from "@bufbuild/protobuf";
import {
  describe,
  type Fields,
  isObject,
  optionalBoolean,
  optionalList,
  optionalString,
  unknownFieldWarnings,
} from "./field-checks.js";
import { ManifestError } from "./manifest-error.js";

const schemaFields = ["header", "footer", "settings", "sections"] as const;
const sectionFields = [
  "key",
  "title",
  "subtitle",
  "settings",
  "header",
  "footer",
  "custom",
  "fallback",
] as const;
const settingFields = [
  "key",
  "display_name",
  "type",
  "help_text",
  "regenerate_help_text",
  "placeholder",
  "default",
  "options",
  "hosting",
  "secret",
] as const;
const settingTypes = [
  "bool",
  "dropdown",
  "generated",
  "radio",
  "text",
  "longtext",
  "number",
  "username",
  "custom",
] as const;
const placeholderTypes = ["generated", "text", "longtext", "number", "username", "custom"];

export function checkSettingsSchema(
  file: string,
  value: unknown,
  warnings: string[],
): JsonObject | undefined {
  if (value === undefined) return undefined;
  const schema = requireObject(file, "settings_schema", value);
  warnings.push(...unknownFieldWarnings(schema, schemaFields, "settings_schema."));
  optionalString(file, "settings_schema.header", schema.header);
  optionalString(file, "settings_schema.footer", schema.footer);
  checkSettings(file, "settings_schema.settings", schema.settings, warnings);
  const sections = optionalList(file, "settings_schema.sections", schema.sections) ?? [];
  for (const [index, entry] of sections.entries()) {
    const field = `settings_schema.sections[${index}]`;
    const section = requireObject(file, field, entry);
    warnings.push(...unknownFieldWarnings(section, sectionFields, `${field}.`));
    if (typeof section.key !== "string" || section.key === "") {
      throw new ManifestError({
        file,
        field: `${field}.key`,
        problem: `must be a non-empty string naming the section (got ${describe(section.key)})`,
      });
    }
    for (const name of ["title", "subtitle", "header", "footer"]) {
      optionalString(file, `${field}.${name}`, section[name]);
    }
    optionalBoolean(file, `${field}.custom`, section.custom);
    optionalBoolean(file, `${field}.fallback`, section.fallback);
    checkSettings(file, `${field}.settings`, section.settings, warnings);
  }
  // Parsed from JSON or YAML, so the object holds only JSON values.
  return schema as JsonObject;
}

function checkSettings(file: string, field: string, value: unknown, warnings: string[]): void {
  const settings = optionalList(file, field, value) ?? [];
  for (const [index, entry] of settings.entries()) {
    const at = `${field}[${index}]`;
    const setting = requireObject(file, at, entry);
    warnings.push(...unknownFieldWarnings(setting, settingFields, `${at}.`));
    optionalString(file, `${at}.key`, setting.key);
    for (const name of ["display_name", "help_text", "regenerate_help_text", "placeholder"]) {
      optionalString(file, `${at}.${name}`, setting[name]);
    }
    optionalString(file, `${at}.hosting`, setting.hosting);
    optionalBoolean(file, `${at}.secret`, setting.secret);
    const type = setting.type;
    if (!settingTypes.includes(type as (typeof settingTypes)[number])) {
      throw new ManifestError({
        file,
        field: `${at}.type`,
        problem: `must be one of ${settingTypes.join(", ")} (got ${describe(type)})`,
      });
    }
    if (setting.regenerate_help_text && type !== "generated") {
      throw new ManifestError({
        file,
        field: `${at}.regenerate_help_text`,
        problem: `is only for "generated" settings; remove it from this ${type} setting`,
      });
    }
    if (setting.placeholder && !placeholderTypes.includes(type as string)) {
      throw new ManifestError({
        file,
        field: `${at}.placeholder`,
        problem: `is only shown for ${placeholderTypes.join(", ")} settings; remove it from this ${type} setting`,
      });
    }
    checkOptions(file, at, type as string, setting);
  }
}

function checkOptions(file: string, at: string, type: string, setting: Fields): void {
  const options = optionalList(file, `${at}.options`, setting.options);
  if (options === undefined) return;
  if (type !== "dropdown" && type !== "radio") {
    throw new ManifestError({
      file,
      field: `${at}.options`,
      problem: `are only for dropdown and radio settings; remove them from this ${type} setting`,
    });
  }
  for (const [index, option] of options.entries()) {
    const valid =
      isObject(option) &&
      typeof option.display_name === "string" &&
      option.display_name !== "" &&
      typeof option.value === "string" &&
      option.value !== "";
    if (!valid) {
      throw new ManifestError({
        file,
        field: `${at}.options[${index}]`,
        problem: `must have a non-empty "display_name" and "value", e.g. {"display_name": "Fast", "value": "fast"} (got ${describe(option)})`,
      });
    }
  }
}

function requireObject(file: string, field: string, value: unknown): Fields {
  if (isObject(value)) return value;
  throw new ManifestError({
    file,
    field,
    problem: `must be an object of named values (got ${describe(value)})`,
  });
}

// Checks shared by every section of the manifest: object shape, unknown fields, and how a bad
// value is quoted back to the author.
import { closestName } from "./closest-name.js";
import { ManifestError } from "./manifest-error.js";

export type Fields = Record<string, unknown>;

export function isObject(value: unknown): value is Fields {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A value as quoted after "got": JSON for scalars (so 1.2 and "1.2" differ), a kind for the rest. */
export function describe(value: unknown): string {
  if (value === undefined) return "nothing";
  if (Array.isArray(value)) return "a list";
  if (isObject(value)) return "an object";
  if (typeof value === "string" && value.length > 60) {
    return `${JSON.stringify(`${value.slice(0, 57)}...`)} (${value.length} characters)`;
  }
  return JSON.stringify(value) ?? String(value);
}

/**
 * One warning for each field of `section` not in `known`, suggesting the field it was probably
 * meant to be. Mattermost ignores fields it does not know, so a manifest written for a newer
 * server still loads; the warning keeps a misspelt field from going unnoticed. `prefix` is the
 * section's dotted path with a trailing dot ("server."), or "".
 */
export function unknownFieldWarnings(
  section: Fields,
  known: readonly string[],
  prefix: string,
): string[] {
  const warnings: string[] = [];
  for (const name of Object.keys(section)) {
    if (known.includes(name)) continue;
    const where = prefix === "" ? "a manifest field" : `a field of "${prefix.slice(0, -1)}"`;
    const suggestion = closestName(name, known);
    warnings.push(
      suggestion === undefined
        ? `"${prefix}${name}" is not ${where} this host knows; it is ignored`
        : `"${prefix}${name}" is not ${where} this host knows; it is ignored (did you mean "${prefix}${suggestion}"?)`,
    );
  }
  return warnings;
}

/** `value` when it is a string or absent; a ManifestError naming `field` otherwise. */
export function optionalString(file: string, field: string, value: unknown): string | undefined {
  if (value === undefined || typeof value === "string") return value;
  throw new ManifestError({ file, field, problem: `must be a string (got ${describe(value)})` });
}

/** `value` when it is true, false or absent; a ManifestError naming `field` otherwise. */
export function optionalBoolean(file: string, field: string, value: unknown): boolean | undefined {
  if (value === undefined || typeof value === "boolean") return value;
  throw new ManifestError({
    file,
    field,
    problem: `must be true or false (got ${describe(value)})`,
  });
}

/** `value` when it is a list or absent (null too, as Go writes an empty list); else a ManifestError. */
export function optionalList(file: string, field: string, value: unknown): unknown[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (Array.isArray(value)) return value;
  throw new ManifestError({ file, field, problem: `must be a list (got ${describe(value)})` });
}

/** `value` when it is an object or absent; a ManifestError naming `field` otherwise. */
export function optionalObject(file: string, field: string, value: unknown): Fields | undefined {
  if (value === undefined || isObject(value)) return value;
  throw new ManifestError({
    file,
    field,
    problem: `must be an object of named values (got ${describe(value)})`,
  });
}

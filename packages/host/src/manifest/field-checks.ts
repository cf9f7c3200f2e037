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
 * Throws for the first field of `section` not in `known`, suggesting the field it was probably
 * meant to be. `prefix` is the section's dotted path with a trailing dot ("server."), or "".
 */
export function rejectUnknownFields(
  file: string,
  section: Fields,
  known: readonly string[],
  prefix: string,
): void {
  for (const name of Object.keys(section)) {
    if (known.includes(name)) continue;
    const where = prefix === "" ? "a manifest field" : `a field of "${prefix.slice(0, -1)}"`;
    const suggestion = closestName(name, known);
    throw new ManifestError({
      file,
      field: `${prefix}${name}`,
      problem:
        suggestion === undefined
          ? `is not ${where}; remove it (known fields: ${known.join(", ")})`
          : `is not ${where}; did you mean "${prefix}${suggestion}"? Rename or remove it`,
    });
  }
}

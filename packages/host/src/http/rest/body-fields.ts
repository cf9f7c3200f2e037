// Reading the small JSON bodies that are not models (login, membership, command execution):
// the body must be an object, every field has one type, and a field the endpoint does not
// know is refused rather than ignored, so a misspelt field can't silently change the meaning.
import { invalidBodyParam } from "./rest-errors.js";

export type JsonFields = Record<string, unknown>;

/** The body as an object; 400 for arrays, null and scalars. */
export function objectBody(body: unknown): JsonFields {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw invalidBodyParam("body", `expected a JSON object, got ${typeName(body)}.`);
  }
  return body as JsonFields;
}

/** The body as an object of the allowed fields only; 400 naming the first other field. */
export function fieldsOf(body: unknown, allowed: readonly string[]): JsonFields {
  const fields = objectBody(body);
  for (const name of Object.keys(fields)) {
    if (!allowed.includes(name)) {
      throw invalidBodyParam(name, `unknown field; expected ${allowed.join(", ")}.`);
    }
  }
  return fields;
}

/** A string field; "" when absent (or null), 400 when required and empty. */
export function stringField(fields: JsonFields, name: string, required = false): string {
  const value = fields[name] ?? "";
  if (typeof value !== "string") {
    throw invalidBodyParam(name, `expected a string, got ${typeName(value)}.`);
  }
  if (required && value === "") throw invalidBodyParam(name, "it is required.");
  return value;
}

/** A boolean field; false when absent (or null). */
export function booleanField(fields: JsonFields, name: string): boolean {
  const value = fields[name] ?? false;
  if (typeof value !== "boolean") {
    throw invalidBodyParam(name, `expected true or false, got ${typeName(value)}.`);
  }
  return value;
}

/** What a JSON value is, for error messages. */
export function typeName(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") return "an object";
  return `a ${typeof value}`;
}

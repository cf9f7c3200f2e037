// Reading the small JSON bodies that are not models (login, membership, command execution):
// the body must be an object and every field has one type. A field the endpoint does not know
// is ignored, as Mattermost ignores it: clients send fields of newer servers (Client4's login
// sends deviceId), and refusing them breaks those clients.
import { invalidBodyParam } from "./rest-errors.js";

export type JsonFields = Record<string, unknown>;

/** The body as an object; 400 for arrays, null and scalars. */
export function objectBody(body: unknown): JsonFields {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw invalidBodyParam("body", `expected a JSON object, got ${typeName(body)}.`);
  }
  return body as JsonFields;
}

/**
 * The body as an object, of which the route reads the `known` fields; each other field is
 * handed to `ignored` (to be logged) and otherwise left alone.
 */
export function fieldsOf(
  body: unknown,
  known: readonly string[],
  ignored: (name: string) => void = () => {},
): JsonFields {
  const fields = objectBody(body);
  for (const name of Object.keys(fields)) {
    if (!known.includes(name)) ignored(name);
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

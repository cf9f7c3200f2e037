// Checks that a value can travel as JSON before it is sent (PublishWebSocketEvent's payload), so
// a plugin learns which value is wrong instead of clients receiving something else.
import type { JsonObject, JsonValue } from "@bufbuild/protobuf";
import { ValidationError } from "@plugwire/errors";

/**
 * `value` as a JSON object; ValidationError naming the first value under `field` that JSON
 * can't carry (functions, symbols, bigints, undefined, NaN and infinities, cycles, Maps and
 * other class instances without toJSON). Values with toJSON (Date) become what it returns.
 */
export function jsonObject(value: unknown, field: string): JsonObject {
  const json = jsonValue(value, field, new Set());
  if (json === null || typeof json !== "object" || Array.isArray(json)) {
    throw notJson(field, "must be an object");
  }
  return json;
}

function jsonValue(value: unknown, path: string, parents: Set<object>): JsonValue {
  switch (typeof value) {
    case "string":
    case "boolean":
      return value;
    case "number":
      if (!Number.isFinite(value)) throw notJson(path, `is ${value}`);
      return value;
    case "object":
      break;
    default:
      throw notJson(path, `is a ${typeof value}`);
  }
  if (value === null) return null;
  if (parents.has(value)) throw notJson(path, "refers back to itself");
  const toJSON = (value as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === "function") return jsonValue(toJSON.call(value), path, parents);
  parents.add(value);
  try {
    if (Array.isArray(value)) {
      return value.map((item, index) => jsonValue(item, `${path}[${index}]`, parents));
    }
    const prototype = Object.getPrototypeOf(value);
    if (prototype !== Object.prototype && prototype !== null) {
      throw notJson(path, `is a ${prototype?.constructor?.name ?? "class instance"}`);
    }
    const object: JsonObject = {};
    for (const [key, item] of Object.entries(value)) {
      object[key] = jsonValue(item, `${path}.${key}`, parents);
    }
    return object;
  } finally {
    parents.delete(value);
  }
}

function notJson(path: string, what: string): ValidationError {
  return new ValidationError({
    id: "plugwire.sdk.not_json",
    message: `${path} ${what}, which JSON can't carry; send strings, finite numbers, booleans, null, arrays and plain objects.`,
    params: { field: path },
  });
}

// The models as Mattermost's API v4 writes them in JSON, from the protobuf descriptors:
// snake_case names (the proto names), 64-bit integers as JSON numbers (protobuf's JSON would
// give strings), props and metadata as objects, bytes as base64. The host's REST server and the
// SDK's plain models (`JSON.stringify(post)` in a plugin) both write JSON with this, so the two
// give the same JSON. The few names v4 spells differently are renamed here and only here.
import {
  type DescField,
  type DescMessage,
  type JsonObject,
  type JsonValue,
  type MessageShape,
  ScalarType,
} from "@bufbuild/protobuf";

/** v4 JSON names that differ from the proto field names, by message type. */
const V4_NAMES: Record<string, Record<string, string>> = {
  "plugwire.v1.FileInfo": { creator_id: "user_id" },
};

/** Fields a client never sees, as Mattermost leaves them out of its JSON (`json:"-"`). */
const HIDDEN_FIELDS: Record<string, readonly string[]> = {
  "plugwire.v1.FileInfo": ["path"],
  "plugwire.v1.UploadSession": ["path"],
};

/** The 64-bit integer types: bigint in protobuf-es, numbers in v4 JSON and in plain models. */
export const INT64_SCALARS: ReadonlySet<ScalarType> = new Set([
  ScalarType.INT64,
  ScalarType.UINT64,
  ScalarType.SINT64,
  ScalarType.FIXED64,
  ScalarType.SFIXED64,
]);

const STRUCT = "google.protobuf.Struct";

/**
 * The v4 JSON of a model. 64-bit fields may hold bigints (as decoded) or numbers (as in the
 * SDK's plain models); both are written as JSON numbers.
 */
export function modelToJson<Desc extends DescMessage>(
  schema: Desc,
  message: MessageShape<Desc>,
): JsonObject {
  const json: JsonObject = {};
  const values = message as unknown as Record<string, unknown>;
  const hidden = HIDDEN_FIELDS[schema.typeName];
  for (const field of schema.fields) {
    if (hidden?.includes(field.name)) continue;
    json[v4FieldName(schema, field)] = fieldToJson(field, values[field.localName]);
  }
  return json;
}

/** The name of `field` in the v4 JSON of `schema`. */
export function v4FieldName(schema: DescMessage, field: DescField): string {
  return V4_NAMES[schema.typeName]?.[field.name] ?? field.name;
}

function fieldToJson(field: DescField, value: unknown): JsonValue {
  switch (field.fieldKind) {
    case "scalar":
      return scalarToJson(field.scalar, value);
    case "enum":
      return value as number;
    case "message":
      if (field.message.typeName === STRUCT) return (value as JsonObject | undefined) ?? {};
      return value === undefined ? null : modelToJson(field.message, value as never);
    case "list":
      return (value as unknown[]).map((item) =>
        field.listKind === "message"
          ? modelToJson(field.message, item as never)
          : field.listKind === "scalar"
            ? scalarToJson(field.scalar, item)
            : (item as number),
      );
    case "map":
      return { ...(value as JsonObject) };
  }
}

function scalarToJson(type: ScalarType, value: unknown): JsonValue {
  if (INT64_SCALARS.has(type)) return Number(value as bigint);
  if (type === ScalarType.BYTES) return Buffer.from(value as Uint8Array).toString("base64");
  return value as JsonValue;
}

// The models as Mattermost's API v4 writes them in JSON, read from and written with the
// protobuf descriptors: snake_case names (the proto names), 64-bit integers as JSON numbers
// (protobuf's JSON would give strings), props and metadata as objects. The few names v4 spells
// differently are renamed here and only here.
import {
  create,
  type DescField,
  type DescMessage,
  type JsonObject,
  type JsonValue,
  type MessageShape,
  ScalarType,
} from "@bufbuild/protobuf";
import { type JsonFields, objectBody, typeName } from "./body-fields.js";
import { invalidBodyParam } from "./rest-errors.js";

/** v4 JSON names that differ from the proto field names, by message type. */
const V4_NAMES: Record<string, Record<string, string>> = {
  "plugwire.v1.FileInfo": { creator_id: "user_id" },
};

/** Fields a client never sees, as Mattermost leaves them out of its JSON (`json:"-"`). */
const HIDDEN_FIELDS: Record<string, readonly string[]> = {
  "plugwire.v1.FileInfo": ["path"],
  "plugwire.v1.UploadSession": ["path"],
};

/**
 * Fields of Mattermost's v4 models that Plugwire does not keep. Clients that send whole models
 * (the Go driver, mattermost-redux) include them, so they are accepted and ignored.
 */
const V4_ONLY_FIELDS: Record<string, readonly string[]> = {
  "plugwire.v1.User": [
    "auth_data",
    "allow_marketing",
    "last_password_update",
    "failed_attempts",
    "mfa_secret",
    "remote_id",
    "last_activity_at",
    "terms_of_service_id",
    "terms_of_service_create_at",
    "disable_welcome_email",
    "bot_last_icon_update",
  ],
  "plugwire.v1.Team": [
    "invite_id",
    "last_team_icon_update",
    "scheme_id",
    "group_constrained",
    "policy_id",
    "cloud_limits_archived",
  ],
  "plugwire.v1.TeamMember": ["explicit_roles", "create_at"],
  "plugwire.v1.Channel": [
    "extra_update_at",
    "scheme_id",
    "props",
    "group_constrained",
    "shared",
    "total_msg_count_root",
    "policy_id",
    "last_root_post_at",
  ],
  "plugwire.v1.Post": [
    "message_source",
    "filenames",
    "remote_id",
    "participants",
    "is_following",
    "parent_id",
  ],
};

const INT64_TYPES = new Set([
  ScalarType.INT64,
  ScalarType.UINT64,
  ScalarType.SINT64,
  ScalarType.FIXED64,
  ScalarType.SFIXED64,
]);

const STRUCT = "google.protobuf.Struct";

/** The v4 JSON of a model. */
export function modelToJson<Desc extends DescMessage>(
  schema: Desc,
  message: MessageShape<Desc>,
): JsonObject {
  const json: JsonObject = {};
  const values = message as unknown as Record<string, unknown>;
  const hidden = HIDDEN_FIELDS[schema.typeName];
  for (const field of schema.fields) {
    if (hidden?.includes(field.name)) continue;
    json[v4Name(schema, field)] = fieldToJson(field, values[field.localName]);
  }
  return json;
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
  if (INT64_TYPES.has(type)) return Number(value as bigint);
  if (type === ScalarType.BYTES) return Buffer.from(value as Uint8Array).toString("base64");
  return value as JsonValue;
}

/** A model read from a v4 JSON body, and the v4 names of the fields the body set. */
export interface ModelInput<Desc extends DescMessage> {
  value: MessageShape<Desc>;
  given: Set<string>;
}

/**
 * Reads a model from a v4 JSON body. Only `settable` fields (v4 names) are taken; other fields
 * of the model, which the server assigns, and v4 fields Plugwire does not keep are ignored;
 * a field the model does not have is ignored too, as Mattermost ignores it, and handed to
 * `ignored` (to be logged). A value of the wrong type is refused (null counts as absent).
 */
export function modelFromJson<Desc extends DescMessage>(
  schema: Desc,
  body: unknown,
  settable: readonly string[],
  ignored: (name: string) => void = () => {},
): ModelInput<Desc> {
  const fields = objectBody(body);
  const fieldsByName = new Map(schema.fields.map((field) => [v4Name(schema, field), field]));
  const init: Record<string, unknown> = {};
  const given = new Set<string>();
  for (const [name, value] of Object.entries(fields)) {
    const field = fieldsByName.get(name);
    if (field === undefined) {
      if (!V4_ONLY_FIELDS[schema.typeName]?.includes(name)) ignored(name);
      continue;
    }
    if (!settable.includes(name) || value === null) continue;
    init[field.localName] = fieldFromJson(field, name, value);
    given.add(name);
  }
  return { value: create(schema, init as never) as MessageShape<Desc>, given };
}

function fieldFromJson(field: DescField, name: string, value: unknown): unknown {
  const wrongType = (expected: string) =>
    invalidBodyParam(name, `expected ${expected}, got ${typeName(value)}.`);
  switch (field.fieldKind) {
    case "scalar":
      return scalarFromJson(field.scalar, name, value);
    case "message":
      if (field.message.typeName !== STRUCT) break;
      if (typeof value !== "object" || Array.isArray(value)) throw wrongType("an object");
      return value;
    case "list":
      if (field.listKind !== "scalar" || field.scalar !== ScalarType.STRING) break;
      if (!Array.isArray(value) || value.some((item) => typeof item !== "string")) {
        throw wrongType("an array of strings");
      }
      return value;
    case "map":
      if (field.mapKind !== "scalar" || field.scalar !== ScalarType.STRING) break;
      if (typeof value !== "object" || Array.isArray(value)) throw wrongType("an object");
      for (const [key, item] of Object.entries(value as JsonFields)) {
        if (typeof item !== "string") {
          throw invalidBodyParam(`${name}.${key}`, `expected a string, got ${typeName(item)}.`);
        }
      }
      return value;
  }
  throw new TypeError(`model-json can't read ${field.toString()} from JSON`);
}

function scalarFromJson(type: ScalarType, name: string, value: unknown): unknown {
  const wrongType = (expected: string) =>
    invalidBodyParam(name, `expected ${expected}, got ${typeName(value)}.`);
  switch (type) {
    case ScalarType.STRING:
      if (typeof value !== "string") throw wrongType("a string");
      return value;
    case ScalarType.BOOL:
      if (typeof value !== "boolean") throw wrongType("true or false");
      return value;
    case ScalarType.INT32:
      if (!Number.isInteger(value) || Math.abs(value as number) > 2 ** 31 - 1) {
        throw wrongType("a 32-bit integer");
      }
      return value;
    default:
      if (!INT64_TYPES.has(type)) break;
      if (!Number.isSafeInteger(value)) throw wrongType("an integer");
      return BigInt(value as number);
  }
  throw new TypeError(`model-json can't read scalar type ${ScalarType[type]} from JSON`);
}

function v4Name(schema: DescMessage, field: DescField): string {
  return V4_NAMES[schema.typeName]?.[field.name] ?? field.name;
}

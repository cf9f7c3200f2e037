// The models as Mattermost's API v4 reads and writes them in JSON. Writing is the protocol's
// `modelToJson` (shared with the SDK's plain models); reading a request body is here: which
// fields a client may set, the v4 fields Plugwire accepts and ignores, and the type checks.
import {
  create,
  type DescField,
  type DescMessage,
  type MessageShape,
  ScalarType,
} from "@bufbuild/protobuf";
import { INT64_SCALARS, v4FieldName } from "@plugwire/protocol";
import { type JsonFields, objectBody, typeName } from "./body-fields.js";
import { invalidBodyParam } from "./rest-errors.js";

export { modelToJson } from "@plugwire/protocol";

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
  // Dynamic client registration (RFC 7591), which Plugwire does not serve.
  "plugwire.v1.OAuthApp": [
    "grant_types",
    "response_types",
    "token_endpoint_auth_method",
    "client_uri",
    "logo_uri",
    "scope",
    "client_id_issued_at",
    "is_dynamically_registered",
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

const STRUCT = "google.protobuf.Struct";

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
  const fieldsByName = new Map(schema.fields.map((field) => [v4FieldName(schema, field), field]));
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
      if (!INT64_SCALARS.has(type)) break;
      if (!Number.isSafeInteger(value)) throw wrongType("an integer");
      return BigInt(value as number);
  }
  throw new TypeError(`model-json can't read scalar type ${ScalarType[type]} from JSON`);
}

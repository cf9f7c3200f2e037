// Plain models: what a plugin reads and writes. The protocol's messages hold 64-bit integers
// (times in ms since the epoch, counts) as bigint, which `JSON.stringify`, `Response.json` and
// `new Date()` refuse; the SDK turns them into numbers at its edge, where a message arrives (an
// API answer, a hook's arguments), and gives each model a `toJSON` that writes Mattermost's v4
// JSON (snake_case), as the REST API does. Numbers go back to the host as they are: the
// protocol's codec takes safe integers for 64-bit fields.
import {
  clone,
  create,
  type DescField,
  type DescMessage,
  type MessageInitShape,
  type MessageShape,
} from "@bufbuild/protobuf";
import { INT64_SCALARS, modelToJson } from "@plugwire/protocol";

/** `T` with every 64-bit integer (bigint) as a number, in nested models and lists too. */
export type Plain<T> = T extends bigint
  ? number
  : T extends Uint8Array
    ? T
    : T extends readonly (infer Item)[]
      ? Plain<Item>[]
      : T extends object
        ? { [K in keyof T]: Plain<T[K]> }
        : T;

/** A 64-bit integer as a plugin may give it: a number (the usual) or a bigint. */
export type LooseInt64 = number | bigint;

type Loose<T> = T extends bigint
  ? LooseInt64
  : T extends Uint8Array
    ? T
    : T extends readonly (infer Item)[]
      ? Loose<Item>[]
      : T extends object
        ? { [K in keyof T]: Loose<T[K]> }
        : T;

/** What a plugin may give where the SDK takes a model of `Desc`: any subset of its fields. */
export type PlainInit<Desc extends DescMessage> = Loose<MessageInitShape<Desc>>;

/** How to make one message type plain: its 64-bit fields, and the fields that may hold some. */
interface Conversion {
  /** Whether messages of this type get a `toJSON` (models do; requests and responses don't). */
  readonly isModel: boolean;
  /** Fields to visit; empty when nothing under this type needs converting. */
  readonly fields: readonly DescField[];
  /**
   * What plain models of this type inherit from: Object.prototype with the type's `toJSON`.
   * Giving a message this prototype costs a fraction of defining a `toJSON` property on it,
   * which was most of what making a hook's request plain cost.
   */
  readonly prototype: object;
}

const conversions = new Map<string, Conversion>();

/**
 * Makes `message` plain in place and returns it: its 64-bit integers, and those of the models
 * inside it, become numbers (a value beyond Number.MAX_SAFE_INTEGER loses precision, as it does
 * in Mattermost's JSON), and each model inherits a `toJSON` writing v4 JSON (not a key of its own).
 */
export function plain<Desc extends DescMessage>(
  schema: Desc,
  message: MessageShape<Desc>,
): Plain<MessageShape<Desc>> {
  plainStepOf(schema)(message as unknown as Record<string, unknown>);
  return message as unknown as Plain<MessageShape<Desc>>;
}

/**
 * Makes one message of a type plain in place: what `convert` does toward plain, laid out once
 * per type as one small function per field that needs it, so that a hook's request is not
 * walked field by field through the descriptors on every call.
 */
type PlainStep = (message: Record<string, unknown>) => void;

const plainSteps = new Map<string, PlainStep>();

function plainStepOf(schema: DescMessage): PlainStep {
  let step = plainSteps.get(schema.typeName);
  if (step === undefined) {
    const parts: PlainStep[] = [];
    step = (message) => {
      for (const part of parts) part(message);
    };
    // Registered before the parts are made, so that a type containing itself finds it.
    plainSteps.set(schema.typeName, step);
    const conversion = conversionOf(schema);
    if (conversion.isModel) {
      const { prototype } = conversion;
      parts.push((message) => {
        if (Object.getPrototypeOf(message) === Object.prototype) {
          Object.setPrototypeOf(message, prototype);
        }
      });
    }
    for (const field of conversion.fields) parts.push(plainFieldStep(field));
    for (const oneof of schema.oneofs) {
      const key = oneof.localName;
      parts.push((message) => {
        const selected = message[key] as { case?: string; value?: unknown } | undefined;
        const field = oneof.fields.find((candidate) => candidate.localName === selected?.case);
        if (selected !== undefined && field !== undefined) {
          selected.value = convertField(field, selected.value, toPlain);
        }
      });
    }
  }
  return step;
}

/** The step for one field that needsVisit chose. */
function plainFieldStep(field: DescField): PlainStep {
  const key = field.localName;
  switch (field.fieldKind) {
    case "scalar":
      return (message) => {
        const value = message[key];
        if (value !== undefined) message[key] = Number(value);
      };
    case "message": {
      const schema = field.message;
      let nested: PlainStep | undefined;
      return (message) => {
        const value = message[key];
        if (value === undefined) return;
        nested ??= plainStepOf(schema);
        nested(value as Record<string, unknown>);
      };
    }
    case "list":
      if (field.listKind === "message") {
        const schema = field.message;
        let nested: PlainStep | undefined;
        return (message) => {
          const items = message[key] as Record<string, unknown>[] | undefined;
          if (items === undefined || items.length === 0) return;
          nested ??= plainStepOf(schema);
          for (const item of items) nested(item);
        };
      }
      return (message) => {
        const items = message[key] as unknown[] | undefined;
        if (items !== undefined) message[key] = items.map(Number);
      };
    default:
      // Maps (rare in requests): the general walk.
      return (message) => {
        const value = message[key];
        if (value !== undefined) message[key] = convertField(field, value, toPlain);
      };
  }
}

/**
 * The protocol's message for a plain model or init (a new message; `model` is left as it is):
 * 64-bit integers as bigint, as protocol-level code (the host's app and store, which the
 * testing package's fake backend exposes) expects them.
 */
export function protocolMessage<Desc extends DescMessage>(
  schema: Desc,
  model: PlainInit<Desc>,
): MessageShape<Desc> {
  const message = clone(schema, create(schema, model as MessageInitShape<Desc>));
  convert(schema, message as unknown as Record<string, unknown>, toProtocol);
  return message;
}

/** Which way `convert` goes: to plain (numbers, toJSON on models) or back to the protocol's bigint. */
interface Direction {
  readonly int64: (value: unknown) => unknown;
  readonly addToJSON: boolean;
}

const toPlain: Direction = { int64: Number, addToJSON: true };
const toProtocol: Direction = {
  int64: (value) => (typeof value === "bigint" ? value : BigInt(value as number)),
  addToJSON: false,
};

/** Whether messages of `schema` hold anything `plain` changes (64-bit fields or models). */
export function hasPlainConversion(schema: DescMessage): boolean {
  const conversion = conversionOf(schema);
  return conversion.isModel || conversion.fields.length > 0;
}

function convert(
  schema: DescMessage,
  message: Record<string, unknown>,
  direction: Direction,
): void {
  const conversion = conversionOf(schema);
  if (
    direction.addToJSON &&
    conversion.isModel &&
    Object.getPrototypeOf(message) === Object.prototype
  ) {
    Object.setPrototypeOf(message, conversion.prototype);
  }
  for (const field of conversion.fields) {
    const value = message[field.localName];
    if (value === undefined) continue;
    message[field.localName] = convertField(field, value, direction);
  }
  for (const oneof of schema.oneofs) {
    const selected = message[oneof.localName] as { case?: string; value?: unknown } | undefined;
    const field = oneof.fields.find((candidate) => candidate.localName === selected?.case);
    if (selected !== undefined && field !== undefined) {
      selected.value = convertField(field, selected.value, direction);
    }
  }
}

function convertField(field: DescField, value: unknown, direction: Direction): unknown {
  switch (field.fieldKind) {
    case "scalar":
      return INT64_SCALARS.has(field.scalar) ? direction.int64(value) : value;
    case "message":
      convert(field.message, value as Record<string, unknown>, direction);
      return value;
    case "list":
      if (field.listKind === "message") {
        for (const item of value as Record<string, unknown>[]) {
          convert(field.message, item, direction);
        }
        return value;
      }
      return field.listKind === "scalar" && INT64_SCALARS.has(field.scalar)
        ? (value as unknown[]).map(direction.int64)
        : value;
    case "map": {
      const entries = value as Record<string, unknown>;
      for (const key of Object.keys(entries)) {
        if (field.mapKind === "message") {
          convert(field.message, entries[key] as Record<string, unknown>, direction);
        } else if (field.mapKind === "scalar" && INT64_SCALARS.has(field.scalar)) {
          entries[key] = direction.int64(entries[key]);
        }
      }
      return value;
    }
    default:
      return value;
  }
}

function conversionOf(schema: DescMessage): Conversion {
  let conversion = conversions.get(schema.typeName);
  if (conversion === undefined) {
    // Registered before the fields are looked at, so a type that contains itself terminates.
    const fields: DescField[] = [];
    conversion = {
      isModel: isModel(schema),
      fields,
      prototype: Object.create(Object.prototype, {
        toJSON: {
          value(this: unknown) {
            return modelToJson(schema, this as never);
          },
          enumerable: false,
          configurable: true,
          writable: true,
        },
      }),
    };
    conversions.set(schema.typeName, conversion);
    for (const field of schema.fields) {
      if (field.oneof === undefined && needsVisit(field)) fields.push(field);
    }
  }
  return conversion;
}

function needsVisit(field: DescField): boolean {
  switch (field.fieldKind) {
    case "scalar":
      return INT64_SCALARS.has(field.scalar);
    case "message":
      return field.message.typeName.startsWith("plugwire.");
    case "list":
      return field.listKind === "message"
        ? field.message.typeName.startsWith("plugwire.")
        : field.listKind === "scalar" && INT64_SCALARS.has(field.scalar);
    case "map":
      return field.mapKind === "message"
        ? field.message.typeName.startsWith("plugwire.")
        : field.mapKind === "scalar" && INT64_SCALARS.has(field.scalar);
    default:
      return false;
  }
}

/** Models are the plugwire.v1 messages other than an RPC's request and response. */
function isModel(schema: DescMessage): boolean {
  return schema.typeName.startsWith("plugwire.v1.") && !/(Request|Response)$/.test(schema.name);
}

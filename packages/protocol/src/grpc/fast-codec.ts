// Protobuf encoding and decoding specialised per message type. protobuf-es's toBinary and
// fromBinary walk a message through its reflection API field by field on every call; here each
// message type is turned once, on first use, into a list of per-field closures, and messages
// are encoded in two passes (sizes, then bytes into one buffer) and decoded straight into
// protobuf-es message objects. The output is byte for byte what toBinary writes, and decoding
// gives what fromBinary gives (fast-codec.spec.ts checks both over every message of the
// protocol).
//
// Only the common shapes take this path: scalars, enums, nested messages and repeated fields
// with proto3's implicit presence, and maps from strings to scalars or enums. Anything else
// falls back to protobuf-es, as narrowly as it can: a field of another kind that is set (a
// google.protobuf.Struct, a map of messages, a proto3 `optional`) is encoded by toBinary on a
// message holding that field alone, and decoded by
// fromBinary from that field's bytes alone; a message with unknown fields, a field seen twice
// where protobuf-es would merge, or anything that does not parse as expected is handed whole
// to protobuf-es, which then also gives the error for malformed input.
import {
  create,
  type DescField,
  type DescMessage,
  fromBinary,
  isMessage as isMessageOf,
  type MessageInitShape,
  type MessageShape,
  mergeFromBinary,
  ScalarType,
  toBinary,
} from "@bufbuild/protobuf";

const IMPLICIT = 2;

/** Protobuf wire types. */
const Wire = {
  Varint: 0,
  Bit64: 1,
  LengthDelimited: 2,
  Bit32: 5,
} as const;
type Wire = (typeof Wire)[keyof typeof Wire];

/** Thrown inside a decode when protobuf-es must take the message instead. */
const fallback = new Error("fall back to protobuf-es");

type AnyMessage = Record<string, unknown> & { $typeName: string; $unknown?: unknown[] };

/** Encoding state: sizes of nested messages from pass one, read in the same order by pass two. */
interface Sizes {
  list: number[];
  next: number;
}

interface FieldCodec {
  readonly number: number;
  /** Left to protobuf-es: readMessage collects its bytes for mergeDeferred. */
  readonly deferred?: boolean;
  /** Bytes the field takes in `message` (0 when it is not written); records nested sizes. */
  size(message: AnyMessage, sizes: Sizes): number;
  /** Writes the field of `message` at `pos`; answers the position after it. */
  write(message: AnyMessage, out: Buffer, pos: number, sizes: Sizes): number;
  /** Reads one occurrence with wire type `wire` at `pos` into `target`; answers the end. */
  read(bytes: Buffer, pos: number, end: number, wire: number, target: AnyMessage): number;
}

interface MessageCodec {
  readonly desc: DescMessage;
  /** By field number; undefined for numbers this type does not have. */
  readonly byNumber: (FieldCodec | undefined)[];
  readonly fields: FieldCodec[];
  /** Makes the zero message decoding starts from; set on first use. */
  zero?: () => AnyMessage;
  /** Whether init objects encode as they are (see fastEncodeInit); set on first use. */
  initSafe?: boolean;
}

const codecs = new WeakMap<DescMessage, MessageCodec>();

function codecOf(desc: DescMessage): MessageCodec {
  let codec = codecs.get(desc);
  if (codec === undefined) {
    const fields: FieldCodec[] = [];
    const byNumber: (FieldCodec | undefined)[] = [];
    codec = { desc, fields, byNumber };
    // Registered before its fields are built, so that recursive types find it.
    codecs.set(desc, codec);
    for (const field of [...desc.fields].sort((a, b) => a.number - b.number)) {
      const fieldCodec = fieldCodecOf(desc, field);
      fields.push(fieldCodec);
      byNumber[field.number] = fieldCodec;
    }
  }
  return codec;
}

/**
 * `message` in the protobuf binary format, as protobuf-es's toBinary writes it, after `reserve`
 * bytes left for the caller (a frame's prefix), so that the message need not be copied again.
 */
export function fastEncode<D extends DescMessage>(
  desc: D,
  message: MessageShape<D>,
  reserve = 0,
): Buffer {
  const msg = message as unknown as AnyMessage;
  if (msg.$unknown !== undefined && msg.$unknown.length > 0) {
    return reserved(toBinary(desc, message), reserve);
  }
  // A value of the wrong type or out of range: protobuf-es says which, in its words.
  return twoPasses(codecOf(desc), msg, reserve) ?? reserved(toBinary(desc, message), reserve);
}

/**
 * As fastEncode, for an init object (MessageInitShape) rather than a message: what
 * `fastEncode(desc, create(desc, init))` answers. Messages made only of fields that take the
 * specialised path read the same as their init objects, with absent fields as zero, so those
 * are encoded as they are, without making the message first; anything else, or a value the
 * size pass refuses, goes through create.
 */
export function fastEncodeInit<D extends DescMessage>(
  desc: D,
  init: MessageInitShape<D>,
  reserve = 0,
): Buffer {
  const codec = codecOf(desc);
  const plain = init as unknown as AnyMessage;
  const out =
    (codec.initSafe ?? isInitSafe(codec, new Set())) || holdsMessages(codec, plain)
      ? twoPasses(codec, plain, reserve)
      : undefined;
  // Otherwise protobuf-es converts or refuses the values: create and toBinary decide.
  return out ?? fastEncode(desc, create(desc, init), reserve);
}

/**
 * The two passes of an encoding: sizes, which also checks every value so that the writing
 * cannot fail half-way, then the bytes after `reserve` free ones. Undefined when a value fails
 * the check.
 */
function twoPasses(codec: MessageCodec, message: AnyMessage, reserve: number): Buffer | undefined {
  const sizes: Sizes = { list: [], next: 0 };
  let total: number;
  try {
    total = messageSize(codec, message, sizes);
  } catch {
    return undefined;
  }
  const out = Buffer.allocUnsafe(reserve + total);
  writeMessage(codec, message, out, reserve, sizes);
  return out;
}

/**
 * Whether every field of the message, and of the messages in it, takes the specialised path:
 * then an init object's fields are read as a message's would be.
 */
function isInitSafe(codec: MessageCodec, visiting: Set<MessageCodec>): boolean {
  if (codec.initSafe !== undefined) {
    return codec.initSafe;
  }
  if (visiting.has(codec)) {
    // A recursive type: decided by its other fields.
    return true;
  }
  visiting.add(codec);
  let safe = true;
  for (const field of codec.desc.fields) {
    const nested = field.message;
    if (!isFast(field) || (nested !== undefined && !isInitSafe(codecOf(nested), visiting))) {
      safe = false;
      break;
    }
  }
  visiting.delete(codec);
  codec.initSafe = safe;
  return safe;
}

/**
 * Whether an init object of a type that is not init-safe as a whole encodes as it is: every
 * field it sets takes the specialised path, and each message in it is a message already (which
 * the codec writes whatever its fields) or of an init-safe type. Hook requests are such: init
 * objects holding the stored Post and the request's context as messages, whose types have
 * fields left to protobuf-es; they no longer go through create first.
 */
function holdsMessages(codec: MessageCodec, init: AnyMessage): boolean {
  for (const field of codec.desc.fields) {
    let value: unknown;
    if (field.oneof === undefined) {
      value = init[field.localName];
    } else {
      const holder = init[field.oneof.localName] as { case?: string; value?: unknown } | undefined;
      if (holder?.case !== field.localName) continue;
      value = holder.value;
    }
    if (value === undefined) continue;
    if (!isFast(field)) return false;
    const nested = field.message;
    if (nested === undefined) continue;
    if (field.fieldKind === "list") {
      if (!Array.isArray(value)) return false;
      for (const item of value) {
        if (!isMessageOf(item, nested) && !isInitSafe(codecOf(nested), new Set())) return false;
      }
    } else if (field.fieldKind === "map") {
      return false;
    } else if (!isMessageOf(value, nested) && !isInitSafe(codecOf(nested), new Set())) {
      return false;
    }
  }
  return true;
}

/** `bytes` after `reserve` bytes of room. */
function reserved(bytes: Uint8Array, reserve: number): Buffer {
  const out = Buffer.allocUnsafe(reserve + bytes.byteLength);
  out.set(bytes, reserve);
  return out;
}

/** The message `bytes` encode, as protobuf-es's fromBinary reads it. */
export function fastDecode<D extends DescMessage>(desc: D, bytes: Uint8Array): MessageShape<D> {
  const buffer = Buffer.isBuffer(bytes)
    ? bytes
    : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  try {
    return readMessage(codecOf(desc), buffer, 0, buffer.length) as unknown as MessageShape<D>;
  } catch {
    // Unusual input, or malformed: protobuf-es decides, and words any error.
    return fromBinary(desc, bytes);
  }
}

function messageSize(codec: MessageCodec, message: AnyMessage, sizes: Sizes): number {
  if (message.$unknown !== undefined && message.$unknown.length > 0) {
    // Written by protobuf-es, whose bytes are kept for pass two.
    const bytes = toBinary(codec.desc, message as never);
    rawBytes.set(message, bytes);
    return bytes.length;
  }
  let size = 0;
  for (const field of codec.fields) {
    size += field.size(message, sizes);
  }
  return size;
}

const noItems: readonly unknown[] = [];

/** Encodings made by protobuf-es in pass one, for pass two. */
const rawBytes = new WeakMap<object, Uint8Array>();

function writeMessage(
  codec: MessageCodec,
  message: AnyMessage,
  out: Buffer,
  pos: number,
  sizes: Sizes,
): number {
  const raw = message.$unknown !== undefined ? rawBytes.get(message) : undefined;
  if (raw !== undefined) {
    out.set(raw, pos);
    return pos + raw.length;
  }
  for (const field of codec.fields) {
    pos = field.write(message, out, pos, sizes);
  }
  return pos;
}

function readMessage(codec: MessageCodec, bytes: Buffer, pos: number, end: number): AnyMessage {
  codec.zero ??= zeroFactory(codec.desc);
  const target = codec.zero();
  /** Bytes of fields left to protobuf-es, as [start, end) ranges of `bytes`. */
  let deferred: number[] | undefined;
  while (pos < end) {
    const start = pos;
    let tag = bytes[pos++] as number;
    if (tag >= 0x80) {
      tag = readVarint32(bytes, start);
      pos = readEnd;
    }
    const number = tag >>> 3;
    const wire = tag & 7;
    const field = codec.byNumber[number];
    if (field === undefined) {
      // An unknown field: protobuf-es keeps it in $unknown.
      throw fallback;
    }
    if (field.deferred === true) {
      pos = skipField(bytes, pos, end, wire);
      deferred ??= [];
      deferred.push(start, pos);
      continue;
    }
    pos = field.read(bytes, pos, end, wire, target);
  }
  if (pos !== end) {
    throw fallback;
  }
  if (deferred !== undefined) {
    mergeDeferred(codec.desc, target, bytes, deferred);
  }
  return target;
}

/**
 * What makes the zero message of a type: protobuf-es's create(desc) answers, made faster by
 * copying a template of its immutable values and making only its mutable ones (lists, maps,
 * oneofs, bytes) anew. A type whose fields have explicit presence or defaults keeps them on
 * a prototype in protobuf-es; create still makes those.
 */
function zeroFactory(desc: DescMessage): () => AnyMessage {
  const sample = create(desc) as unknown as AnyMessage;
  if (Object.getPrototypeOf(sample) !== Object.prototype) {
    return () => create(desc) as unknown as AnyMessage;
  }
  const template: Record<string, unknown> = {};
  const fresh: [string, () => unknown][] = [];
  for (const [key, value] of Object.entries(sample)) {
    // Keys keep create's order: the mutable ones hold their place in the template.
    template[key] = typeof value === "object" ? undefined : value;
    if (Array.isArray(value)) {
      fresh.push([key, () => []]);
    } else if (value instanceof Uint8Array) {
      fresh.push([key, () => new Uint8Array(0)]);
    } else if (typeof value === "object" && value !== null && "case" in value) {
      fresh.push([key, () => ({ case: undefined })]);
    } else if (typeof value === "object" && value !== null) {
      fresh.push([key, () => ({})]);
    }
  }
  return () => {
    const message = { ...template } as AnyMessage;
    for (const [key, make] of fresh) {
      message[key] = make();
    }
    return message;
  };
}

/**
 * Has protobuf-es decode the deferred fields' bytes into `target`, whose deferred fields are
 * still zero, so merging them is setting them.
 */
function mergeDeferred(desc: DescMessage, target: AnyMessage, bytes: Buffer, ranges: number[]) {
  let deferred: Buffer;
  if (ranges.length === 2) {
    deferred = bytes.subarray(ranges[0], ranges[1]);
  } else {
    const parts: Buffer[] = [];
    for (let i = 0; i < ranges.length; i += 2) {
      parts.push(bytes.subarray(ranges[i], ranges[i + 1]));
    }
    deferred = Buffer.concat(parts);
  }
  mergeFromBinary(desc, target as never, plain(deferred));
}

/** A plain Uint8Array view of `bytes`: protobuf-es's bytes fields are views of its input. */
function plain(bytes: Buffer): Uint8Array {
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Whether a field takes the specialised path: implicit presence, and not a map. */
function isFast(field: DescField): boolean {
  if (field.oneof !== undefined) {
    return field.oneof.fields.every(
      (member) => member.fieldKind !== "map" && !isWellKnownValue(member),
    );
  }
  switch (field.fieldKind) {
    case "scalar":
    case "enum":
      return field.presence === IMPLICIT;
    case "message":
      return !field.delimitedEncoding && !isWellKnownValue(field);
    case "list":
      return field.listKind !== "message" || (!field.delimitedEncoding && !isWellKnownValue(field));
    case "map":
      return fastMapValue(field) !== undefined;
  }
}

/**
 * The value type of a map the specialised path takes: string keys, and values of a scalar type
 * that reads back as a number, string, boolean or bytes (not 64-bit integers, which depend on
 * the field's JS type), or of an enum. Other maps are left to protobuf-es.
 */
function fastMapValue(field: DescField): ScalarType | undefined {
  if (field.fieldKind !== "map" || field.mapKey !== ScalarType.STRING) {
    return undefined;
  }
  if (field.mapKind === "enum") {
    return ScalarType.INT32;
  }
  if (field.mapKind !== "scalar") {
    return undefined;
  }
  switch (field.scalar) {
    case ScalarType.INT64:
    case ScalarType.UINT64:
    case ScalarType.SINT64:
    case ScalarType.FIXED64:
    case ScalarType.SFIXED64:
      return undefined;
    default:
      return field.scalar;
  }
}

/** Message types protobuf-es represents as something other than a message (Struct as JSON). */
function isWellKnownValue(field: DescField): boolean {
  const message = field.message;
  return message?.typeName.startsWith("google.protobuf.") === true;
}

function fieldCodecOf(parent: DescMessage, field: DescField): FieldCodec {
  if (!isFast(field)) {
    return slowField(parent, field);
  }
  if (field.oneof !== undefined) {
    return oneofMember(field);
  }
  switch (field.fieldKind) {
    case "scalar":
    case "enum":
      return field.fieldKind === "scalar" && field.scalar === ScalarType.STRING
        ? singularString(field)
        : singularScalar(field, field.fieldKind === "enum" ? ScalarType.INT32 : field.scalar);
    case "message":
      return singularMessage(field, field.message);
    case "list":
      return field.listKind === "message"
        ? repeatedMessage(field, field.message)
        : repeatedScalar(field, field.listKind === "enum" ? ScalarType.INT32 : field.scalar);
    case "map": {
      const valueType = fastMapValue(field);
      return valueType === undefined ? slowField(parent, field) : stringKeyMap(field, valueType);
    }
    default:
      return slowField(parent, field);
  }
}

/**
 * A field protobuf-es writes: its bytes are those of a message holding this field alone. On
 * reading, readMessage collects its bytes and mergeDeferred has protobuf-es decode them.
 */
function slowField(parent: DescMessage, field: DescField): FieldCodec {
  const key = field.oneof?.localName ?? field.localName;
  const cache = new WeakMap<object, Uint8Array>();
  return {
    number: field.number,
    size(message) {
      const value = message[key];
      if (value === undefined) {
        return 0;
      }
      const alone = create(parent) as unknown as AnyMessage;
      alone[key] = value;
      const bytes = toBinary(parent, alone as never);
      cache.set(message, bytes);
      return bytes.length;
    },
    write(message, out, pos) {
      // Set by size() in the same encode (kept, not taken: a message may occur twice).
      const bytes = message[key] === undefined ? undefined : cache.get(message);
      if (bytes === undefined) {
        return pos;
      }
      out.set(bytes, pos);
      return pos + bytes.length;
    },
    deferred: true,
    read: () => {
      throw fallback;
    },
  };
}

function singularScalar(field: DescField, type: ScalarType): FieldCodec {
  const key = field.localName;
  const wire = wireOf(type);
  const tag = (field.number << 3) | wire;
  const tagSize = varint32Size(tag);
  const readValue = scalarReader(type);
  return {
    number: field.number,
    size(message) {
      const value = message[key];
      return value == null || isZero(type, value) ? 0 : tagSize + scalarSize(type, value);
    },
    write(message, out, pos) {
      const value = message[key];
      if (value == null || isZero(type, value)) {
        return pos;
      }
      return writeScalar(type, value, out, writeVarint32(tag, out, pos));
    },
    read(bytes, pos, end, wireType, target) {
      if (wireType !== wire) {
        throw fallback;
      }
      target[key] = readValue(bytes, pos, end);
      return readEnd;
    },
  };
}

/**
 * A string field: the commonest kind, so it has a codec of its own. The size pass keeps each
 * string's UTF-8 length for the write pass (in `sizes`, as nested messages keep theirs), which
 * then need not scan the string again.
 */
function singularString(field: DescField): FieldCodec {
  const key = field.localName;
  const tag = (field.number << 3) | Wire.LengthDelimited;
  const tagSize = varint32Size(tag);
  return {
    number: field.number,
    size(message, sizes) {
      const value = message[key];
      if (value == null || value === "") {
        return 0;
      }
      if (typeof value !== "string") {
        // protobuf-es refuses it, in its words.
        throw fallback;
      }
      const length = utf8Length(value);
      sizes.list.push(length);
      return tagSize + varint32Size(length) + length;
    },
    write(message, out, pos, sizes) {
      const value = message[key] as string | undefined;
      if (value == null || value === "") {
        return pos;
      }
      const length = sizes.list[sizes.next++] as number;
      pos = writeVarint32(length, out, writeVarint32(tag, out, pos));
      return writeUtf8(value, length, out, pos);
    },
    read(bytes, pos, end, wireType, target) {
      if (wireType !== Wire.LengthDelimited) {
        throw fallback;
      }
      target[key] = readString(bytes, pos, end);
      return readEnd;
    },
  };
}

function singularMessage(field: DescField, desc: DescMessage): FieldCodec {
  const key = field.localName;
  const tag = (field.number << 3) | Wire.LengthDelimited;
  const tagSize = varint32Size(tag);
  return {
    number: field.number,
    size(message, sizes) {
      const value = message[key] as AnyMessage | undefined;
      return value == null ? 0 : tagSize + nestedSize(desc, value, sizes);
    },
    write(message, out, pos, sizes) {
      const value = message[key] as AnyMessage | undefined;
      if (value == null) {
        return pos;
      }
      return writeNested(desc, value, out, writeVarint32(tag, out, pos), sizes);
    },
    read(bytes, pos, end, wireType, target) {
      if (wireType !== Wire.LengthDelimited || target[key] !== undefined) {
        // A second occurrence is merged into the first by protobuf-es.
        throw fallback;
      }
      target[key] = readNested(desc, bytes, pos, end);
      return readEnd;
    },
  };
}

function repeatedMessage(field: DescField, desc: DescMessage): FieldCodec {
  const key = field.localName;
  const tag = (field.number << 3) | Wire.LengthDelimited;
  const tagSize = varint32Size(tag);
  return {
    number: field.number,
    size(message, sizes) {
      let size = 0;
      for (const item of (message[key] ?? noItems) as AnyMessage[]) {
        size += tagSize + nestedSize(desc, item, sizes);
      }
      return size;
    },
    write(message, out, pos, sizes) {
      for (const item of (message[key] ?? noItems) as AnyMessage[]) {
        pos = writeNested(desc, item, out, writeVarint32(tag, out, pos), sizes);
      }
      return pos;
    },
    read(bytes, pos, end, wireType, target) {
      if (wireType !== Wire.LengthDelimited) {
        throw fallback;
      }
      (target[key] as unknown[]).push(readNested(desc, bytes, pos, end));
      return readEnd;
    },
  };
}

function repeatedScalar(field: DescField, type: ScalarType): FieldCodec {
  const key = field.localName;
  const wire = wireOf(type);
  const packed = field.fieldKind === "list" && field.packed && wire !== Wire.LengthDelimited;
  const tag = (field.number << 3) | (packed ? Wire.LengthDelimited : wire);
  const tagSize = varint32Size(tag);
  const readValue = scalarReader(type);
  return {
    number: field.number,
    size(message, sizes) {
      const list = message[key] as unknown[] | undefined;
      if (list == null || list.length === 0) {
        return 0;
      }
      let size = 0;
      for (const item of list) {
        size += scalarSize(type, item);
      }
      if (!packed) {
        return size + tagSize * list.length;
      }
      sizes.list.push(size);
      return tagSize + varint32Size(size) + size;
    },
    write(message, out, pos, sizes) {
      const list = message[key] as unknown[] | undefined;
      if (list == null || list.length === 0) {
        return pos;
      }
      if (packed) {
        pos = writeVarint32(tag, out, pos);
        pos = writeVarint32(sizes.list[sizes.next++] as number, out, pos);
        for (const item of list) {
          pos = writeScalar(type, item, out, pos);
        }
        return pos;
      }
      for (const item of list) {
        pos = writeScalar(type, item, out, writeVarint32(tag, out, pos));
      }
      return pos;
    },
    read(bytes, pos, end, wireType, target) {
      const list = target[key] as unknown[];
      if (wireType === wire) {
        list.push(readValue(bytes, pos, end));
        return readEnd;
      }
      if (wireType !== Wire.LengthDelimited) {
        throw fallback;
      }
      // Packed, whether or not the field is declared so: both forms are read.
      let at = delimited(bytes, pos, end);
      const stop = readEnd;
      while (at < stop) {
        list.push(readValue(bytes, at, stop));
        at = readEnd;
      }
      if (at !== stop) {
        throw fallback;
      }
      return stop;
    },
  };
}

/**
 * A map with string keys and scalar values, as protobuf-es writes it: one entry message per
 * key, in the object's key order, with the key (field 1) and the value (field 2) always
 * written, zero or not. Reading sets each key in turn, a later entry for a key replacing an
 * earlier one, and a missing key or value reads as zero.
 */
function stringKeyMap(field: DescField, valueType: ScalarType): FieldCodec {
  const key = field.localName;
  const tag = (field.number << 3) | Wire.LengthDelimited;
  const tagSize = varint32Size(tag);
  const keyTag = (1 << 3) | Wire.LengthDelimited;
  const valueWire = wireOf(valueType);
  const valueTag = (2 << 3) | valueWire;
  const zero = () => scalarZero(valueType);
  const readValue = scalarReader(valueType);
  return {
    number: field.number,
    size(message, sizes) {
      const map = message[key] as Record<string, unknown> | undefined;
      if (map == null) {
        return 0;
      }
      let size = 0;
      for (const name of Object.keys(map)) {
        const entry =
          1 + scalarSize(ScalarType.STRING, name) + 1 + scalarSize(valueType, map[name]);
        sizes.list.push(entry);
        size += tagSize + varint32Size(entry) + entry;
      }
      return size;
    },
    write(message, out, pos, sizes) {
      const map = message[key] as Record<string, unknown> | undefined;
      if (map == null) {
        return pos;
      }
      for (const name of Object.keys(map)) {
        pos = writeVarint32(tag, out, pos);
        pos = writeVarint32(sizes.list[sizes.next++] as number, out, pos);
        out[pos++] = keyTag;
        pos = writeScalar(ScalarType.STRING, name, out, pos);
        out[pos++] = valueTag;
        pos = writeScalar(valueType, map[name], out, pos);
      }
      return pos;
    },
    read(bytes, pos, end, wireType, target) {
      if (wireType !== Wire.LengthDelimited) {
        throw fallback;
      }
      let at = delimited(bytes, pos, end);
      const stop = readEnd;
      let name = "";
      let value: unknown;
      while (at < stop) {
        const entryTag = bytes[at++] as number;
        if (entryTag === keyTag) {
          name = readString(bytes, at, stop);
          at = readEnd;
        } else if (entryTag === valueTag) {
          value = readValue(bytes, at, stop);
          at = readEnd;
        } else {
          // Another field in the entry, or a tag of more than one byte: protobuf-es decides.
          throw fallback;
        }
      }
      if (at !== stop) {
        throw fallback;
      }
      (target[key] as Record<string, unknown>)[name] = value === undefined ? zero() : value;
      return stop;
    },
  };
}

/** The zero value of a scalar type that reads back as a number, string, boolean or bytes. */
function scalarZero(type: ScalarType): unknown {
  switch (type) {
    case ScalarType.STRING:
      return "";
    case ScalarType.BYTES:
      return new Uint8Array(0);
    case ScalarType.BOOL:
      return false;
    default:
      return 0;
  }
}

/** A member of a oneof: written when the oneof's case is this field, whatever its value. */
function oneofMember(field: DescField): FieldCodec {
  const oneofKey = (field.oneof as NonNullable<DescField["oneof"]>).localName;
  const name = field.localName;
  const isMessage = field.fieldKind === "message";
  const type = field.fieldKind === "enum" ? ScalarType.INT32 : (field.scalar ?? ScalarType.INT32);
  const wire = isMessage ? Wire.LengthDelimited : wireOf(type);
  const tag = (field.number << 3) | wire;
  const tagSize = varint32Size(tag);
  const readValue = isMessage ? undefined : scalarReader(type);
  const caseValueOf = (message: AnyMessage) => {
    const oneof = message[oneofKey] as { case: string | undefined; value?: unknown } | undefined;
    return oneof != null && oneof.case === name ? { value: oneof.value } : undefined;
  };
  return {
    number: field.number,
    size(message, sizes) {
      const set = caseValueOf(message);
      if (set === undefined) {
        return 0;
      }
      return (
        tagSize +
        (isMessage
          ? nestedSize(field.message as DescMessage, set.value as AnyMessage, sizes)
          : scalarSize(type, set.value))
      );
    },
    write(message, out, pos, sizes) {
      const set = caseValueOf(message);
      if (set === undefined) {
        return pos;
      }
      pos = writeVarint32(tag, out, pos);
      return isMessage
        ? writeNested(field.message as DescMessage, set.value as AnyMessage, out, pos, sizes)
        : writeScalar(type, set.value, out, pos);
    },
    read(bytes, pos, end, wireType, target) {
      if (wireType !== wire) {
        throw fallback;
      }
      if (isMessage && (target[oneofKey] as { case: unknown }).case === name) {
        // A second occurrence is merged into the first by protobuf-es.
        throw fallback;
      }
      const value =
        readValue === undefined
          ? readNested(field.message as DescMessage, bytes, pos, end)
          : readValue(bytes, pos, end);
      target[oneofKey] = { case: name, value };
      return readEnd;
    },
  };
}

function nestedSize(desc: DescMessage, value: AnyMessage, sizes: Sizes): number {
  const slot = sizes.list.length;
  sizes.list.push(0);
  const size = messageSize(codecOf(desc), value, sizes);
  sizes.list[slot] = size;
  return varint32Size(size) + size;
}

function writeNested(
  desc: DescMessage,
  value: AnyMessage,
  out: Buffer,
  pos: number,
  sizes: Sizes,
): number {
  const size = sizes.list[sizes.next++] as number;
  return writeMessage(codecOf(desc), value, out, writeVarint32(size, out, pos), sizes);
}

/** Reads the length-delimited message at `pos`; its end goes to readEnd. */
function readNested(desc: DescMessage, bytes: Buffer, pos: number, end: number): AnyMessage {
  const start = delimited(bytes, pos, end);
  const stop = readEnd;
  let value: AnyMessage;
  try {
    value = readMessage(codecOf(desc), bytes, start, stop);
  } catch {
    // This message alone goes to protobuf-es; the enclosing one stays on the fast path.
    value = fromBinary(desc, plain(bytes.subarray(start, stop))) as unknown as AnyMessage;
  }
  // Set after the nested reads, which moved it.
  readEnd = stop;
  return value;
}

function skipField(bytes: Buffer, pos: number, end: number, wire: number): number {
  switch (wire) {
    case Wire.Varint:
      while ((bytes[pos++] as number) >= 0x80) {
        if (pos >= end) throw fallback;
      }
      return pos;
    case Wire.Bit64:
      return pos + 8;
    case Wire.Bit32:
      return pos + 4;
    case Wire.LengthDelimited: {
      const length = readVarint32(bytes, pos);
      return readEnd + length;
    }
    default:
      throw fallback;
  }
}

// Scalars.

function wireOf(type: ScalarType): Wire {
  switch (type) {
    case ScalarType.STRING:
    case ScalarType.BYTES:
      return Wire.LengthDelimited;
    case ScalarType.DOUBLE:
    case ScalarType.FIXED64:
    case ScalarType.SFIXED64:
      return Wire.Bit64;
    case ScalarType.FLOAT:
    case ScalarType.FIXED32:
    case ScalarType.SFIXED32:
      return Wire.Bit32;
    default:
      return Wire.Varint;
  }
}

/** proto3's implicit presence: a zero value is not written. */
function isZero(type: ScalarType, value: unknown): boolean {
  switch (type) {
    case ScalarType.STRING:
      return value === "";
    case ScalarType.BYTES:
      return (value as Uint8Array).length === 0;
    case ScalarType.BOOL:
      return value === false;
    default:
      // Numbers and bigints alike; -0 counts as zero, as in protobuf-es.
      return value === 0 || value === 0n;
  }
}

/** The bytes a scalar takes; throws for a value protobuf-es would refuse to encode. */
function scalarSize(type: ScalarType, value: unknown): number {
  checkScalar(type, value);
  switch (type) {
    case ScalarType.STRING: {
      const length = utf8Length(value as string);
      return varint32Size(length) + length;
    }
    case ScalarType.BYTES: {
      const length = (value as Uint8Array).length;
      return varint32Size(length) + length;
    }
    case ScalarType.BOOL:
      return 1;
    case ScalarType.DOUBLE:
    case ScalarType.FIXED64:
    case ScalarType.SFIXED64:
      return 8;
    case ScalarType.FLOAT:
    case ScalarType.FIXED32:
    case ScalarType.SFIXED32:
      return 4;
    case ScalarType.INT32:
      return (value as number) < 0 ? 10 : varint32Size(value as number);
    case ScalarType.UINT32:
      return varint32Size((value as number) >>> 0);
    case ScalarType.SINT32:
      return varint32Size(zigzag32(value as number));
    case ScalarType.INT64:
    case ScalarType.UINT64: {
      const small = safeUnsigned(value as bigint | number);
      return small >= 0
        ? safeVarintSize(small)
        : varint64Size(BigInt.asUintN(64, BigInt(value as bigint)));
    }
    case ScalarType.SINT64:
      return varint64Size(zigzag64(BigInt(value as bigint)));
    default:
      throw fallback;
  }
}

const FLOAT32_MAX = 3.4028234663852886e38;

/** protobuf-es's checks before it writes a scalar. */
function checkScalar(type: ScalarType, value: unknown): void {
  let ok: boolean;
  switch (type) {
    case ScalarType.STRING:
      ok = typeof value === "string";
      break;
    case ScalarType.BYTES:
      ok = value instanceof Uint8Array;
      break;
    case ScalarType.BOOL:
      ok = typeof value === "boolean";
      break;
    case ScalarType.DOUBLE:
      ok = typeof value === "number";
      break;
    case ScalarType.FLOAT:
      ok =
        typeof value === "number" &&
        (!Number.isFinite(value) || (value <= FLOAT32_MAX && value >= -FLOAT32_MAX));
      break;
    case ScalarType.INT32:
    case ScalarType.SINT32:
    case ScalarType.SFIXED32:
      ok =
        Number.isInteger(value) &&
        (value as number) >= -0x80000000 &&
        (value as number) <= 0x7fffffff;
      break;
    case ScalarType.UINT32:
    case ScalarType.FIXED32:
      ok = Number.isInteger(value) && (value as number) >= 0 && (value as number) <= 0xffffffff;
      break;
    case ScalarType.INT64:
    case ScalarType.SINT64:
    case ScalarType.SFIXED64:
      // Numbers too: the SDK's plain models hold 64-bit times and counts as safe integers.
      ok =
        typeof value === "bigint"
          ? BigInt.asIntN(64, value) === value
          : Number.isSafeInteger(value);
      break;
    case ScalarType.UINT64:
    case ScalarType.FIXED64:
      ok =
        typeof value === "bigint"
          ? BigInt.asUintN(64, value) === value
          : Number.isSafeInteger(value) && (value as number) >= 0;
      break;
    default:
      ok = false;
  }
  if (!ok) {
    throw fallback;
  }
}

function writeScalar(type: ScalarType, value: unknown, out: Buffer, pos: number): number {
  switch (type) {
    case ScalarType.STRING: {
      const text = value as string;
      const length = utf8Length(text);
      return writeUtf8(text, length, out, writeVarint32(length, out, pos));
    }
    case ScalarType.BYTES: {
      const bytes = value as Uint8Array;
      pos = writeVarint32(bytes.length, out, pos);
      out.set(bytes, pos);
      return pos + bytes.length;
    }
    case ScalarType.BOOL:
      out[pos] = value ? 1 : 0;
      return pos + 1;
    case ScalarType.DOUBLE:
      return out.writeDoubleLE(value as number, pos);
    case ScalarType.FLOAT:
      return out.writeFloatLE(value as number, pos);
    case ScalarType.FIXED32:
      return out.writeUInt32LE((value as number) >>> 0, pos);
    case ScalarType.SFIXED32:
      return out.writeInt32LE(value as number, pos);
    case ScalarType.FIXED64:
      return out.writeBigUInt64LE(BigInt.asUintN(64, BigInt(value as bigint)), pos);
    case ScalarType.SFIXED64:
      return out.writeBigInt64LE(BigInt.asIntN(64, BigInt(value as bigint)), pos);
    case ScalarType.INT32:
      return (value as number) < 0
        ? writeVarint64(BigInt.asUintN(64, BigInt(value as number)), out, pos)
        : writeVarint32(value as number, out, pos);
    case ScalarType.UINT32:
      return writeVarint32((value as number) >>> 0, out, pos);
    case ScalarType.SINT32:
      return writeVarint32(zigzag32(value as number), out, pos);
    case ScalarType.INT64:
    case ScalarType.UINT64: {
      const small = safeUnsigned(value as bigint | number);
      return small >= 0
        ? writeSafeVarint(small, out, pos)
        : writeVarint64(BigInt.asUintN(64, BigInt(value as bigint)), out, pos);
    }
    case ScalarType.SINT64:
      return writeVarint64(zigzag64(BigInt(value as bigint)), out, pos);
    default:
      throw fallback;
  }
}

/** Reads one scalar at `pos`, which must end by `end`; its end goes to readEnd. */
type ScalarReader = (bytes: Buffer, pos: number, end: number) => unknown;

/** The reader of scalars of `type`, chosen once per field rather than on each read. */
function scalarReader(type: ScalarType): ScalarReader {
  switch (type) {
    case ScalarType.STRING:
      return readString;
    case ScalarType.BYTES:
      return (bytes, pos, end) => {
        const start = delimited(bytes, pos, end);
        // A plain Uint8Array view, as protobuf-es gives.
        return new Uint8Array(bytes.buffer, bytes.byteOffset + start, readEnd - start);
      };
    case ScalarType.BOOL:
      return (bytes, pos, end) => {
        const small = readShortVarint(bytes, pos, end);
        return small >= 0 ? small !== 0 : readVarint64(bytes, pos, end) !== 0n;
      };
    case ScalarType.DOUBLE:
      return (bytes, pos, end) => fixed(bytes, pos, end, 8).readDoubleLE(pos);
    case ScalarType.FLOAT:
      return (bytes, pos, end) => fixed(bytes, pos, end, 4).readFloatLE(pos);
    case ScalarType.FIXED32:
      return (bytes, pos, end) => fixed(bytes, pos, end, 4).readUInt32LE(pos);
    case ScalarType.SFIXED32:
      return (bytes, pos, end) => fixed(bytes, pos, end, 4).readInt32LE(pos);
    case ScalarType.FIXED64:
      return (bytes, pos, end) => fixed(bytes, pos, end, 8).readBigUInt64LE(pos);
    case ScalarType.SFIXED64:
      return (bytes, pos, end) => fixed(bytes, pos, end, 8).readBigInt64LE(pos);
    case ScalarType.INT32:
      return (bytes, pos, end) => {
        const small = readShortVarint(bytes, pos, end);
        return small >= 0 ? small | 0 : Number(BigInt.asIntN(32, readVarint64(bytes, pos, end)));
      };
    case ScalarType.UINT32:
      return (bytes, pos, end) => {
        const small = readShortVarint(bytes, pos, end);
        return small >= 0 ? small : Number(BigInt.asUintN(32, readVarint64(bytes, pos, end)));
      };
    case ScalarType.SINT32:
      return (bytes, pos, end) => {
        let n = readShortVarint(bytes, pos, end);
        if (n < 0) n = Number(BigInt.asUintN(32, readVarint64(bytes, pos, end)));
        return (n >>> 1) ^ -(n & 1);
      };
    case ScalarType.INT64:
      return (bytes, pos, end) => BigInt.asIntN(64, readVarint64(bytes, pos, end));
    case ScalarType.UINT64:
      return readVarint64;
    case ScalarType.SINT64:
      return (bytes, pos, end) => {
        const value = readVarint64(bytes, pos, end);
        return (value >> 1n) ^ -(value & 1n);
      };
    default:
      throw fallback;
  }
}

/** `bytes`, once sure that `size` bytes at `pos` end by `end`; readEnd is set past them. */
function fixed(bytes: Buffer, pos: number, end: number, size: number): Buffer {
  if (pos + size > end) throw fallback;
  readEnd = pos + size;
  return bytes;
}

/** Reads a length-delimited UTF-8 string; its end goes to readEnd. */
function readString(bytes: Buffer, pos: number, end: number): string {
  const start = delimited(bytes, pos, end);
  // Straight to the slice: toString's argument checks cost as much as a short string's decoding.
  return (bytes as SlicingBuffer).utf8Slice(start, readEnd);
}

/** Node's Buffer has the UTF-8 slice toString calls after its checks; its types leave it out. */
type SlicingBuffer = Buffer & { utf8Slice(start: number, end: number): string };

// Varints, UTF-8.

function varint32Size(value: number): number {
  if (value < 0x80) return 1;
  if (value < 0x4000) return 2;
  if (value < 0x200000) return 3;
  if (value < 0x10000000) return 4;
  return 5;
}

function varint64Size(value: bigint): number {
  let size = 1;
  while (value >= 0x80n) {
    value >>= 7n;
    size++;
  }
  return size;
}

/** Writes an unsigned 32-bit varint. */
function writeVarint32(value: number, out: Buffer, pos: number): number {
  while (value >= 0x80) {
    out[pos++] = (value & 0x7f) | 0x80;
    value >>>= 7;
  }
  out[pos++] = value;
  return pos;
}

/**
 * A 64-bit value (checked by checkScalar) as a number when it is a safe non-negative integer,
 * which times in ms and counts are; -1 otherwise, for the bigint path.
 */
function safeUnsigned(value: bigint | number): number {
  if (typeof value === "number") {
    return value >= 0 ? value : -1;
  }
  return value >= 0n && value <= maxSafe ? Number(value) : -1;
}

const maxSafe = BigInt(Number.MAX_SAFE_INTEGER);

/** The varint size of a safe non-negative integer, without bigints. */
function safeVarintSize(value: number): number {
  let size = 1;
  while (value >= 0x80) {
    value = Math.floor(value / 0x80);
    size++;
  }
  return size;
}

/** Writes a safe non-negative integer as a varint, without bigints. */
function writeSafeVarint(value: number, out: Buffer, pos: number): number {
  while (value >= 0x80) {
    out[pos++] = (value % 0x80) | 0x80;
    value = Math.floor(value / 0x80);
  }
  out[pos++] = value;
  return pos;
}

/** Writes an unsigned 64-bit varint. */
function writeVarint64(value: bigint, out: Buffer, pos: number): number {
  if (value <= maxSafe) {
    return writeSafeVarint(Number(value), out, pos);
  }
  while (value >= 0x80n) {
    out[pos++] = Number(value & 0x7fn) | 0x80;
    value >>= 7n;
  }
  out[pos++] = Number(value);
  return pos;
}

/**
 * Where the last read ended. Readers answer their value and leave their end here, sparing an
 * array per read; a caller takes it right after the call, before reading anything else.
 */
let readEnd = 0;

/** The start of the length-delimited bytes at `pos`, which must end by `end`; readEnd is their end. */
function delimited(bytes: Buffer, pos: number, end: number): number {
  const length = readVarint32(bytes, pos);
  const start = readEnd;
  const stop = start + length;
  if (stop > end) {
    throw fallback;
  }
  readEnd = stop;
  return start;
}

/** Reads a varint of at most 32 bits (tags and lengths); its end goes to readEnd. */
function readVarint32(bytes: Buffer, pos: number): number {
  let value = 0;
  let scale = 1;
  for (let i = 0; i < 5; i++) {
    const byte = bytes[pos++];
    if (byte === undefined) throw fallback;
    value += (byte & 0x7f) * scale;
    if (byte < 0x80) {
      if (value > 0xffffffff) throw fallback;
      readEnd = pos;
      return value;
    }
    scale *= 128;
  }
  throw fallback;
}

/**
 * Reads a varint of at most five bytes whose value fits 32 bits, without bigints: -1 when the
 * varint at `pos` is longer (a negative int32 takes ten bytes) or runs past `end`, for
 * readVarint64 to read instead. Its end goes to readEnd.
 */
function readShortVarint(bytes: Buffer, pos: number, end: number): number {
  let value = 0;
  let scale = 1;
  for (let i = 0; i < 5 && pos < end; i++) {
    const byte = bytes[pos++] as number;
    value += (byte & 0x7f) * scale;
    if (byte < 0x80) {
      if (value > 0xffffffff) return -1;
      readEnd = pos;
      return value;
    }
    scale *= 128;
  }
  return -1;
}

/**
 * Reads a varint of up to 64 bits as an unsigned bigint; its end goes to readEnd. Values of up
 * to seven bytes (49 bits: times in ms, counts) are summed as numbers, and made a bigint once.
 */
function readVarint64(bytes: Buffer, pos: number, end: number): bigint {
  let small = 0;
  let scale = 1;
  for (let at = pos, i = 0; i < 7 && at < end; i++) {
    const byte = bytes[at++] as number;
    small += (byte & 0x7f) * scale;
    if (byte < 0x80) {
      readEnd = at;
      return BigInt(small);
    }
    scale *= 128;
  }
  let value = 0n;
  for (let shift = 0n; shift < 70n; shift += 7n) {
    if (pos >= end) throw fallback;
    const byte = bytes[pos++] as number;
    value |= BigInt(byte & 0x7f) << shift;
    if (byte < 0x80) {
      readEnd = pos;
      return BigInt.asUintN(64, value);
    }
  }
  throw fallback;
}

function zigzag32(value: number): number {
  return ((value << 1) ^ (value >> 31)) >>> 0;
}

function zigzag64(value: bigint): bigint {
  return BigInt.asUintN(64, (value << 1n) ^ (BigInt.asIntN(64, value) >> 63n));
}

/** Writes `text`, whose UTF-8 length is `length`, at `pos`; answers the position after it. */
function writeUtf8(text: string, length: number, out: Buffer, pos: number): number {
  if (length !== text.length) {
    out.write(text, pos, length, "utf8");
  } else if (length <= shortAscii) {
    for (let i = 0; i < length; i++) out[pos + i] = text.charCodeAt(i);
  } else {
    // ASCII: one byte per character, copied by Node rather than a loop.
    out.write(text, pos, length, "latin1");
  }
  return pos + length;
}

/** Up to this many characters, ASCII is copied by a loop, cheaper than a call into Node. */
const shortAscii = 32;

/** The UTF-8 length of `text`; equal to its length when it is ASCII. */
function utf8Length(text: string): number {
  const length = text.length;
  for (let i = 0; i < length; i++) {
    if (text.charCodeAt(i) >= 0x80) {
      return Buffer.byteLength(text, "utf8");
    }
  }
  return length;
}

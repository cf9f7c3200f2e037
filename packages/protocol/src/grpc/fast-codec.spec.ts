// The specialised codec against protobuf-es itself, over every message of the protocol: for
// messages filled with random values of every field kind (seeded, so a failure repeats),
// fastEncode writes exactly toBinary's bytes and fastDecode reads exactly what fromBinary reads;
// unusual input (unknown fields, unpacked repeated scalars, a message field given twice,
// garbage) gives what protobuf-es gives.
import {
  create,
  type DescField,
  type DescFile,
  type DescMessage,
  fromBinary,
  type MessageShape,
  ScalarType,
  toBinary,
} from "@bufbuild/protobuf";
import { BinaryWriter, WireType } from "@bufbuild/protobuf/wire";
import { describe, expect, it } from "vitest";
import {
  file_grpc_health_v1_health,
  file_plugin_grpc_controller,
  file_plugin_grpc_stdio,
  file_plugwire_v1_api,
  file_plugwire_v1_channel,
  file_plugwire_v1_error,
  file_plugwire_v1_hooks,
  file_plugwire_v1_models,
  GetPostsForChannelResponseSchema,
  HTTPHeaderSchema,
  HTTPResponseHeadSchema,
  PostSchema,
  ServeHTTPOnceResponseSchema,
  ServeHTTPRequestSchema,
  UserSchema,
} from "../index.js";
import { fastDecode, fastEncode, fastEncodeInit } from "./fast-codec.js";

const files: DescFile[] = [
  file_plugwire_v1_models,
  file_plugwire_v1_api,
  file_plugwire_v1_hooks,
  file_plugwire_v1_error,
  file_plugwire_v1_channel,
  file_grpc_health_v1_health,
  file_plugin_grpc_controller,
  file_plugin_grpc_stdio,
];

function allMessages(): DescMessage[] {
  const found: DescMessage[] = [];
  const visit = (desc: DescMessage) => {
    found.push(desc);
    desc.nestedMessages.forEach(visit);
  };
  for (const file of files) file.messages.forEach(visit);
  return found;
}

/** A small seeded generator (mulberry32), so that a failing case comes back the same. */
function random(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    chance: (p: number) => next() < p,
    int: (max: number) => Math.floor(next() * max),
    pick: <T>(items: readonly T[]) => items[Math.floor(next() * items.length)] as T,
  };
}

type Random = ReturnType<typeof random>;

const texts = ["", "a", "hello", "ünïcødé ✓", "🙂 emoji", "x".repeat(200), "\u0000nul"];

function scalarValue(type: ScalarType, r: Random): unknown {
  const zero = r.chance(0.2);
  switch (type) {
    case ScalarType.STRING:
      return zero ? "" : r.pick(texts);
    case ScalarType.BYTES:
      return zero ? new Uint8Array(0) : new Uint8Array(r.int(300)).map(() => r.int(256));
    case ScalarType.BOOL:
      return !zero && r.chance(0.5);
    case ScalarType.DOUBLE:
    case ScalarType.FLOAT:
      return zero ? 0 : r.pick([1.5, -2.25, 1e10, 0.1, -0]);
    case ScalarType.INT32:
    case ScalarType.SINT32:
    case ScalarType.SFIXED32:
      return zero ? 0 : r.pick([1, -1, 127, 128, -129, 2147483647, -2147483648, 300]);
    case ScalarType.UINT32:
    case ScalarType.FIXED32:
      return zero ? 0 : r.pick([1, 127, 128, 16384, 4294967295]);
    case ScalarType.INT64:
    case ScalarType.SINT64:
    case ScalarType.SFIXED64:
      return zero ? 0n : r.pick([1n, -1n, 1732550400000n, -(2n ** 63n), 2n ** 63n - 1n, 2n ** 32n]);
    case ScalarType.UINT64:
    case ScalarType.FIXED64:
      return zero ? 0n : r.pick([1n, 2n ** 64n - 1n, 2n ** 32n, 1732550400000n]);
  }
}

function enumValue(field: DescField, r: Random): number {
  const values = field.enum?.values.map((v) => v.number) ?? [0];
  return r.chance(0.2) ? 0 : r.pick(values);
}

/**
 * A random init shape for `desc`; nested messages until `depth` runs out, as messages or, with
 * `plain`, as init shapes themselves.
 */
function randomInit(
  desc: DescMessage,
  r: Random,
  depth: number,
  plain = false,
): Record<string, unknown> {
  const init: Record<string, unknown> = {};
  for (const oneof of desc.oneofs) {
    if (r.chance(0.3)) continue;
    const field = r.pick(oneof.fields);
    const value = fieldValue(field, r, depth, plain);
    if (value !== undefined) init[oneof.localName] = { case: field.localName, value };
  }
  for (const field of desc.fields) {
    if (field.oneof !== undefined || r.chance(0.25)) continue;
    const value = fieldValue(field, r, depth, plain);
    if (value !== undefined) init[field.localName] = value;
  }
  return init;
}

function fieldValue(field: DescField, r: Random, depth: number, plain: boolean): unknown {
  switch (field.fieldKind) {
    case "scalar":
      return scalarValue(field.scalar, r);
    case "enum":
      return enumValue(field, r);
    case "message":
      return messageValue(field.message, r, depth, plain);
    case "list": {
      const items = Array.from({ length: r.int(4) }, () =>
        field.listKind === "scalar"
          ? scalarValue(field.scalar, r)
          : field.listKind === "enum"
            ? enumValue(field, r)
            : messageValue(field.message, r, depth, plain),
      );
      return items.filter((item) => item !== undefined);
    }
    case "map": {
      const map: Record<string, unknown> = {};
      for (let i = r.int(3); i > 0; i--) {
        const value =
          field.mapKind === "message"
            ? messageValue(field.message, r, depth, plain)
            : field.mapKind === "enum"
              ? enumValue(field, r)
              : scalarValue(field.scalar, r);
        if (value !== undefined) map[`k${i}`] = value;
      }
      return map;
    }
  }
}

function messageValue(desc: DescMessage, r: Random, depth: number, plain: boolean): unknown {
  if (depth <= 0) return undefined;
  if (desc.typeName === "google.protobuf.Struct") {
    return { a: 1, b: "two", c: [true, null], d: { e: "f" } };
  }
  if (desc.typeName.startsWith("google.protobuf.")) return undefined;
  const init = randomInit(desc, r, depth - 1, plain);
  return plain ? init : create(desc, init);
}

describe("fastEncode and fastDecode", () => {
  const messages = allMessages();

  it("cover the whole protocol", () => {
    expect(messages.length).toBeGreaterThan(100);
  });

  it("write toBinary's bytes and read fromBinary's message, for every message type", () => {
    const r = random(20261125);
    for (const desc of messages) {
      for (let round = 0; round < 20; round++) {
        const message = create(desc, randomInit(desc, r, 3));
        const expected = toBinary(desc, message);
        const written = fastEncode(desc, message);
        expect(Buffer.from(written).equals(Buffer.from(expected)), desc.typeName).toBe(true);
        expect(fastDecode(desc, expected), desc.typeName).toEqual(fromBinary(desc, expected));
      }
    }
  });

  it("give every decoded message lists and oneofs of its own", () => {
    const bytes = toBinary(
      ServeHTTPRequestSchema,
      create(ServeHTTPRequestSchema, { frame: { case: "head", value: { method: "GET" } } }),
    );
    const first = fastDecode(HTTPResponseHeadSchema, new Uint8Array(0));
    const second = fastDecode(HTTPResponseHeadSchema, new Uint8Array(0));
    first.headers.push(create(HTTPHeaderSchema, { name: "a" }));
    expect(second.headers).toEqual([]);
    const a = fastDecode(ServeHTTPRequestSchema, bytes);
    const b = fastDecode(ServeHTTPRequestSchema, new Uint8Array(0));
    expect(a.frame.case).toBe("head");
    expect(b.frame).toEqual({ case: undefined });
    expect(Object.keys(a)).toEqual(Object.keys(fromBinary(ServeHTTPRequestSchema, bytes)));
  });

  it("write maps in protobuf-es's key order, and read entries as it does", () => {
    // Integer-like keys come first in a JS object, in numeric order; the rest as added.
    const user = create(UserSchema, {
      id: "u1",
      props: { b: "1", "10": "x", a: "", "2": "y" },
      notifyProps: { email: "true" },
    });
    expect(sameBytes(UserSchema, user)).toBe(true);
    const bytes = toBinary(UserSchema, user);
    expect(fastDecode(UserSchema, bytes)).toEqual(fromBinary(UserSchema, bytes));

    // An entry without its value, one without its key, and a key given twice.
    const odd = new BinaryWriter()
      .tag(14, WireType.LengthDelimited)
      .fork()
      .tag(1, WireType.LengthDelimited)
      .string("novalue")
      .join()
      .tag(14, WireType.LengthDelimited)
      .fork()
      .tag(2, WireType.LengthDelimited)
      .string("nokey")
      .join()
      .tag(14, WireType.LengthDelimited)
      .fork()
      .tag(1, WireType.LengthDelimited)
      .string("novalue")
      .tag(2, WireType.LengthDelimited)
      .string("later")
      .join()
      .finish();
    expect(fastDecode(UserSchema, odd)).toEqual(fromBinary(UserSchema, odd));
    expect(fastDecode(UserSchema, odd).props).toEqual({ novalue: "later", "": "nokey" });
  });

  it("encode init objects as create then toBinary would, for every message type", () => {
    const r = random(20261126);
    for (const desc of messages) {
      for (let round = 0; round < 20; round++) {
        const init = randomInit(desc, r, 3, true);
        const expected = toBinary(desc, create(desc, init));
        const written = fastEncodeInit(desc, init);
        expect(written.equals(Buffer.from(expected)), desc.typeName).toBe(true);
      }
    }
  });

  it("encode init objects holding messages (as hook requests are made) as create then toBinary would", () => {
    const r = random(20261203);
    for (const desc of messages) {
      for (let round = 0; round < 20; round++) {
        const init = randomInit(desc, r, 3);
        const expected = toBinary(desc, create(desc, init));
        const written = fastEncodeInit(desc, init);
        expect(written.equals(Buffer.from(expected)), desc.typeName).toBe(true);
      }
    }
  });

  it("take init values create converts or skips: bytes as number arrays, null fields", () => {
    const init = {
      head: { status: 201, headers: [{ name: "a", value: "b" }, { name: "c" }] },
      body: [1, 2, 3] as unknown as Uint8Array,
      restId: null as unknown as number,
    };
    const expected = toBinary(
      ServeHTTPOnceResponseSchema,
      create(ServeHTTPOnceResponseSchema, init),
    );
    expect(fastEncodeInit(ServeHTTPOnceResponseSchema, init).equals(Buffer.from(expected))).toBe(
      true,
    );
  });

  it("leave `reserve` bytes free before the message", () => {
    const head = create(HTTPResponseHeadSchema, { status: 200 });
    const written = fastEncode(HTTPResponseHeadSchema, head, 5);
    expect(written.subarray(5).equals(Buffer.from(toBinary(HTTPResponseHeadSchema, head)))).toBe(
      true,
    );
    expect(
      fastEncodeInit(HTTPResponseHeadSchema, { status: 200 }, 5)
        .subarray(5)
        .equals(Buffer.from(toBinary(HTTPResponseHeadSchema, head))),
    ).toBe(true);
  });

  it("read unknown fields, unpacked repeated scalars and repeated message fields as protobuf-es", () => {
    const unknown = new BinaryWriter()
      .tag(1, WireType.LengthDelimited)
      .string("p1")
      .tag(999, WireType.Varint)
      .int32(7)
      .finish();
    expect(fastDecode(PostSchema, unknown)).toEqual(fromBinary(PostSchema, unknown));

    // Post.file_ids is a repeated string: each value its own tag; a packed int list is read
    // whether packed or not, as protobuf-es does (covered through the protocol's own fields
    // by the round trip above).
    const head = new BinaryWriter()
      .tag(1, WireType.LengthDelimited)
      .fork()
      .tag(1, WireType.LengthDelimited)
      .string("GET")
      .join()
      .tag(1, WireType.LengthDelimited)
      .fork()
      .tag(2, WireType.LengthDelimited)
      .string("/x")
      .join()
      .finish();
    // The head given twice is merged by protobuf-es.
    expect(fastDecode(ServeHTTPRequestSchema, head)).toEqual(
      fromBinary(ServeHTTPRequestSchema, head),
    );
  });

  it("leaves malformed input to protobuf-es, which says what is wrong", () => {
    const truncated = toBinary(PostSchema, create(PostSchema, { id: "p1", message: "hello" }));
    const cut = truncated.subarray(0, truncated.length - 2);
    expect(() => fastDecode(PostSchema, cut)).toThrow();
    expect(() => fastDecode(PostSchema, cut)).toThrow(
      (() => {
        try {
          fromBinary(PostSchema, cut);
        } catch (reason) {
          return (reason as Error).message;
        }
        return "no error";
      })(),
    );
  });

  it("refuses values protobuf-es refuses, with protobuf-es's error", () => {
    const head = create(HTTPResponseHeadSchema, { status: 200 });
    (head as { status: number }).status = 2 ** 40;
    const expected = (() => {
      try {
        toBinary(HTTPResponseHeadSchema, head);
      } catch (reason) {
        return (reason as Error).message;
      }
      return "no error";
    })();
    expect(expected).toContain("status");
    expect(() => fastEncode(HTTPResponseHeadSchema, head)).toThrow(expected);
  });

  it("writes 64-bit fields given as safe-integer numbers (plain models) as their bigint form", () => {
    const asBigint = create(PostSchema, { id: "p1", createAt: 1_700_000_000_123n, deleteAt: 0n });
    const asNumber = create(PostSchema, { id: "p1" });
    (asNumber as unknown as { createAt: number }).createAt = 1_700_000_000_123;
    (asNumber as unknown as { deleteAt: number }).deleteAt = 0;
    expect(Buffer.from(fastEncode(PostSchema, asNumber))).toEqual(
      Buffer.from(toBinary(PostSchema, asBigint)),
    );
    (asNumber as unknown as { createAt: number }).createAt = 1.5;
    expect(() => fastEncode(PostSchema, asNumber)).toThrow();
  });

  it("writes and reads 64-bit varints of every length as protobuf-es does, and refuses one cut short", () => {
    // Safe integers are written, and up to seven bytes (49 bits) read, as numbers; others as bigints.
    const values: bigint[] = [];
    for (let bits = 0n; bits <= 64n; bits++) {
      values.push(2n ** bits - 1n, 2n ** bits, -(2n ** bits));
    }
    for (const value of values) {
      const createAt = BigInt.asIntN(64, value);
      const post = create(PostSchema, { id: "p1", createAt });
      const bytes = toBinary(PostSchema, post);
      expect(Buffer.from(fastEncode(PostSchema, post))).toEqual(Buffer.from(bytes));
      expect(fastDecode(PostSchema, bytes).createAt).toBe(createAt);
    }
    // createAt (field 2) with a varint whose seventh byte still says "more follows".
    const cut = Uint8Array.of(0x10, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff);
    expect(() => fastDecode(PostSchema, cut)).toThrow();
  });

  it("encodes a message that occurs twice in one tree, and one with unknown fields", () => {
    // props is a google.protobuf.Struct, left to protobuf-es field by field.
    const post = create(PostSchema, { id: "p1", props: { a: 1 } });
    const twice = create(GetPostsForChannelResponseSchema, { posts: [post, post] });
    expect(sameBytes(GetPostsForChannelResponseSchema, twice)).toBe(true);

    const withUnknown = fromBinary(
      PostSchema,
      new BinaryWriter().tag(1, WireType.LengthDelimited).string("p2").tag(77, 0).int32(1).finish(),
    );
    expect(sameBytes(PostSchema, withUnknown)).toBe(true);
  });
});

function sameBytes<D extends DescMessage>(desc: D, message: MessageShape<D>): boolean {
  return Buffer.from(fastEncode(desc, message)).equals(Buffer.from(toBinary(desc, message)));
}

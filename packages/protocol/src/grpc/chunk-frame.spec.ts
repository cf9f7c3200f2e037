// A chunk-carrying message written by reference is byte for byte the frame encodeFrame makes,
// for every size around the threshold and the varint boundaries, with the body chunk's flags,
// as init objects and as messages; everything else is left to the usual encoding.
import { PassThrough } from "node:stream";
import { create, type DescMessage, fromBinary, type MessageShape } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import {
  HTTPBodyChunkSchema,
  HTTPRequestHeadSchema,
  ServeHTTPRequestSchema,
  ServeHTTPResponseSchema,
  ServeHTTPRestResponseSchema,
} from "../gen/plugwire/v1/hooks_pb.js";
import {
  chunkByReferenceBytes,
  chunkFrameParts,
  chunkSplitter,
  writeMessageFrame,
} from "./chunk-frame.js";
import { encodeFrame, encodeMessage } from "./message-codec.js";
import { MessageReader } from "./message-reader.js";

function bytes(length: number, seed: number): Uint8Array {
  const data = new Uint8Array(length);
  for (let i = 0; i < length; i++) data[i] = (i * 31 + seed) & 0xff;
  return data;
}

function written(desc: DescMessage, message: unknown): Buffer {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on("data", (chunk: Buffer) => chunks.push(chunk));
  // biome-ignore lint/suspicious/noExplicitAny: any message of the type, init or made
  writeMessageFrame(stream, desc, message as any);
  return Buffer.concat(chunks);
}

const sizes = [
  chunkByReferenceBytes - 1,
  chunkByReferenceBytes,
  chunkByReferenceBytes + 1,
  2 ** 21 - 1 - 8,
  2 ** 21 - 1,
  2 ** 21,
  64 * 1024,
  64 * 1024 + 7,
];

describe("chunkFrameParts", () => {
  for (const desc of [ServeHTTPRequestSchema, ServeHTTPResponseSchema]) {
    it(`writes ${desc.typeName}'s body chunks as encodeFrame does`, () => {
      for (const size of sizes) {
        for (const end of [undefined, false, true]) {
          for (const flush of [undefined, false, true]) {
            const data = bytes(size, size + Number(end) + 2 * Number(flush));
            const init = { frame: { case: "body" as const, value: { data, end, flush } } };
            const expected = encodeFrame(desc, init);
            expect(written(desc, init).equals(expected)).toBe(true);
            // biome-ignore lint/suspicious/noExplicitAny: the init object of either type
            const made = create(desc, init as any);
            expect(written(desc, made).equals(expected)).toBe(true);
            const parts = chunkFrameParts(desc, init);
            expect(parts === undefined).toBe(size < chunkByReferenceBytes);
            // The data is not copied.
            if (parts !== undefined) expect(parts[1]).toBe(data);
          }
        }
      }
    });
  }

  {
    const desc = ServeHTTPRestResponseSchema;
    it(`writes ${desc.typeName}, one bytes field, as encodeFrame does`, () => {
      for (const size of sizes) {
        const data = bytes(size, size);
        const expected = encodeFrame(desc, { data });
        expect(written(desc, { data }).equals(expected)).toBe(true);
        expect(written(desc, create(desc, { data })).equals(expected)).toBe(true);
        expect(chunkFrameParts(desc, { data }) === undefined).toBe(size < chunkByReferenceBytes);
      }
    });
  }

  it("leaves every other message to the usual encoding", () => {
    const head = { method: "POST", url: "/x", headers: [{ name: "a", value: "b" }] };
    expect(chunkFrameParts(ServeHTTPRequestSchema, { frame: { case: "head", value: head } })).toBe(
      undefined,
    );
    expect(chunkFrameParts(HTTPRequestHeadSchema, head)).toBe(undefined);
    const large = bytes(64 * 1024, 1);
    // A body chunk with unknown fields keeps them: the usual encoding writes them.
    const made = create(ServeHTTPRequestSchema, {
      frame: { case: "body", value: { data: large } },
    });
    made.$unknown = [{ no: 99, wireType: 0, data: new Uint8Array([1]) }];
    expect(chunkFrameParts(ServeHTTPRequestSchema, made)).toBe(undefined);
    expect(
      written(ServeHTTPRequestSchema, made).equals(encodeFrame(ServeHTTPRequestSchema, made)),
    ).toBe(true);
  });
});

describe("MessageReader with a chunk splitter", () => {
  type Request = MessageShape<typeof ServeHTTPRequestSchema>;

  function frames(): { body: Buffer; data: Buffer } {
    const chunks: Uint8Array[] = [];
    const parts: Buffer[] = [];
    const head = { method: "POST", url: "/x", headers: [] };
    parts.push(encodeFrame(ServeHTTPRequestSchema, { frame: { case: "head", value: head } }));
    for (const [i, size] of [100, 64 * 1024, 20_000, 3, 70_000, 64 * 1024].entries()) {
      const data = bytes(size, i);
      chunks.push(data);
      const flush = i === 2 || i === 4;
      parts.push(
        encodeFrame(ServeHTTPRequestSchema, { frame: { case: "body", value: { data, flush } } }),
      );
    }
    parts.push(
      encodeFrame(ServeHTTPRequestSchema, { frame: { case: "body", value: { end: true } } }),
    );
    return { body: Buffer.concat(parts), data: Buffer.concat(chunks) };
  }

  async function read(body: Buffer, cuts: number[]) {
    const source = { pause() {}, resume() {} };
    const reader = new MessageReader<Request>(
      (message) => fromBinary(ServeHTTPRequestSchema, message),
      4 * 1024 * 1024,
      source,
      {},
      chunkSplitter(ServeHTTPRequestSchema),
    );
    let at = 0;
    for (const cut of [...cuts, body.byteLength]) {
      if (cut > at) reader.push(body.subarray(at, cut));
      at = Math.max(at, cut);
    }
    reader.end();
    const messages: Request[] = [];
    for await (const message of reader) messages.push(message);
    return messages;
  }

  it("reads the same body, whatever the chunks it arrives in, without joining large chunks", async () => {
    const { body, data } = frames();
    let random = 7;
    const next = (max: number) => {
      random = (random * 1103515245 + 12345) & 0x7fffffff;
      return random % max;
    };
    const cutsList = [
      [],
      Array.from({ length: Math.ceil(body.byteLength / 16384) }, (_, i) => (i + 1) * 16384),
      Array.from({ length: body.byteLength }, (_, i) => i + 1).filter(
        (i) => i % 997 === 0 || i < 40,
      ),
    ];
    for (let round = 0; round < 20; round++) {
      const cuts: number[] = [];
      for (let at = next(70_000); at < body.byteLength; at += 1 + next(40_000)) cuts.push(at);
      cutsList.push(cuts);
    }
    for (const cuts of cutsList) {
      const messages = await read(body, cuts);
      // Eight frames; more messages when chunks were taken piece by piece.
      expect(messages.length > 8).toBe(cuts.length > 0);
      expect(messages[0]?.frame.case).toBe("head");
      const pieces: Uint8Array[] = [];
      let flushes = 0;
      for (const message of messages.slice(1, -1)) {
        if (message.frame.case !== "body") throw new Error("a body frame expected");
        expect(message.frame.value.end).toBe(false);
        pieces.push(message.frame.value.data);
        if (message.frame.value.flush) flushes++;
        // Every piece is a view of what was pushed, never a copy the size of a chunk.
        if (message.frame.value.data.byteLength >= chunkByReferenceBytes) {
          expect(message.frame.value.data.buffer).toBe(body.buffer);
        }
      }
      expect(Buffer.concat(pieces).equals(data)).toBe(true);
      expect(flushes).toBe(2);
      const last = messages.at(-1);
      expect(last?.frame.case === "body" && last.frame.value.end).toBe(true);
    }
  });

  it("fails a body that ends inside a chunk taken piece by piece", async () => {
    const { body } = frames();
    await expect(read(body.subarray(0, 30_000), [10_000])).rejects.toThrow(/incomplete envelope/);
  });

  it("reads a chunk whole when something other than its flags follows the data", async () => {
    const data = bytes(40_000, 3);
    const message = Buffer.concat([
      encodeMessage(HTTPBodyChunkSchema, { data }),
      encodeMessage(HTTPBodyChunkSchema, { data: bytes(10, 1) }),
    ]);
    const outer = Buffer.concat([Buffer.from([0x12]), varint(message.byteLength), message]);
    const prefix = Buffer.alloc(5);
    prefix.writeUInt32BE(outer.byteLength, 1);
    const messages = await read(Buffer.concat([prefix, outer]), [1000, 20_000]);
    expect(messages).toHaveLength(1);
    const only = messages[0];
    // The last data field wins, as protobuf reads it.
    expect(only?.frame.case === "body" && only.frame.value.data).toEqual(bytes(10, 1));
  });
});

function varint(value: number): Buffer {
  const out: number[] = [];
  let rest = value;
  while (rest > 0x7f) {
    out.push((rest & 0x7f) | 0x80);
    rest >>>= 7;
  }
  out.push(rest);
  return Buffer.from(out);
}

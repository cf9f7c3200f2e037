// A chunk-carrying message written by reference is byte for byte the frame encodeFrame makes,
// for every size around the threshold and the varint boundaries, with the body chunk's flags,
// as init objects and as messages; everything else is left to the usual encoding.
import { PassThrough } from "node:stream";
import { create, type DescMessage } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import {
  HTTPRequestHeadSchema,
  ServeHTTPRequestSchema,
  ServeHTTPResponseSchema,
  ServeHTTPRestResponseSchema,
} from "../gen/plugwire/v1/hooks_pb.js";
import { chunkByReferenceBytes, chunkFrameParts, writeMessageFrame } from "./chunk-frame.js";
import { encodeFrame } from "./message-codec.js";

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

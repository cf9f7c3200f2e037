// The hand-written channel frames are the generic codec's bytes, and read back what it reads,
// for every form: the common ones they write themselves, and the rest they hand on.
import { create } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { OpenRequestSchema, OpenResponseSchema } from "../gen/plugwire/v1/channel_pb.js";
import {
  decodeRequest,
  decodeResponse,
  encodeRequestFrame,
  encodeResponseFrame,
} from "./channel-frames.js";
import { decodeMessage, encodeFrame } from "./message-codec.js";

const bytesOf = (length: number) => Uint8Array.from({ length }, (_, i) => (i * 7) % 256);
/** Call ids and deadlines at each varint length, the edges of uint32 included. */
const numbers = [0, 1, 127, 128, 16_383, 16_384, 2_097_152, 268_435_456, 0xffffffff];

describe("encodeRequestFrame and decodeRequest", () => {
  const requests = numbers.flatMap((number, i) => [
    {
      callId: number,
      path: i % 2 === 0 ? "/plugwire.v1.PluginHooks/MessageHasBeenPosted" : "",
      message: bytesOf((i * 37) % 300),
      timeoutMs: numbers[(i + 3) % numbers.length],
    },
    { callId: number, path: "/plugwire.v1.PluginAPI/GetUser", message: bytesOf(0) },
  ]);

  it.each(requests)(
    "writes the generic codec's bytes (call $callId, deadline $timeoutMs)",
    (request) => {
      const frame = encodeRequestFrame(request);
      expect(Buffer.from(frame)).toEqual(Buffer.from(encodeFrame(OpenRequestSchema, request)));
      expect(decodeRequest(frame.subarray(5))).toEqual(
        decodeMessage(OpenRequestSchema, frame.subarray(5)),
      );
    },
  );

  it("hands metadata and cancels to the generic codec, both ways", () => {
    for (const request of [
      { callId: 3, path: "/p", headers: [{ name: "x-a", value: "1" }] },
      { callId: 4, cancel: true },
    ]) {
      const frame = encodeRequestFrame(request);
      expect(Buffer.from(frame)).toEqual(Buffer.from(encodeFrame(OpenRequestSchema, request)));
      expect(decodeRequest(frame.subarray(5))).toEqual(
        create(OpenRequestSchema, { headers: [], ...request }),
      );
    }
  });

  it("reads what it cannot read itself as the generic codec does, errors included", () => {
    const outcome = (read: () => unknown) => {
      try {
        return { value: read() };
      } catch (reason) {
        return { error: String(reason) };
      }
    };
    for (const bytes of [
      // A varint longer than 32 bits in call_id.
      Uint8Array.of(0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01),
      // A varint cut short.
      Uint8Array.of(0x08, 0x80),
      // A bytes field running past the end.
      Uint8Array.of(0x1a, 0x05, 0x01),
      // The path running past the end.
      Uint8Array.of(0x12, 0x05, 0x61),
      // A field this file does not know (99, varint).
      Uint8Array.of(0x98, 0x06, 0x01),
    ]) {
      expect(outcome(() => decodeRequest(bytes))).toEqual(
        outcome(() => decodeMessage(OpenRequestSchema, bytes)),
      );
    }
  });
});

describe("encodeResponseFrame and decodeResponse", () => {
  const answers = numbers.map((callId, i) => ({ callId, message: bytesOf((i * 53) % 400) }));

  it.each(answers)("writes the generic codec's bytes (call $callId)", (answer) => {
    const frame = encodeResponseFrame(answer);
    expect(Buffer.from(frame)).toEqual(Buffer.from(encodeFrame(OpenResponseSchema, answer)));
    expect(decodeResponse(frame.subarray(5))).toEqual(
      decodeMessage(OpenResponseSchema, frame.subarray(5)),
    );
  });

  it("hands metadata, trailers and use_stream to the generic codec, both ways", () => {
    for (const answer of [
      { callId: 1, message: bytesOf(3), headers: [{ name: "x-h", value: "v" }] },
      { callId: 2, trailers: [{ name: "grpc-status", value: "5" }] },
      { callId: 3, useStream: true },
    ]) {
      const frame = encodeResponseFrame(answer);
      expect(Buffer.from(frame)).toEqual(Buffer.from(encodeFrame(OpenResponseSchema, answer)));
      expect(decodeResponse(frame.subarray(5))).toEqual(
        decodeMessage(OpenResponseSchema, frame.subarray(5)),
      );
    }
  });
});

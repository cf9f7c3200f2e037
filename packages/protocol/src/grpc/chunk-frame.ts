// The frames of streaming calls that carry body data (ServeHTTP's request and response body
// chunks, ServeHTTPRest's parts, any message that is one bytes field), written without copying
// the data: encoding such a message copies its up to 64 KiB of data into a new buffer, one
// allocation and one copy per chunk on the sending side of every upload and download. Here
// the frame's prefix and the message's few bytes before the data go out as one small buffer,
// and the data itself beside it, in one vectored write. The bytes are the same as
// encodeFrame's (chunk-frame.spec.ts checks them against it).

import type { Writable } from "node:stream";
import type { DescField, DescMessage } from "@bufbuild/protobuf";
import { HTTPBodyChunkSchema } from "../gen/plugwire/v1/hooks_pb.js";
import { encodeMessage } from "./message-codec.js";
import { prefixBytes, writeFrame } from "./message-frame.js";

/** Data from this size on is written beside the frame's other bytes rather than copied. */
export const chunkByReferenceBytes = 16 * 1024;

/** How a message type carrying a chunk lays it out; null when it does not. */
type ChunkLayout =
  /** The message is one bytes field. */
  | { kind: "bytes"; tag: number; field: string }
  /** A oneof of the message holds an HTTPBodyChunk under `caseName`. */
  | { kind: "body"; tag: number; oneof: string; caseName: string };

const layouts = new WeakMap<DescMessage, ChunkLayout | null>();

function layoutOf(desc: DescMessage): ChunkLayout | null {
  let layout = layouts.get(desc);
  if (layout === undefined) {
    layout = findLayout(desc);
    layouts.set(desc, layout);
  }
  return layout;
}

function findLayout(desc: DescMessage): ChunkLayout | null {
  const { fields } = desc;
  const only = fields[0];
  if (fields.length === 1 && only !== undefined && isPlainBytes(only)) {
    return { kind: "bytes", tag: lengthDelimitedTag(only.number), field: only.localName };
  }
  for (const field of fields) {
    if (
      field.fieldKind === "message" &&
      field.oneof !== undefined &&
      field.message.typeName === HTTPBodyChunkSchema.typeName
    ) {
      return {
        kind: "body",
        tag: lengthDelimitedTag(field.number),
        oneof: field.oneof.localName,
        caseName: field.localName,
      };
    }
  }
  return null;
}

function isPlainBytes(field: DescField): boolean {
  return (
    field.fieldKind === "scalar" &&
    field.scalar === bytesScalar &&
    field.oneof === undefined &&
    !field.proto.proto3Optional
  );
}

/** ScalarType.BYTES. */
const bytesScalar = 12;

function lengthDelimitedTag(number: number): number {
  return (number << 3) | 2;
}

/** HTTPBodyChunk's own field tags: data (bytes), end and flush (bools). */
const bodyTags = (() => {
  const tag = (name: string, wire: number) => {
    const field = HTTPBodyChunkSchema.fields.find((candidate) => candidate.localName === name);
    if (field === undefined) throw new Error(`HTTPBodyChunk has no field ${name}`);
    return (field.number << 3) | wire;
  };
  return { data: tag("data", 2), end: tag("end", 0), flush: tag("flush", 0) };
})();

interface ChunkValue {
  data?: Uint8Array;
  end?: boolean;
  flush?: boolean;
  $unknown?: unknown[];
}

/**
 * The frame of `message` as [what comes before its data, the data, what comes after], when it
 * carries data of at least chunkByReferenceBytes the way a body chunk does; undefined for
 * any other message, which is encoded as usual.
 */
export function chunkFrameParts(
  desc: DescMessage,
  message: unknown,
): [Buffer, Uint8Array, Buffer | undefined] | undefined {
  const layout = layoutOf(desc);
  if (layout === null || typeof message !== "object" || message === null) {
    return undefined;
  }
  const outer = message as Record<string, unknown> & { $unknown?: unknown[] };
  if (outer.$unknown !== undefined && outer.$unknown.length > 0) {
    return undefined;
  }
  if (layout.kind === "bytes") {
    const data = outer[layout.field];
    if (!(data instanceof Uint8Array) || data.byteLength < chunkByReferenceBytes) {
      return undefined;
    }
    const length = data.byteLength;
    const head = frameHead(
      varintSize(layout.tag) + varintSize(length) + length,
      [layout.tag],
      length,
    );
    return [head, data, undefined];
  }
  const selected = outer[layout.oneof] as { case?: unknown; value?: unknown } | undefined;
  if (selected?.case !== layout.caseName || typeof selected.value !== "object") {
    return undefined;
  }
  const chunk = selected.value as ChunkValue;
  const { data } = chunk;
  if (
    !(data instanceof Uint8Array) ||
    data.byteLength < chunkByReferenceBytes ||
    (chunk.$unknown !== undefined && chunk.$unknown.length > 0) ||
    !isFlag(chunk.end) ||
    !isFlag(chunk.flush)
  ) {
    return undefined;
  }
  // After the data: end and flush, when set, in field order.
  const after: number[] = [];
  if (chunk.end === true) after.push(bodyTags.end, 1);
  if (chunk.flush === true) after.push(bodyTags.flush, 1);
  const dataLength = data.byteLength;
  const inner = varintSize(bodyTags.data) + varintSize(dataLength) + dataLength + after.length;
  const messageLength = varintSize(layout.tag) + varintSize(inner) + inner;
  const head = frameHead(messageLength, [layout.tag, inner, bodyTags.data], dataLength);
  return [head, data, after.length > 0 ? Buffer.from(after) : undefined];
}

/** A bool field as init objects and messages hold it: unset, or a boolean. */
function isFlag(value: unknown): boolean {
  return value === undefined || typeof value === "boolean";
}

/**
 * The frame's prefix for a message of `messageLength` bytes, then each of `varints` (a tag, or a
 * length), then the data's length as a varint.
 */
function frameHead(messageLength: number, varints: number[], dataLength: number): Buffer {
  let size = prefixBytes + varintSize(dataLength);
  for (const value of varints) size += varintSize(value);
  const head = Buffer.allocUnsafe(size);
  head[0] = 0;
  head.writeUInt32BE(messageLength, 1);
  let pos = prefixBytes;
  for (const value of varints) pos = writeVarint(value, head, pos);
  writeVarint(dataLength, head, pos);
  return head;
}

function varintSize(value: number): number {
  let size = 1;
  for (let rest = value >>> 7; rest !== 0; rest >>>= 7) size++;
  return size;
}

function writeVarint(value: number, out: Buffer, pos: number): number {
  let rest = value >>> 0;
  while (rest > 0x7f) {
    out[pos++] = (rest & 0x7f) | 0x80;
    rest >>>= 7;
  }
  out[pos++] = rest;
  return pos;
}

/**
 * Writes `message` as one frame on `stream`: a chunk-carrying message without copying its
 * data (chunkFrameParts), any other encoded as usual. Answers what `stream.write` answers.
 */
export function writeMessageFrame<D extends DescMessage>(
  stream: Writable,
  desc: D,
  message: Parameters<typeof encodeMessage<D>>[1],
): boolean {
  const parts = chunkFrameParts(desc, message);
  if (parts === undefined) {
    return writeFrame(stream, encodeMessage(desc, message));
  }
  const [head, data, after] = parts;
  stream.cork();
  stream.write(head);
  let more = stream.write(data);
  if (after !== undefined) more = stream.write(after);
  stream.uncork();
  return more;
}

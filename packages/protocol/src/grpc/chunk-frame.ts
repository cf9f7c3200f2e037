// The frames of streaming calls that carry body data (ServeHTTP's request and response body
// chunks, ServeHTTPRest's parts, any message that is one bytes field), written without copying
// the data: encoding such a message copies its up to 64 KiB of data into a new buffer, one
// allocation and one copy per chunk on the sending side of every upload and download. Here
// the frame's prefix and the message's few bytes before the data go out as one small buffer,
// and the data itself beside it, in one vectored write. The bytes are the same as
// encodeFrame's (chunk-frame.spec.ts checks them against it).

import type { Writable } from "node:stream";
import { create, type DescField, type DescMessage, type MessageShape } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import { HTTPBodyChunkSchema } from "../gen/plugwire/v1/hooks_pb.js";
import { decodeMessage, encodeMessage } from "./message-codec.js";
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

/**
 * How a reader takes a chunk-carrying message whose frame has not arrived whole: its data is
 * handed on piece by piece as it arrives, each piece a message of its own holding a view of the
 * bytes received (no copy, no buffer the size of the chunk), the last one with the chunk's
 * flags. A body read this way has the same bytes; only where its chunks end differs.
 */
export interface ChunkSplit<T> {
  /** Where the data starts in the message. */
  dataStart: number;
  dataLength: number;
  /** The message's bytes after the data (a body chunk's end and flush). */
  afterLength: number;
  /** The message for a piece of the data; `after`, the bytes after the data, for the last. */
  make(piece: Uint8Array, after: Uint8Array | undefined): T;
}

/**
 * Reads the start of a message of `length` bytes (`head`, what has arrived of it): its split,
 * "more" when the bytes before its data have not all arrived, or undefined when the message is
 * not one to split (it is read whole and decoded as usual).
 */
export type ChunkSplitter<T> = (
  head: Uint8Array,
  length: number,
) => ChunkSplit<T> | "more" | undefined;

const splitters = new WeakMap<DescMessage, ChunkSplitter<unknown> | null>();

/** The splitter for messages of `desc`; undefined for a type that carries no chunk. */
export function chunkSplitter<D extends DescMessage>(
  desc: D,
): ChunkSplitter<MessageShape<D>> | undefined {
  let splitter = splitters.get(desc);
  if (splitter === undefined) {
    splitter = makeSplitter(desc) ?? null;
    splitters.set(desc, splitter);
  }
  return (splitter ?? undefined) as ChunkSplitter<MessageShape<D>> | undefined;
}

function makeSplitter<D extends DescMessage>(desc: D): ChunkSplitter<MessageShape<D>> | undefined {
  const layout = layoutOf(desc);
  if (layout === null) {
    return undefined;
  }
  const template = create(desc) as unknown as Record<string, unknown>;
  if (layout.kind === "bytes") {
    const { field } = layout;
    return (head, length) => {
      const start = readLengths(head, [layout.tag]);
      if (start === undefined || start === "more") return start;
      const [pos, dataLength] = start;
      if (pos + dataLength !== length) return undefined;
      return {
        dataStart: pos,
        dataLength,
        afterLength: 0,
        make: (piece) => ({ ...template, [field]: piece }) as unknown as MessageShape<D>,
      };
    };
  }
  const chunkTemplate = create(HTTPBodyChunkSchema) as unknown as Record<string, unknown>;
  const { oneof, caseName } = layout;
  return (head, length) => {
    const outer = readLengths(head, [layout.tag]);
    if (outer === undefined || outer === "more") return outer;
    const [innerStart, innerLength] = outer;
    if (innerStart + innerLength !== length) return undefined;
    const inner = readLengths(head, [bodyTags.data], innerStart);
    if (inner === undefined || inner === "more") return inner;
    const [dataStart, dataLength] = inner;
    const afterLength = length - dataStart - dataLength;
    // Only the flags may follow the data: anything longer is read whole.
    if (afterLength < 0 || afterLength > maxAfterBytes) return undefined;
    return {
      dataStart,
      dataLength,
      afterLength,
      make(piece, after) {
        let flags: { end?: boolean; flush?: boolean } = {};
        if (after !== undefined && after.byteLength > 0) {
          const rest = decodeMessage(HTTPBodyChunkSchema, after);
          if (rest.data.byteLength > 0) {
            throw new ConnectError(
              "protocol error: a body chunk holds its data twice",
              Code.InvalidArgument,
            );
          }
          flags = { end: rest.end, flush: rest.flush };
        }
        const value = { ...chunkTemplate, data: piece, ...flags };
        return { ...template, [oneof]: { case: caseName, value } } as unknown as MessageShape<D>;
      },
    };
  };
}

/** The most a body chunk holds after its data: end and flush, as they are written. */
const maxAfterBytes = 4;

/**
 * Reads, from `pos`, one field key that must be `tags[0]` and the length after it: the
 * position after the length and the length; "more" when they have not all arrived; undefined
 * when the key is another.
 */
function readLengths(
  bytes: Uint8Array,
  tags: [number],
  pos = 0,
): [number, number] | "more" | undefined {
  const tag = readVarint(bytes, pos);
  if (tag === undefined) return "more";
  if (tag[0] !== tags[0]) return undefined;
  const length = readVarint(bytes, tag[1]);
  if (length === undefined) return "more";
  return [length[1], length[0]];
}

/** A varint of at most 32 bits at `pos`: its value and the position after it. */
function readVarint(bytes: Uint8Array, pos: number): [number, number] | undefined {
  let value = 0;
  for (let shift = 0; shift < 35; shift += 7) {
    if (pos >= bytes.byteLength) return undefined;
    const byte = bytes[pos++] as number;
    value += (byte & 0x7f) * 2 ** shift;
    if (byte < 0x80) return [value, pos];
  }
  // Longer than a length can be: not a message to split.
  return [-1, pos];
}

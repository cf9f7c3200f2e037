// The call channel's two frames in their common form, written and read by hand: a request with
// a call id, a path, a message and a deadline; an answer with a call id and a message. These
// are nearly every frame on the channel, and the generic codec spent more on them (a few µs
// each way, every call) than on the messages they carry. Any other form (metadata, a cancel,
// an error's trailers, use_stream, a field a newer peer adds) goes through the generic codec.
// The bytes are the generic codec's, field for field (spec: channel-frames.spec.ts).
import type { MessageInitShape } from "@bufbuild/protobuf";
import {
  type OpenRequest,
  OpenRequestSchema,
  type OpenResponse,
  OpenResponseSchema,
} from "../gen/plugwire/v1/channel_pb.js";
import { decodeMessage, encodeFrame } from "./message-codec.js";
import { prefixBytes } from "./message-frame.js";

type RequestInit = MessageInitShape<typeof OpenRequestSchema>;
type ResponseInit = MessageInitShape<typeof OpenResponseSchema>;

/** Field tags: (number << 3) | wire type (0 varint, 2 length-delimited). */
const callIdTag = 0x08;
const pathTag = 0x12;
const requestMessageTag = 0x1a;
const timeoutTag = 0x20;
const responseMessageTag = 0x12;

/** Paths are few (one per method called): each is encoded once. */
const pathBytes = new Map<string, Buffer>();

function encodedPath(path: string): Buffer {
  let bytes = pathBytes.get(path);
  if (bytes === undefined) {
    bytes = Buffer.from(path, "utf8");
    pathBytes.set(path, bytes);
  }
  return bytes;
}

/** A request frame (gRPC's 5-byte prefix included). */
export function encodeRequestFrame(request: RequestInit): Uint8Array {
  const { callId = 0, path = "", message, timeoutMs = 0, headers, cancel } = request;
  if ((headers !== undefined && headers.length > 0) || cancel === true) {
    return encodeFrame(OpenRequestSchema, request);
  }
  const pathField = path === "" ? undefined : encodedPath(path);
  const messageBytes = message?.byteLength ?? 0;
  let length = callId === 0 ? 0 : 1 + varintSize(callId);
  if (pathField !== undefined)
    length += 1 + varintSize(pathField.byteLength) + pathField.byteLength;
  if (messageBytes > 0) length += 1 + varintSize(messageBytes) + messageBytes;
  if (timeoutMs !== 0) length += 1 + varintSize(timeoutMs);
  const frame = Buffer.allocUnsafe(prefixBytes + length);
  frame[0] = 0;
  frame.writeUInt32BE(length, 1);
  let at = prefixBytes;
  if (callId !== 0) {
    frame[at++] = callIdTag;
    at = writeVarint(frame, at, callId);
  }
  if (pathField !== undefined) {
    frame[at++] = pathTag;
    at = writeVarint(frame, at, pathField.byteLength);
    frame.set(pathField, at);
    at += pathField.byteLength;
  }
  if (message !== undefined && messageBytes > 0) {
    frame[at++] = requestMessageTag;
    at = writeVarint(frame, at, messageBytes);
    frame.set(message, at);
    at += messageBytes;
  }
  if (timeoutMs !== 0) {
    frame[at++] = timeoutTag;
    writeVarint(frame, at, timeoutMs);
  }
  return frame;
}

/** An answer frame (gRPC's 5-byte prefix included). */
export function encodeResponseFrame(answer: ResponseInit): Uint8Array {
  const { callId = 0, message, headers, trailers, useStream } = answer;
  if (
    (headers !== undefined && headers.length > 0) ||
    (trailers !== undefined && trailers.length > 0) ||
    useStream === true
  ) {
    return encodeFrame(OpenResponseSchema, answer);
  }
  const messageBytes = message?.byteLength ?? 0;
  let length = callId === 0 ? 0 : 1 + varintSize(callId);
  if (messageBytes > 0) length += 1 + varintSize(messageBytes) + messageBytes;
  const frame = Buffer.allocUnsafe(prefixBytes + length);
  frame[0] = 0;
  frame.writeUInt32BE(length, 1);
  let at = prefixBytes;
  if (callId !== 0) {
    frame[at++] = callIdTag;
    at = writeVarint(frame, at, callId);
  }
  if (message !== undefined && messageBytes > 0) {
    frame[at++] = responseMessageTag;
    at = writeVarint(frame, at, messageBytes);
    frame.set(message, at);
  }
  return frame;
}

/** Reads a request frame's message (without its prefix). */
export function decodeRequest(bytes: Uint8Array): OpenRequest {
  const reader = new FieldReader(bytes);
  let callId = 0;
  let path = "";
  let message: Uint8Array = empty;
  let timeoutMs = 0;
  while (reader.more()) {
    const tag = reader.varint();
    if (tag === callIdTag) callId = reader.varint();
    else if (tag === pathTag) path = reader.string();
    else if (tag === requestMessageTag) message = reader.bytes();
    else if (tag === timeoutTag) timeoutMs = reader.varint();
    else return decodeMessage(OpenRequestSchema, bytes);
  }
  if (reader.failed) {
    return decodeMessage(OpenRequestSchema, bytes);
  }
  return {
    $typeName: OpenRequestSchema.typeName,
    callId,
    path,
    message,
    timeoutMs,
    headers: [],
    cancel: false,
  };
}

/** Reads an answer frame's message (without its prefix). */
export function decodeResponse(bytes: Uint8Array): OpenResponse {
  const reader = new FieldReader(bytes);
  let callId = 0;
  let message: Uint8Array = empty;
  while (reader.more()) {
    const tag = reader.varint();
    if (tag === callIdTag) callId = reader.varint();
    else if (tag === responseMessageTag) message = reader.bytes();
    else return decodeMessage(OpenResponseSchema, bytes);
  }
  if (reader.failed) {
    return decodeMessage(OpenResponseSchema, bytes);
  }
  return {
    $typeName: OpenResponseSchema.typeName,
    callId,
    message,
    headers: [],
    trailers: [],
    useStream: false,
  };
}

const empty = new Uint8Array(0);

/** Node's native UTF-8 reader of a byte range, which takes any Uint8Array as `this`. */
const utf8Slice = (Buffer.prototype as unknown as { utf8Slice: UTF8Slice }).utf8Slice;
type UTF8Slice = (this: Uint8Array, start: number, end: number) => string;

/**
 * Reads the fields of the two frames: varints of at most 32 bits, strings and bytes. Anything
 * else (a longer varint, a field running past the end) sets `failed`, and the caller reads the
 * frame with the generic codec, which says what is wrong with it.
 */
class FieldReader {
  private at = 0;
  failed = false;

  constructor(private readonly data: Uint8Array) {}

  more(): boolean {
    return !this.failed && this.at < this.data.byteLength;
  }

  varint(): number {
    const { data } = this;
    const first = data[this.at];
    if (first !== undefined && first < 0x80) {
      // One byte: tags, and most ids and lengths.
      this.at++;
      return first;
    }
    let value = 0;
    let scale = 1;
    for (let i = 0; i < 5; i++) {
      if (this.at >= data.byteLength) break;
      const byte = data[this.at++] as number;
      value += (byte & 0x7f) * scale;
      if (byte < 0x80) {
        if (value > 0xffffffff) break;
        return value;
      }
      scale *= 128;
    }
    this.failed = true;
    return 0;
  }

  bytes(): Uint8Array {
    const start = this.range();
    if (this.failed) return empty;
    // A plain view, as the generic codec gives (a Buffer's subarray would be a Buffer).
    return new Uint8Array(this.data.buffer, this.data.byteOffset + start, this.at - start);
  }

  string(): string {
    const start = this.range();
    if (this.failed) return "";
    // Straight from the bytes, without a Buffer or a view made for each string.
    return utf8Slice.call(this.data, start, this.at);
  }

  /** Reads a length and steps over that many bytes; answers where they start. */
  private range(): number {
    const length = this.varint();
    const start = this.at;
    const end = start + length;
    if (this.failed || end > this.data.byteLength) {
      this.failed = true;
      return start;
    }
    this.at = end;
    return start;
  }
}

function varintSize(value: number): number {
  let size = 1;
  while (value >= 0x80) {
    value = Math.floor(value / 128);
    size++;
  }
  return size;
}

function writeVarint(target: Buffer, at: number, value: number): number {
  let position = at;
  while (value >= 0x80) {
    target[position++] = (value & 0x7f) | 0x80;
    value = Math.floor(value / 128);
  }
  target[position++] = value;
  return position;
}

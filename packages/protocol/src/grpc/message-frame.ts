// gRPC's length-prefixed message: a flags byte (bit 0 set when compressed), the length as four
// big-endian bytes, then the message. A unary call carries exactly one in each direction, and
// neither end of a Plugwire connection compresses.
import type { Writable } from "node:stream";
import { Code, ConnectError } from "@connectrpc/connect";

/** The flags byte and the length. */
export const prefixBytes = 5;
const compressedFlag = 0b1;

/** `message` as one uncompressed length-prefixed frame. */
export function frameMessage(message: Uint8Array): Uint8Array {
  const length = message.byteLength;
  // A Buffer, which Node's streams write without wrapping it first.
  const frame = Buffer.allocUnsafe(prefixBytes + length);
  frame[0] = 0;
  frame[1] = length >>> 24;
  frame[2] = (length >>> 16) & 0xff;
  frame[3] = (length >>> 8) & 0xff;
  frame[4] = length & 0xff;
  frame.set(message, prefixBytes);
  return frame;
}

/** Messages from this size on are written beside their prefix rather than copied behind it. */
const copyBelowBytes = 16 * 1024;

/**
 * Writes `message` as one frame on `stream`; answers what `stream.write` answers (false once
 * the stream's buffer is full). A large message (a body or file chunk) is not copied: its
 * prefix and it go out in one vectored write.
 */
export function writeFrame(stream: Writable, message: Uint8Array): boolean {
  if (message.byteLength < copyBelowBytes) {
    return stream.write(frameMessage(message));
  }
  const prefix = Buffer.allocUnsafe(prefixBytes);
  prefix[0] = 0;
  prefix.writeUInt32BE(message.byteLength, 1);
  stream.cork();
  stream.write(prefix);
  const more = stream.write(message);
  stream.uncork();
  return more;
}

/**
 * The one message in a unary call's body, given as the chunks that arrived; undefined for an
 * empty body. `kind` names the message in errors, as "input" (a request) or "output".
 */
export function singleMessage(
  chunks: readonly Uint8Array[],
  readMaxBytes: number,
  kind: "input" | "output",
): Uint8Array | undefined {
  const body = chunks.length === 1 ? (chunks[0] as Uint8Array) : concat(chunks);
  if (body.byteLength === 0) {
    return undefined;
  }
  if (body.byteLength < prefixBytes) {
    throw new ConnectError("protocol error: incomplete envelope", Code.InvalidArgument);
  }
  const length = readFrameHeader(body, 0, readMaxBytes);
  const end = prefixBytes + length;
  if (body.byteLength < end) {
    throw new ConnectError(
      `protocol error: promised ${length} bytes, received ${body.byteLength - prefixBytes}`,
      Code.InvalidArgument,
    );
  }
  if (body.byteLength > end) {
    throw new ConnectError(
      `protocol error: received extra ${kind} message for unary method`,
      Code.Unimplemented,
    );
  }
  // A plain Uint8Array view, not a Buffer: decoded bytes fields are views of it, and must be
  // Uint8Arrays as Connect's are.
  return new Uint8Array(body.buffer, body.byteOffset + prefixBytes, length);
}

/**
 * The length of the message whose frame starts at `offset` (its prefix must be there), checked
 * against `readMaxBytes`; a compressed message fails, since nothing here decompresses.
 */
export function readFrameHeader(body: Uint8Array, offset: number, readMaxBytes: number): number {
  const flags = body[offset] as number;
  const length =
    (((body[offset + 1] as number) << 24) |
      ((body[offset + 2] as number) << 16) |
      ((body[offset + 3] as number) << 8) |
      (body[offset + 4] as number)) >>>
    0;
  checkMessageSize(length, readMaxBytes);
  if ((flags & compressedFlag) !== 0) {
    throw new ConnectError(
      "received compressed envelope, but do not know how to decompress",
      Code.Internal,
    );
  }
  return length;
}

/** Throws Connect's error for a message of `length` bytes over `readMaxBytes`. */
export function checkMessageSize(length: number, readMaxBytes: number): void {
  if (length > readMaxBytes) {
    throw new ConnectError(
      `message size ${length} is larger than configured readMaxBytes ${readMaxBytes}`,
      Code.ResourceExhausted,
    );
  }
}

/** How many bytes a body may reach before its message must exceed `readMaxBytes`. */
export function maxBodyBytes(readMaxBytes: number): number {
  return readMaxBytes + prefixBytes;
}

function concat(chunks: readonly Uint8Array[]): Uint8Array {
  let total = 0;
  for (const chunk of chunks) {
    total += chunk.byteLength;
  }
  const body = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}

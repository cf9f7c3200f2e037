// Protobuf encoding of the messages calls carry (fast-codec.ts: protobuf-es's format, without
// its per-call reflection), with the errors Connect raises for messages that do not encode or
// decode. An empty init object (most hook answers) encodes to no bytes without any of it.
import {
  create,
  type DescMessage,
  fromBinary,
  isMessage,
  type MessageInitShape,
  type MessageShape,
  toBinary,
} from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import { fastDecode, fastEncode, fastEncodeInit } from "./fast-codec.js";
import { prefixBytes } from "./message-frame.js";

const noBytes = new Uint8Array(0);

/**
 * A bench switch, read once at start: PLUGWIRE_CODEC=protobuf-es makes every message go
 * through protobuf-es's toBinary and fromBinary instead of fast-codec.ts, so that `npm run
 * bench` can measure what the hand-written codec pays (BENCHMARKS.md). Not meant for use
 * otherwise: the output is the same bytes either way.
 */
const protobufEsOnly = process.env.PLUGWIRE_CODEC === "protobuf-es";

/** Encodings made once for objects sent many times (keepEncoding), with the type they are of. */
const kept = new WeakMap<object, { desc: DescMessage; bytes: Uint8Array }>();

/**
 * Encodes `message` now, once, for every call that sends this same object afterwards: one hook
 * request to many plugins is encoded once rather than once per plugin. The object, and the
 * messages it holds, must not change from then on (a change would not be sent).
 */
export function keepEncoding<D extends DescMessage>(
  desc: D,
  message: MessageShape<D> | MessageInitShape<D>,
): void {
  kept.set(message, { desc, bytes: encodeMessage(desc, message) });
}

/** The binary form of a message, or of the init shape of one. */
export function encodeMessage<D extends DescMessage>(
  desc: D,
  message: MessageShape<D> | MessageInitShape<D>,
): Uint8Array {
  const encoding = kept.get(message);
  if (encoding !== undefined && encoding.desc === desc) {
    return encoding.bytes;
  }
  // An init object without fields sets nothing, and a message with nothing set is empty.
  if (!isMessage(message, desc) && isEmptyInit(message)) {
    return noBytes;
  }
  return encodeAfter(desc, message, 0);
}

/**
 * A message, or the init shape of one, as one uncompressed gRPC frame (message-frame.ts),
 * encoded straight behind its prefix.
 */
export function encodeFrame<D extends DescMessage>(
  desc: D,
  message: MessageShape<D> | MessageInitShape<D>,
): Buffer {
  const frame = encodeAfter(desc, message, prefixBytes);
  frame[0] = 0;
  frame.writeUInt32BE(frame.byteLength - prefixBytes, 1);
  return frame;
}

function encodeAfter<D extends DescMessage>(
  desc: D,
  message: MessageShape<D> | MessageInitShape<D>,
  reserve: number,
): Buffer {
  try {
    if (protobufEsOnly) {
      return protobufEsEncode(desc, message, reserve);
    }
    return isMessage(message, desc)
      ? fastEncode(desc, message, reserve)
      : fastEncodeInit(desc, message as MessageInitShape<D>, reserve);
  } catch (reason) {
    const text = reason instanceof Error ? reason.message : String(reason);
    throw new ConnectError(`serialize binary: ${text}`, Code.Internal);
  }
}

/** The message `bytes` encode. */
export function decodeMessage<D extends DescMessage>(desc: D, bytes: Uint8Array): MessageShape<D> {
  try {
    return protobufEsOnly ? fromBinary(desc, bytes) : fastDecode(desc, bytes);
  } catch (reason) {
    const text = reason instanceof Error ? reason.message : String(reason);
    throw new ConnectError(`parse binary: ${text}`, Code.Internal);
  }
}

/** toBinary's bytes, behind `reserve` bytes left free. */
function protobufEsEncode<D extends DescMessage>(
  desc: D,
  message: MessageShape<D> | MessageInitShape<D>,
  reserve: number,
): Buffer {
  const bytes = toBinary(
    desc,
    isMessage(message, desc) ? message : create(desc, message as MessageInitShape<D>),
  );
  if (reserve === 0) {
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  const out = Buffer.allocUnsafe(reserve + bytes.byteLength);
  out.set(bytes, reserve);
  return out;
}

function isEmptyInit(value: unknown): boolean {
  if (typeof value !== "object" || value === null) {
    return false;
  }
  for (const key in value) {
    if ((value as Record<string, unknown>)[key] !== undefined) {
      return false;
    }
  }
  return true;
}

// Protobuf encoding of the messages calls carry (fast-codec.ts: protobuf-es's format, without
// its per-call reflection), with the errors Connect raises for messages that do not encode or
// decode. An empty init object (most hook answers) encodes to no bytes without any of it.
import {
  type DescMessage,
  isMessage,
  type MessageInitShape,
  type MessageShape,
} from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import { fastDecode, fastEncode, fastEncodeInit } from "./fast-codec.js";
import { prefixBytes } from "./message-frame.js";

const noBytes = new Uint8Array(0);

/** The binary form of a message, or of the init shape of one. */
export function encodeMessage<D extends DescMessage>(
  desc: D,
  message: MessageShape<D> | MessageInitShape<D>,
): Uint8Array {
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
    return fastDecode(desc, bytes);
  } catch (reason) {
    const text = reason instanceof Error ? reason.message : String(reason);
    throw new ConnectError(`parse binary: ${text}`, Code.Internal);
  }
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

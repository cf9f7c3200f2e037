// The frames of a streaming call straight on a connection of its own (docs/protocol.md, "Streams
// straight on a connection"): the call's messages as gRPC's length-prefixed frames, exactly as
// on an HTTP/2 stream, and control frames beside them (the start of the call, the response
// head, the end of each side) marked by the high bit of the flags byte, each holding an
// OpenRequest (caller to callee) or an OpenResponse (callee to caller) of channel.proto.
import type { DescMessage, MessageInitShape } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import { encodeFrame } from "./message-codec.js";
import { prefixBytes } from "./message-frame.js";

/** The flags bit of a control frame. */
export const controlFlag = 0x80;

/**
 * The response header of a direct call channel's acceptance that names, comma-separated, the
 * streaming methods (as paths) the callee serves straight on a connection of their own.
 */
export const directStreamsHeader = "plugwire-direct-streams";

/** Largest control frame read: metadata only, never a message. */
export const controlMaxBytes = 64 * 1024;

/**
 * How much a writer queues on its connection before it waits for it to drain: the window of a
 * stream straight on a connection, on top of what the socket itself buffers. The reader pauses
 * the connection once as much waits unread on its side (message-reader.ts), so each end holds
 * at most this much of a stream, whatever the other does.
 */
export const directStreamWindowBytes = 1024 * 1024;

/** `message` as a control frame. */
export function controlFrame<D extends DescMessage>(desc: D, message: MessageInitShape<D>): Buffer {
  const frame = encodeFrame(desc, message);
  frame[0] = controlFlag;
  return frame;
}

/**
 * Cuts what arrives on a direct stream's connection into control frames, handed on whole, and
 * the bytes of message frames, handed on as they come (prefixes included, in runs as long as
 * each chunk allows, without copying): the call's message reader cuts those into messages.
 */
export class StreamDemux {
  /** The prefix of the frame being read, as far as it has arrived. */
  private readonly prefix = Buffer.alloc(prefixBytes);
  private prefixHave = 0;
  private control = false;
  /** The bytes left of the current frame's message, once its prefix is whole. */
  private left = 0;
  /** What has arrived of a control frame's message. */
  private parts: Buffer[] = [];

  /**
   * @param onData bytes of message frames, as views of the chunks that arrived
   * @param onControl a control frame's message, whole
   */
  constructor(
    private readonly onData: (bytes: Buffer) => void,
    private readonly onControl: (message: Uint8Array) => void,
  ) {}

  /** Whether a frame has begun and not ended. */
  get inFrame(): boolean {
    return this.prefixHave > 0;
  }

  /** Takes a chunk; throws for a control frame over controlMaxBytes. */
  push(chunk: Buffer): void {
    const length = chunk.byteLength;
    let pos = 0;
    /** Where the current run of message-frame bytes started in `chunk`, or -1. */
    let run = this.prefixHave > 0 && !this.control ? 0 : -1;
    while (pos < length) {
      if (this.prefixHave < prefixBytes) {
        if (this.prefixHave === 0) {
          this.control = ((chunk[pos] as number) & controlFlag) !== 0;
          if (!this.control && run < 0) run = pos;
          if (this.control && run >= 0) {
            this.onData(chunk.subarray(run, pos));
            run = -1;
          }
        }
        const take = Math.min(prefixBytes - this.prefixHave, length - pos);
        chunk.copy(this.prefix, this.prefixHave, pos, pos + take);
        this.prefixHave += take;
        pos += take;
        if (this.prefixHave === prefixBytes) {
          this.left = this.prefix.readUInt32BE(1);
          if (this.control && this.left > controlMaxBytes) {
            throw new ConnectError(
              `a control frame of ${this.left} bytes is larger than ${controlMaxBytes}`,
              Code.ResourceExhausted,
            );
          }
          if (this.left === 0) this.frameDone();
        }
        continue;
      }
      const take = Math.min(this.left, length - pos);
      if (this.control) this.parts.push(chunk.subarray(pos, pos + take));
      this.left -= take;
      pos += take;
      if (this.left === 0) this.frameDone();
    }
    if (run >= 0) this.onData(run === 0 ? chunk : chunk.subarray(run));
  }

  private frameDone(): void {
    this.prefixHave = 0;
    if (!this.control) return;
    const parts = this.parts;
    this.parts = [];
    this.onControl(
      parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts as Uint8Array[]),
    );
  }
}

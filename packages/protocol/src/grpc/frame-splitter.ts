// Cuts a long-lived stream's chunks into gRPC frames (message-frame.ts) as they arrive, for the
// call channel, whose messages are handled one by one as soon as each is whole. A frame split
// over many chunks is joined once, when its last byte arrives.
import { prefixBytes, readFrameHeader } from "./message-frame.js";

export class FrameSplitter {
  /** The start of a frame whose end has not arrived yet. */
  private partial: Buffer[] = [];
  private partialBytes = 0;

  /**
   * @param readMaxBytes largest message accepted; a larger one throws from push()
   * @param onMessage receives each message (without its prefix), as a view of the chunk
   */
  constructor(
    private readonly readMaxBytes: number,
    private readonly onMessage: (message: Uint8Array) => void,
  ) {}

  /** Takes a chunk; throws Connect's error for a frame over readMaxBytes or compressed. */
  push(chunk: Buffer): void {
    let data = chunk;
    if (this.partialBytes > 0) {
      this.partial.push(chunk);
      this.partialBytes += chunk.byteLength;
      const needed = this.frameBytes();
      if (needed === undefined || this.partialBytes < needed) {
        return;
      }
      data = Buffer.concat(this.partial, this.partialBytes);
      this.partial = [];
      this.partialBytes = 0;
    }
    let offset = 0;
    while (data.byteLength - offset >= prefixBytes) {
      const end = offset + prefixBytes + readFrameHeader(data, offset, this.readMaxBytes);
      if (end > data.byteLength) {
        break;
      }
      this.onMessage(
        new Uint8Array(
          data.buffer,
          data.byteOffset + offset + prefixBytes,
          end - offset - prefixBytes,
        ),
      );
      offset = end;
    }
    if (offset < data.byteLength) {
      const rest = data.subarray(offset);
      this.partial.push(rest);
      this.partialBytes = rest.byteLength;
    }
  }

  /** The whole size of the partial frame, once its prefix has arrived. */
  private frameBytes(): number | undefined {
    if (this.partialBytes < prefixBytes) {
      return undefined;
    }
    const head =
      (this.partial[0] as Buffer).byteLength >= prefixBytes
        ? (this.partial[0] as Buffer)
        : Buffer.concat(this.partial, this.partialBytes);
    return prefixBytes + readFrameHeader(head, 0, this.readMaxBytes);
  }
}

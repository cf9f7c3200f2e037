// The messages of a streaming call's body as an async iterator: the body's chunks are cut into
// gRPC frames as they arrive (message-frame.ts has the format), and each frame is decoded when
// the reader asks for it. While frames worth more than a stream window wait to be read, the
// source is paused, so HTTP/2 flow control holds the sender back instead of memory filling up.
import { Code, ConnectError } from "@connectrpc/connect";
import { prefixBytes, readFrameHeader } from "./message-frame.js";
import { streamWindowBytes } from "./session-settings.js";

/** What the reader pauses and resumes: the HTTP/2 stream the chunks come from. */
export interface FlowSource {
  pause(): unknown;
  resume(): unknown;
}

type Waiter<T> = {
  resolve: (result: IteratorResult<T>) => void;
  reject: (reason: unknown) => void;
};

const done: IteratorResult<never> = { done: true, value: undefined };

/**
 * What a waiting frame counts against the window: its bytes, its prefix, and about what the
 * view object costs, so that a flood of empty frames pauses the source too.
 */
function frameCost(length: number): number {
  return length + prefixBytes + 64;
}

export class MessageReader<T> implements AsyncIterableIterator<T> {
  /** Whole frames' messages, not yet read. */
  private readonly frames: Uint8Array[] = [];
  private queuedBytes = 0;
  /** The start of a frame whose end has not arrived, in pieces. */
  private partial: Buffer[] = [];
  private partialBytes = 0;
  /** The partial frame's whole size, prefix included, once its prefix is known. */
  private partialLength: number | undefined;
  private paused = false;
  /** Set once no frame will follow: undefined for a clean end, else the error to throw. */
  private ending: { error: unknown } | undefined;
  /** Reads waiting for a frame, in the order they were made. */
  private readonly waiters: Waiter<T>[] = [];

  /**
   * @param decode turns a message's bytes into the message; what it throws is thrown to the reader
   * @param owner `onReturn` is called when the reader stops before the end (`return()` or
   *   `break`), `onError` when the body turns out malformed (a frame over readMaxBytes, a
   *   compressed or undecodable message), so that the owner can end the call too
   */
  constructor(
    private readonly decode: (bytes: Uint8Array) => T,
    private readonly readMaxBytes: number,
    private readonly source: FlowSource,
    private readonly owner: { onReturn?: () => void; onError?: (error: unknown) => void } = {},
  ) {}

  [Symbol.asyncIterator](): this {
    return this;
  }

  /** Takes a chunk of the body. A malformed frame ends the reader with its error. */
  push(chunk: Buffer): void {
    if (this.ending !== undefined) {
      return;
    }
    try {
      this.cut(chunk);
    } catch (reason) {
      this.malformed(reason);
      return;
    }
    if (this.queuedBytes >= streamWindowBytes && !this.paused) {
      this.paused = true;
      this.source.pause();
    }
    this.wake();
  }

  /** The body ended: the frames already taken are read, then the reader is done. */
  end(): void {
    if (this.ending !== undefined) {
      return;
    }
    if (this.partialBytes > 0) {
      this.fail(new ConnectError("protocol error: incomplete envelope", Code.InvalidArgument));
      return;
    }
    this.ending = { error: undefined };
    this.wake();
  }

  /**
   * Ends the reader with `error`, thrown to its next read; frames not yet read are dropped.
   * Replaces a clean end only while frames of it are still unread; after that, changes nothing.
   */
  fail(error: unknown): void {
    if (this.ending !== undefined && this.frames.length === 0) {
      return;
    }
    this.frames.length = 0;
    this.queuedBytes = 0;
    this.ending = { error: error ?? new Error("the stream failed") };
    this.wake();
  }

  next(): Promise<IteratorResult<T>> {
    const result = this.waiters.length === 0 ? this.take() : undefined;
    if (result !== undefined) {
      return result;
    }
    return new Promise((resolve, reject) => {
      this.waiters.push({ resolve, reject });
    });
  }

  return(): Promise<IteratorResult<T>> {
    const stoppedEarly = this.ending === undefined;
    this.frames.length = 0;
    this.queuedBytes = 0;
    this.ending = { error: undefined };
    // What arrives from now on is dropped as it comes, so the sender can finish.
    if (this.paused) {
      this.paused = false;
      this.source.resume();
    }
    // Reads still waiting see the end.
    this.wake();
    if (stoppedEarly) {
      this.owner.onReturn?.();
    }
    return Promise.resolve(done);
  }

  /** Fails the reader for what the body holds, and tells the owner. */
  private malformed(reason: unknown): void {
    this.fail(reason);
    this.owner.onError?.(reason);
  }

  /** The next result, if one is ready. */
  private take(): Promise<IteratorResult<T>> | undefined {
    const frame = this.frames.shift();
    if (frame !== undefined) {
      this.queuedBytes -= frameCost(frame.byteLength);
      if (this.paused && this.queuedBytes < streamWindowBytes) {
        this.paused = false;
        this.source.resume();
      }
      try {
        return Promise.resolve({ done: false, value: this.decode(frame) });
      } catch (reason) {
        // Thrown to this read; later reads see the end, and the owner's call ends with it.
        this.frames.length = 0;
        this.queuedBytes = 0;
        this.ending = { error: undefined };
        this.owner.onError?.(reason);
        return Promise.reject(reason);
      }
    }
    const ending = this.ending;
    if (ending === undefined) {
      return undefined;
    }
    if (ending.error !== undefined) {
      // Thrown once; later reads see the end.
      this.ending = { error: undefined };
      return Promise.reject(ending.error);
    }
    return Promise.resolve(done);
  }

  private wake(): void {
    while (this.waiters.length > 0) {
      const result = this.take();
      if (result === undefined) {
        return;
      }
      const waiter = this.waiters.shift() as Waiter<T>;
      result.then(waiter.resolve, waiter.reject);
    }
  }

  /** Cuts `chunk`, with what is left of earlier chunks, into whole frames. */
  private cut(chunk: Buffer): void {
    let buffer = chunk;
    if (this.partialBytes > 0) {
      this.partial.push(chunk);
      this.partialBytes += chunk.byteLength;
      const needed = this.partialNeeds();
      if (needed === undefined || this.partialBytes < needed) {
        return;
      }
      buffer = Buffer.concat(this.partial, this.partialBytes);
      this.partial = [];
      this.partialBytes = 0;
      this.partialLength = undefined;
    }
    let offset = 0;
    while (buffer.byteLength - offset >= prefixBytes) {
      const length = readFrameHeader(buffer, offset, this.readMaxBytes);
      const end = offset + prefixBytes + length;
      if (end > buffer.byteLength) {
        break;
      }
      // A plain Uint8Array view, as in singleMessage: decoded bytes fields are views of it.
      this.frames.push(
        new Uint8Array(buffer.buffer, buffer.byteOffset + offset + prefixBytes, length),
      );
      this.queuedBytes += frameCost(length);
      offset = end;
    }
    if (offset < buffer.byteLength) {
      const rest = buffer.subarray(offset);
      this.partial.push(rest);
      this.partialBytes = rest.byteLength;
      // Checks the prefix now, so an oversized message fails before its bytes arrive.
      this.partialNeeds();
    }
  }

  /** How many bytes the partial frame needs in all, once its prefix has arrived. */
  private partialNeeds(): number | undefined {
    if (this.partialLength === undefined && this.partialBytes >= prefixBytes) {
      if ((this.partial[0] as Buffer).byteLength < prefixBytes) {
        // Joined once, so that a prefix arriving a byte at a time is not joined again and again.
        this.partial = [Buffer.concat(this.partial, this.partialBytes)];
      }
      const head = this.partial[0] as Buffer;
      this.partialLength = prefixBytes + readFrameHeader(head, 0, this.readMaxBytes);
    }
    return this.partialLength;
  }
}

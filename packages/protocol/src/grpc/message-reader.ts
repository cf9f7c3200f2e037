// The messages of a streaming call's body as an async iterator: the body's chunks are cut into
// gRPC frames as they arrive (message-frame.ts has the format), and each frame is decoded when
// the reader asks for it. While frames worth more than a stream window wait to be read, the
// source is paused, so HTTP/2 flow control holds the sender back instead of memory filling up.
import { Code, ConnectError } from "@connectrpc/connect";
import { type ChunkSplit, type ChunkSplitter, chunkByReferenceBytes } from "./chunk-frame.js";
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

/** A message made already: a piece of a chunk taken as it arrived (chunk-frame.ts). */
class Made<T> {
  constructor(
    readonly value: T,
    readonly bytes: number,
  ) {}
}

/** A chunk being taken piece by piece: what is left of its data and of the bytes after it. */
interface Splitting<T> {
  split: ChunkSplit<T>;
  dataLeft: number;
  afterLeft: number;
  /** The data's last piece, held until the bytes after it (its flags) have arrived. */
  last: Uint8Array | undefined;
  after: Buffer[];
}

export class MessageReader<T> implements AsyncIterableIterator<T> {
  /** Whole frames' messages, not yet read, and pieces of chunks made already. */
  private readonly frames: (Uint8Array | Made<T>)[] = [];
  private queuedBytes = 0;
  /** The start of a frame whose end has not arrived, in pieces. */
  private partial: Buffer[] = [];
  private partialBytes = 0;
  /** The partial frame's whole size, prefix included, once its prefix is known. */
  private partialLength: number | undefined;
  /** Whether the partial frame was found not to be a chunk to take piece by piece. */
  private partialWhole = false;
  /** The chunk being taken piece by piece, if any. */
  private splitting: Splitting<T> | undefined;
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
   * @param splitter for a message type that carries body chunks (chunk-frame.ts): a large
   *   chunk whose frame has not arrived whole is read piece by piece instead of being joined
   */
  constructor(
    private readonly decode: (bytes: Uint8Array) => T,
    private readonly readMaxBytes: number,
    private readonly source: FlowSource,
    private readonly owner: { onReturn?: () => void; onError?: (error: unknown) => void } = {},
    private readonly splitter?: ChunkSplitter<T>,
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
    if (this.partialBytes > 0 || this.splitting !== undefined) {
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

  /**
   * Fails the reader for what the body holds, and tells the owner. The frames before the
   * malformed one are read first, as they came, however the chunks fell.
   */
  private malformed(reason: unknown): void {
    if (this.ending === undefined) this.ending = { error: reason };
    this.wake();
    this.owner.onError?.(reason);
  }

  /** The next result, if one is ready. */
  private take(): Promise<IteratorResult<T>> | undefined {
    const frame = this.frames.shift();
    if (frame instanceof Made) {
      this.dequeued(frame.bytes);
      return Promise.resolve({ done: false, value: frame.value });
    }
    if (frame !== undefined) {
      this.dequeued(frame.byteLength);
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

  /** A frame of `length` bytes left the queue: the source resumes once there is room. */
  private dequeued(length: number): void {
    this.queuedBytes -= frameCost(length);
    if (this.paused && this.queuedBytes < streamWindowBytes) {
      this.paused = false;
      this.source.resume();
    }
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
    let offset = 0;
    if (this.splitting !== undefined) {
      offset = this.splitMore(buffer, 0);
      if (offset === buffer.byteLength) {
        return;
      }
    }
    if (this.partialBytes > 0) {
      const rest = offset === 0 ? buffer : buffer.subarray(offset);
      this.partial.push(rest);
      this.partialBytes += rest.byteLength;
      const needed = this.partialNeeds();
      if (needed === undefined) {
        return;
      }
      if (this.partialBytes < needed) {
        this.splitPartial(needed);
        return;
      }
      buffer = Buffer.concat(this.partial, this.partialBytes);
      offset = 0;
      this.clearPartial();
    }
    while (buffer.byteLength - offset >= prefixBytes) {
      const length = readFrameHeader(buffer, offset, this.readMaxBytes);
      const end = offset + prefixBytes + length;
      if (end > buffer.byteLength) {
        const taken = this.startSplit(buffer, offset, length);
        if (taken === "whole") {
          this.partialWhole = true;
        } else if (taken !== undefined) {
          offset = taken;
        }
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

  private clearPartial(): void {
    this.partial = [];
    this.partialBytes = 0;
    this.partialLength = undefined;
    this.partialWhole = false;
  }

  /**
   * Starts taking the frame of a `length`-byte message at `offset` of `buffer` piece by piece,
   * if it is a large chunk whose bytes before the data are all there: the position after what
   * it took (the end of `buffer`); "whole" when the frame is to be read whole; undefined when
   * too little of it has arrived to tell.
   */
  private startSplit(buffer: Buffer, offset: number, length: number): number | "whole" | undefined {
    if (this.splitter === undefined || length < chunkByReferenceBytes) {
      return "whole";
    }
    const start = offset + prefixBytes;
    const split = this.splitter(
      new Uint8Array(buffer.buffer, buffer.byteOffset + start, buffer.byteLength - start),
      length,
    );
    if (split === "more") {
      return undefined;
    }
    if (split === undefined) {
      return "whole";
    }
    this.splitting = {
      split,
      dataLeft: split.dataLength,
      afterLeft: split.afterLength,
      last: undefined,
      after: [],
    };
    return this.splitMore(buffer, start + split.dataStart);
  }

  /**
   * The frame in `partial` has not arrived whole: unless it is known to be read whole, it is
   * taken piece by piece from now on once its bytes before the data are there. The pieces held
   * are joined first, which copies at most what arrived since the frame's start.
   */
  private splitPartial(needed: number): void {
    if (this.partialWhole || this.splitter === undefined) {
      return;
    }
    const joined = Buffer.concat(this.partial, this.partialBytes);
    const taken = this.startSplit(joined, 0, needed - prefixBytes);
    if (taken === "whole") {
      this.partial = [joined];
      this.partialWhole = true;
    } else if (taken === undefined) {
      this.partial = [joined];
    } else {
      this.clearPartial();
    }
  }

  /** Takes what `buffer` holds, from `at`, of the chunk being split; answers where it stopped. */
  private splitMore(buffer: Buffer, at: number): number {
    const splitting = this.splitting as Splitting<T>;
    const { split } = splitting;
    let pos = at;
    if (splitting.dataLeft > 0 && pos < buffer.byteLength) {
      const take = Math.min(splitting.dataLeft, buffer.byteLength - pos);
      splitting.dataLeft -= take;
      const piece = new Uint8Array(buffer.buffer, buffer.byteOffset + pos, take);
      pos += take;
      if (splitting.dataLeft > 0) {
        this.made(split.make(piece, undefined), take);
      } else {
        splitting.last = piece;
      }
    }
    if (splitting.dataLeft === 0 && splitting.afterLeft > 0 && pos < buffer.byteLength) {
      const take = Math.min(splitting.afterLeft, buffer.byteLength - pos);
      splitting.after.push(buffer.subarray(pos, pos + take));
      splitting.afterLeft -= take;
      pos += take;
    }
    if (splitting.dataLeft === 0 && splitting.afterLeft === 0) {
      this.splitting = undefined;
      const last = splitting.last as Uint8Array;
      const after = splitting.after.length > 0 ? Buffer.concat(splitting.after) : undefined;
      this.made(split.make(last, after), last.byteLength);
    }
    return pos;
  }

  private made(message: T, bytes: number): void {
    this.frames.push(new Made(message, bytes));
    this.queuedBytes += frameCost(bytes);
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

// What a plugin process writes. Stdout belongs to the handshake alone, so once a host started
// the process every write to process.stdout goes to stderr instead; and every write to either
// stream is also offered to GRPCStdio/StreamStdio subscribers, as go-plugin does.
import type { MessageInitShape } from "@bufbuild/protobuf";
import {
  MAGIC_COOKIE_KEY,
  MAGIC_COOKIE_VALUE,
  StreamStdioResponse_Channel as StdioChannel,
  type StreamStdioResponseSchema,
} from "@plugwire/protocol";

type StdioFrame = MessageInitShape<typeof StreamStdioResponseSchema>;

/** Frames kept per subscriber that is not reading; later ones are dropped, not buffered forever. */
const maxQueuedFrames = 1024;

interface Subscriber {
  queue: StdioFrame[];
  wake: (() => void) | undefined;
}

/** Hands every write to the streams of the current subscribers. */
export class StdioRelay {
  readonly #subscribers = new Set<Subscriber>();
  #closed = false;

  /** Offers one write to every subscriber; costs nothing while there is none. */
  publish(channel: StdioChannel, chunk: string | Uint8Array, encoding?: BufferEncoding): void {
    if (this.#subscribers.size === 0) {
      return;
    }
    // Copied: the writer may reuse its buffer once write() returns.
    const data = typeof chunk === "string" ? Buffer.from(chunk, encoding) : new Uint8Array(chunk);
    for (const subscriber of this.#subscribers) {
      if (subscriber.queue.length < maxQueuedFrames) {
        subscriber.queue.push({ channel, data });
      }
      subscriber.wake?.();
    }
  }

  /** The writes made from now on, until `signal` aborts or the relay closes. */
  async *subscribe(signal: AbortSignal): AsyncGenerator<StdioFrame> {
    const subscriber: Subscriber = { queue: [], wake: undefined };
    const wake = () => subscriber.wake?.();
    this.#subscribers.add(subscriber);
    signal.addEventListener("abort", wake);
    try {
      for (;;) {
        const frame = subscriber.queue.shift();
        if (frame !== undefined) {
          yield frame;
        } else if (signal.aborted || this.#closed) {
          return;
        } else {
          await new Promise<void>((resolve) => {
            subscriber.wake = resolve;
          });
          subscriber.wake = undefined;
        }
      }
    } finally {
      this.#subscribers.delete(subscriber);
      signal.removeEventListener("abort", wake);
    }
  }

  /** Ends every subscription once its queued writes are sent, e.g. at shutdown. */
  close(): void {
    this.#closed = true;
    for (const subscriber of this.#subscribers) {
      subscriber.wake?.();
    }
  }
}

/** The subset of a stream whose writes are captured. */
export interface WritableLike {
  write: NodeJS.WriteStream["write"];
}

/**
 * Sends writes to `stdout` to `stderr` instead, and offers writes to either stream to `relay`
 * (tagged with the stream the code wrote to).
 */
export function captureOutput(relay: StdioRelay, stdout: WritableLike, stderr: WritableLike): void {
  const writeStderr = stderr.write.bind(stderr) as (...args: unknown[]) => boolean;
  stdout.write = capture(relay, StdioChannel.STDOUT, writeStderr);
  stderr.write = capture(relay, StdioChannel.STDERR, writeStderr);
}

function capture(
  relay: StdioRelay,
  channel: StdioChannel,
  write: (...args: unknown[]) => boolean,
): NodeJS.WriteStream["write"] {
  return ((chunk: string | Uint8Array, encoding?: unknown, callback?: unknown) => {
    relay.publish(
      channel,
      chunk,
      typeof encoding === "string" ? (encoding as BufferEncoding) : undefined,
    );
    return write(chunk, encoding, callback);
  }) as NodeJS.WriteStream["write"];
}

/** The relay of this process's own stdout and stderr. */
export const processStdio = new StdioRelay();

// Done when the SDK is imported, before the plugin's own module code runs, so that nothing it
// prints can come before the handshake. Only under a host: elsewhere (tests, a host embedding
// plugins in-process) stdout stays as it is.
if (process.env[MAGIC_COOKIE_KEY] === MAGIC_COOKIE_VALUE) {
  captureOutput(processStdio, process.stdout, process.stderr);
}

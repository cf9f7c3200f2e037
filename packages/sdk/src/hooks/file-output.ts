// FileWillBeUploaded's output as the handler writes it and the hook's response stream reads it:
// a queue of one chunk, so a write resolves only once the chunk went out, and a handler that
// replaces a large file never holds more than a chunk of it.
import type { FileOutput } from "./hook-handlers.js";

export class FileOutputStream implements FileOutput, AsyncIterable<Uint8Array> {
  #waiting: { chunk: Uint8Array; taken: () => void } | undefined;
  #wake: (() => void) | undefined;
  #ended = false;
  #failure: unknown;

  write(chunk: Uint8Array): Promise<void> {
    if (this.#ended) {
      return Promise.reject(
        new Error("FileWillBeUploaded: output written after the hook returned"),
      );
    }
    if (this.#waiting !== undefined) {
      return Promise.reject(
        new Error("FileWillBeUploaded: await each output.write before the next"),
      );
    }
    return new Promise((taken) => {
      // A copy: the handler may reuse its buffer once the write resolved.
      this.#waiting = { chunk: chunk.slice(), taken };
      this.#wake?.();
    });
  }

  /** No more output; with a reason, the handler failed. */
  end(reason?: unknown): void {
    this.#ended = true;
    this.#failure = reason;
    this.#wake?.();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Uint8Array> {
    for (;;) {
      const waiting = this.#waiting;
      if (waiting !== undefined) {
        this.#waiting = undefined;
        yield waiting.chunk;
        waiting.taken();
        continue;
      }
      if (this.#ended) {
        if (this.#failure !== undefined) throw this.#failure;
        return;
      }
      await new Promise<void>((wake) => {
        this.#wake = wake;
      });
      this.#wake = undefined;
    }
  }
}

// Waiting for an HTTP/2 stream's write buffer to empty, for writers that respect backpressure.
import type * as http2 from "node:http2";
import { Code, ConnectError } from "@connectrpc/connect";
import { resetError } from "./h2-errors.js";

/** Resolves once the stream wants more data; rejects if it closes first, or has closed. */
export function drained(stream: http2.Http2Stream): Promise<void> {
  const closed = () =>
    resetError(stream.rstCode) ?? new ConnectError("the stream closed", Code.Canceled);
  // A closed stream answers every write with false and never drains again.
  if (stream.closed || stream.destroyed) {
    return Promise.reject(closed());
  }
  return new Promise((resolve, reject) => {
    const onDrain = () => {
      stream.off("close", onClose);
      resolve();
    };
    const onClose = () => {
      stream.off("drain", onDrain);
      reject(closed());
    };
    stream.once("drain", onDrain);
    stream.once("close", onClose);
  });
}

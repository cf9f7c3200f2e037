// The plugin's lifeline to its host: stdin. The host spawns a plugin with stdin as a pipe it
// never writes and never closes, so stdin reaches end-of-file only when the host is gone, even
// when it was killed with SIGKILL and could not stop its plugins. A plugin must not outlive it.
import { fstatSync } from "node:fs";

/**
 * Calls `onGone` once, when stdin ends, if stdin is a pipe: a FIFO, or a Unix socket (what
 * Node's and libuv's `stdio: "pipe"` give a child). Any other stdin says nothing about the
 * host and is left alone: /dev/null (a child spawned with stdin "ignore", as some tests do)
 * ends at once, a terminal or a file whenever. The watch never keeps the process alive.
 */
export function onHostGone(onGone: () => void): void {
  if (!stdinIsPipe()) {
    return;
  }
  const stdin = process.stdin;
  let called = false;
  const gone = () => {
    if (!called) {
      called = true;
      onGone();
    }
  };
  stdin.once("end", gone);
  // A broken pipe is the host gone as well.
  stdin.once("error", gone);
  // Flowing with no "data" listener: anything written is read and dropped.
  stdin.resume();
  stdin.unref();
}

function stdinIsPipe(): boolean {
  try {
    const stats = fstatSync(0);
    return stats.isFIFO() || stats.isSocket();
  } catch {
    // No file descriptor 0 at all: nothing to watch.
    return false;
  }
}

// What a plugin process prints: its stdout and stderr read as they come (within the plugin's
// read budget) and split into lines, each at most so long (longer ones are cut). The first stdout line is the handshake; every
// other line is re-logged through the host's log sink within the plugin's output budget (what
// exceeds it is dropped and counted); the last few lines of both streams are kept for the
// error that explains a failure, dropped ones included.
import type { Readable } from "node:stream";
import type { LogSink } from "../log.js";
import { type DroppedOutput, OutputBudget, type OutputLimits } from "./output-budget.js";
import { logEntryFromLine, type OutputStream } from "./plugin-log.js";

/** Each kept line is shortened to this many bytes for error messages. */
const MAX_KEPT_LINE_BYTES = 500;
const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;

export interface PluginOutputOptions extends OutputLimits {
  /** Lines kept for error messages. Default 20. */
  keepLines?: number;
}

export class PluginOutput {
  /** The first line of stdout, without its line ending. Pending until the plugin prints it. */
  readonly handshakeLine: Promise<string>;
  /** The last lines, as raw bytes: decoded only when an error quotes them. */
  private readonly kept: { stream: OutputStream; bytes: Buffer; cut: boolean }[] = [];
  private readonly keepLines: number;
  private readonly budget: OutputBudget;
  private resolveHandshake: ((line: string) => void) | undefined;

  constructor(
    private readonly pluginId: string,
    streams: { stdout: Readable; stderr: Readable },
    private readonly log: LogSink,
    options: PluginOutputOptions = {},
  ) {
    const { keepLines = 20, ...limits } = options;
    this.keepLines = keepLines;
    this.budget = new OutputBudget(limits, (dropped) => this.reportDropped(dropped));
    this.handshakeLine = new Promise((resolve) => {
      this.resolveHandshake = resolve;
    });
    let open = 2;
    const ended = () => {
      if (--open === 0) {
        this.budget.report();
      }
    };
    const read = (stream: Readable, name: OutputStream) =>
      readLines(stream, this.budget, (line, cut) => this.onLine(line, cut, name), ended);
    read(streams.stdout, "stdout");
    read(streams.stderr, "stderr");
  }

  /** The last lines of stdout and stderr, oldest first, as "stream: line". */
  lastLines(): string[] {
    return this.kept.map(
      ({ stream, bytes, cut }) => `${stream}: ${bytes.toString()}${cut ? "…" : ""}`,
    );
  }

  /** `line` without its line ending; `cut` bytes of it were left out. */
  private onLine(line: Buffer, cut: number, stream: OutputStream): void {
    const short = line.length > MAX_KEPT_LINE_BYTES;
    // Not copied, although it may hold on to a whole chunk: that is at most `keepLines`
    // chunks, whereas a copy of every line would be garbage at the rate of the output.
    const bytes = short ? line.subarray(0, MAX_KEPT_LINE_BYTES) : line;
    this.kept.push({ stream, bytes, cut: short || cut > 0 });
    if (this.kept.length > this.keepLines) {
      this.kept.shift();
    }
    if (stream === "stdout" && this.resolveHandshake !== undefined) {
      this.resolveHandshake(line.toString());
      this.resolveHandshake = undefined;
      return;
    }
    if (!this.budget.admit(line.length)) {
      return;
    }
    const text = line.toString();
    this.log(
      logEntryFromLine(cut > 0 ? `${text}… [${cut} more bytes cut]` : text, stream, this.pluginId),
    );
  }

  private reportDropped({ lines, bytes, limits }: DroppedOutput): void {
    this.log({
      level: "warn",
      msg: `dropped ${lines} lines (${bytes} bytes) of the plugin's output: it printed more than ${limits.linesPerInterval} lines or ${limits.bytesPerInterval} bytes per ${limits.intervalMs} ms`,
      pluginId: this.pluginId,
      fields: { droppedLines: lines, droppedBytes: bytes },
      time: new Date(),
    });
  }
}

/**
 * Calls `onLine` for each line of `stream` (without "\n" or "\r\n"), keeping at most
 * `maxLineBytes` of each and counting what it cut; then `onEnd` once the stream has ended.
 * Only the part of a line not yet ended is held between chunks, so memory stays bounded; and
 * reading pauses whenever the budget's read share for the interval is spent.
 */
function readLines(
  stream: Readable,
  budget: OutputBudget,
  onLine: (line: Buffer, cut: number) => void,
  onEnd: () => void,
): void {
  const { maxLineBytes } = budget.limits;
  const parts: Buffer[] = [];
  let partBytes = 0;
  let cut = 0;
  /** `held`: the part stays beyond this chunk, so it is copied rather than keep the chunk alive. */
  const append = (part: Buffer, held: boolean) => {
    const room = maxLineBytes - partBytes;
    if (part.length > room) {
      cut += part.length - room;
      part = part.subarray(0, room);
    }
    if (part.length > 0) {
      parts.push(held ? Buffer.from(part) : part);
      partBytes += part.length;
    }
  };
  const endLine = () => {
    let line = parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts, partBytes);
    if (cut === 0 && line.at(-1) === CARRIAGE_RETURN) {
      line = line.subarray(0, -1);
    }
    const lineCut = cut;
    parts.length = 0;
    partBytes = 0;
    cut = 0;
    onLine(line, lineCut);
  };
  stream.on("data", (chunk: Buffer) => {
    const waitMs = budget.read(chunk.length);
    if (waitMs > 0) {
      stream.pause();
      setTimeout(() => stream.resume(), waitMs).unref();
    }
    let start = 0;
    for (let newline = chunk.indexOf(NEWLINE); newline !== -1; ) {
      append(chunk.subarray(start, newline), false);
      endLine();
      start = newline + 1;
      newline = chunk.indexOf(NEWLINE, start);
    }
    if (start < chunk.length) {
      append(chunk.subarray(start), true);
    }
  });
  stream.on("end", () => {
    if (partBytes > 0 || cut > 0) {
      endLine();
    }
    onEnd();
  });
}

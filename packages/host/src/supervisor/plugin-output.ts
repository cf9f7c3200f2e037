// What a plugin process prints: its stdout and stderr split into lines. The first stdout line
// is the handshake; every other line is re-logged through the host's log sink; the last few
// lines of both streams are kept for the error that explains a failure.
import type { Readable } from "node:stream";
import { StringDecoder } from "node:string_decoder";
import type { LogSink } from "../log.js";
import { logEntryFromLine, type OutputStream } from "./plugin-log.js";

/** A longer run of output without a newline is cut into lines of this many characters. */
const MAX_LINE_CHARS = 16 * 1024;
/** Each kept line is shortened to this many characters for error messages. */
const MAX_KEPT_LINE_CHARS = 500;

export class PluginOutput {
  /** The first line of stdout, without its line ending. Pending until the plugin prints it. */
  readonly handshakeLine: Promise<string>;
  private readonly kept: string[] = [];
  private resolveHandshake: ((line: string) => void) | undefined;

  constructor(
    private readonly pluginId: string,
    streams: { stdout: Readable; stderr: Readable },
    private readonly log: LogSink,
    private readonly keepLines = 20,
  ) {
    this.handshakeLine = new Promise((resolve) => {
      this.resolveHandshake = resolve;
    });
    readLines(streams.stdout, (line) => this.onLine(line, "stdout"));
    readLines(streams.stderr, (line) => this.onLine(line, "stderr"));
  }

  /** The last lines of stdout and stderr, oldest first, as "stream: line". */
  lastLines(): string[] {
    return [...this.kept];
  }

  private onLine(line: string, stream: OutputStream): void {
    const short =
      line.length > MAX_KEPT_LINE_CHARS ? `${line.slice(0, MAX_KEPT_LINE_CHARS)}…` : line;
    this.kept.push(`${stream}: ${short}`);
    if (this.kept.length > this.keepLines) {
      this.kept.shift();
    }
    if (stream === "stdout" && this.resolveHandshake !== undefined) {
      this.resolveHandshake(line);
      this.resolveHandshake = undefined;
      return;
    }
    this.log(logEntryFromLine(line, stream, this.pluginId));
  }
}

function readLines(stream: Readable, onLine: (line: string) => void): void {
  const decoder = new StringDecoder("utf8");
  let pending = "";
  const emit = (line: string) => onLine(line.endsWith("\r") ? line.slice(0, -1) : line);
  stream.on("data", (chunk: Buffer) => {
    pending += decoder.write(chunk);
    let newline = pending.indexOf("\n");
    while (newline !== -1) {
      emit(pending.slice(0, newline));
      pending = pending.slice(newline + 1);
      newline = pending.indexOf("\n");
    }
    while (pending.length > MAX_LINE_CHARS) {
      emit(pending.slice(0, MAX_LINE_CHARS));
      pending = pending.slice(MAX_LINE_CHARS);
    }
  });
  stream.on("end", () => {
    pending += decoder.end();
    if (pending !== "") {
      emit(pending);
    }
  });
}

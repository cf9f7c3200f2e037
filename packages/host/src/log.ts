// The host's structured log: one entry per event, handed to a sink the embedder chooses.

/** Severity of a log entry, lowest first. */
export type LogLevel = "debug" | "info" | "warn" | "error";

export interface LogEntry {
  level: LogLevel;
  msg: string;
  /** When it happened (for plugin lines: the time the plugin wrote, when it said). */
  time: Date;
  /** The plugin the entry is about or came from. */
  pluginId?: string;
  fields: Record<string, unknown>;
}

/** Where the host sends its log entries and its plugins'. */
export type LogSink = (entry: LogEntry) => void;

const levelRank: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

/** Whether an entry of `level` passes a `minimum` level. */
export function levelEnabled(level: LogLevel, minimum: LogLevel): boolean {
  return levelRank[level] >= levelRank[minimum];
}

/** A sink writing one JSON line per entry to stderr, dropping entries below `minimum`. */
export function jsonLineSink(minimum: LogLevel = "info"): LogSink {
  return (entry) => {
    if (levelEnabled(entry.level, minimum)) {
      process.stderr.write(`${JSON.stringify(entry)}\n`);
    }
  };
}

/** Writes entries to a sink so that call sites read as log.info("…", { fields }). */
export class Logger {
  constructor(
    private readonly sink: LogSink,
    private readonly pluginId?: string,
  ) {}

  debug(msg: string, fields: Record<string, unknown> = {}): void {
    this.write("debug", msg, fields);
  }
  info(msg: string, fields: Record<string, unknown> = {}): void {
    this.write("info", msg, fields);
  }
  warn(msg: string, fields: Record<string, unknown> = {}): void {
    this.write("warn", msg, fields);
  }
  error(msg: string, fields: Record<string, unknown> = {}): void {
    this.write("error", msg, fields);
  }

  private write(level: LogLevel, msg: string, fields: Record<string, unknown>): void {
    const entry: LogEntry = { level, msg, time: new Date(), fields };
    if (this.pluginId !== undefined) entry.pluginId = this.pluginId;
    this.sink(entry);
  }
}

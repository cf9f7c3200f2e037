// The plugin's structured logger. Entries below the minimum level are dropped before anything
// is allocated for them; the rest go to a sink (JSON lines on stderr in a plugin process, where
// the host reads them and logs them again under the plugin's id).

/** Severity of a log entry, lowest first. */
export type LogLevel = "debug" | "info" | "warn" | "error";

/** Extra values of a log entry, written beside its message. */
export type LogFields = Record<string, unknown>;

/** One log entry. */
export interface LogEntry {
  level: LogLevel;
  msg: string;
  /** ISO 8601 time the entry was made. */
  time: string;
  fields?: LogFields;
}

/** Receives the entries that pass the logger's level. */
export type LogSink = (entry: LogEntry) => void;

const levelRank: Readonly<Record<LogLevel, number>> = { debug: 0, info: 1, warn: 2, error: 3 };

/** The level a string names, or `fallback` when it names none (case-insensitive). */
export function parseLogLevel(value: string | undefined, fallback: LogLevel = "info"): LogLevel {
  const level = value?.trim().toLowerCase();
  return level !== undefined && Object.hasOwn(levelRank, level) ? (level as LogLevel) : fallback;
}

/** Writes log entries of at least `minimum` level to a sink. */
export class Logger {
  readonly #sink: LogSink;
  readonly #minimumRank: number;

  constructor(sink: LogSink, minimum: LogLevel = "info") {
    this.#sink = sink;
    this.#minimumRank = levelRank[minimum];
  }

  /** Whether entries of `level` are written; lets callers skip building expensive fields. */
  enabled(level: LogLevel): boolean {
    return levelRank[level] >= this.#minimumRank;
  }

  debug(msg: string, fields?: LogFields): void {
    this.#write("debug", msg, fields);
  }

  info(msg: string, fields?: LogFields): void {
    this.#write("info", msg, fields);
  }

  warn(msg: string, fields?: LogFields): void {
    this.#write("warn", msg, fields);
  }

  error(msg: string, fields?: LogFields): void {
    this.#write("error", msg, fields);
  }

  #write(level: LogLevel, msg: string, fields: LogFields | undefined): void {
    if (levelRank[level] < this.#minimumRank) {
      return;
    }
    const entry: LogEntry = { level, msg, time: new Date().toISOString() };
    if (fields !== undefined) {
      entry.fields = fields;
    }
    this.#sink(entry);
  }
}

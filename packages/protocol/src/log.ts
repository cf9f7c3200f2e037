// The log contract the SDK and the host share: levels, the entry, the sink, the Logger, and
// the JSON line a plugin writes on stderr for each entry, which the host reads back as an
// entry of its own log under the plugin's id. The line is
//   {"level":"info","msg":"...","time":"<ISO 8601>", ...fields}
// with `pluginId` after `time` in the host's own lines about a plugin.

/** Severity of a log entry, lowest first. */
export type LogLevel = "debug" | "info" | "warn" | "error";

/** Extra values of a log entry, written beside its message. */
export type LogFields = Record<string, unknown>;

/** One log entry. */
export interface LogEntry {
  level: LogLevel;
  msg: string;
  /** When it happened (for a plugin's line read by the host: the time the plugin wrote). */
  time: Date;
  /** The plugin the entry is about or came from (host side). */
  pluginId?: string;
  fields: LogFields;
}

/** Receives log entries. */
export type LogSink = (entry: LogEntry) => void;

const levelRank: Readonly<Record<LogLevel, number>> = { debug: 0, info: 1, warn: 2, error: 3 };

/** Whether an entry of `level` passes a `minimum` level. */
export function levelEnabled(level: LogLevel, minimum: LogLevel): boolean {
  return levelRank[level] >= levelRank[minimum];
}

/** The level a string names, or `fallback` when it names none (case-insensitive). */
export function parseLogLevel(value: string | undefined, fallback: LogLevel = "info"): LogLevel {
  const level = value?.trim().toLowerCase();
  return level !== undefined && Object.hasOwn(levelRank, level) ? (level as LogLevel) : fallback;
}

/**
 * Writes entries of at least `minimum` level to a sink, so that call sites read as
 * `log.info("…", { fields })`. Entries below the level are dropped before anything is made
 * for them.
 */
export class Logger {
  readonly #sink: LogSink;
  readonly #minimumRank: number;
  readonly #pluginId: string | undefined;

  /** @param pluginId set on every entry: the plugin this logger's entries are about */
  constructor(sink: LogSink, minimum: LogLevel = "info", pluginId?: string) {
    this.#sink = sink;
    this.#minimumRank = levelRank[minimum];
    this.#pluginId = pluginId;
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
    const entry: LogEntry = { level, msg, time: new Date(), fields: fields ?? {} };
    if (this.#pluginId !== undefined) {
      entry.pluginId = this.#pluginId;
    }
    this.#sink(entry);
  }
}

/**
 * A sink writing each entry of at least `minimum` level as one JSON line (formatJsonLine),
 * to stderr unless `write` is given.
 */
export function jsonLineSink(
  write: (line: string) => void = (line) => process.stderr.write(line),
  minimum: LogLevel = "debug",
): LogSink {
  return (entry) => {
    if (levelRank[entry.level] >= levelRank[minimum]) {
      write(`${formatJsonLine(entry)}\n`);
    }
  };
}

const reservedKeys: ReadonlySet<string> = new Set(["level", "msg", "time"]);

/**
 * The JSON line of an entry, without the newline; never throws. Fields sit beside level, msg,
 * time and pluginId but never replace them. Values JSON has no form for are written so they
 * can be read: an Error as {name, message, stack}, a bigint as a decimal string (as
 * protobuf's JSON writes 64-bit integers: no precision is lost, however large). When the
 * fields cannot be written at all (a circular value, a throwing toJSON), the line keeps the
 * entry's message and says why its fields are missing.
 */
export function formatJsonLine(entry: LogEntry): string {
  const { level, msg, pluginId, fields } = entry;
  const time = validTime(entry.time);
  const record: Record<string, unknown> = { level, msg, time };
  if (pluginId !== undefined) {
    record.pluginId = pluginId;
  }
  for (const key of Object.keys(fields)) {
    if (!reservedKeys.has(key) && !(key === "pluginId" && pluginId !== undefined)) {
      record[key] = fields[key];
    }
  }
  try {
    return JSON.stringify(record, writable);
  } catch (reason) {
    const plain: Record<string, unknown> = { level, msg, time };
    if (pluginId !== undefined) {
      plain.pluginId = pluginId;
    }
    plain.logError = `fields not written: ${String(reason)}`;
    return JSON.stringify(plain);
  }
}

/**
 * One field's value as formatJsonLine writes it (Errors and bigints included), for sinks that
 * write fields one by one; a value that cannot be written at all gives its String().
 */
export function formatLogValue(value: unknown): string {
  try {
    return JSON.stringify(value, writable) ?? String(value);
  } catch {
    return String(value);
  }
}

function validTime(time: Date): string {
  return Number.isNaN(time.getTime()) ? new Date().toISOString() : time.toISOString();
}

function writable(_key: string, value: unknown): unknown {
  if (value instanceof Error) {
    const error: Record<string, string> = { name: value.name, message: value.message };
    if (value.stack !== undefined) {
      error.stack = value.stack;
    }
    return error;
  }
  if (typeof value === "bigint") {
    return value.toString();
  }
  return value;
}

// The wire format of a plugin's log: one JSON object per line,
//   {"level":"info","msg":"...","time":"<ISO>", ...fields}
// which the host parses and logs again under the plugin's id.
import type { LogEntry, LogSink } from "./logger.js";

const reservedKeys = new Set(["level", "msg", "time"]);

/**
 * A sink writing each entry as one JSON line. Fields sit beside level, msg and time but never
 * replace them; errors are written as their name and message (JSON.stringify would write `{}`),
 * bigints as strings.
 */
export function jsonLineSink(
  write: (line: string) => void = (line) => process.stderr.write(line),
): LogSink {
  return (entry) => write(`${formatJsonLine(entry)}\n`);
}

/** The JSON line of an entry, without the newline. */
export function formatJsonLine(entry: LogEntry): string {
  const record: Record<string, unknown> = { level: entry.level, msg: entry.msg, time: entry.time };
  if (entry.fields !== undefined) {
    for (const key of Object.keys(entry.fields)) {
      if (!reservedKeys.has(key)) {
        record[key] = entry.fields[key];
      }
    }
  }
  try {
    return JSON.stringify(record, jsonSafe);
  } catch (reason) {
    // A circular field must not lose the message itself.
    const { level, msg, time } = entry;
    return JSON.stringify({ level, msg, time, logError: `fields not written: ${String(reason)}` });
  }
}

function jsonSafe(_key: string, value: unknown): unknown {
  if (value instanceof Error) {
    return `${value.name}: ${value.message}`;
  }
  if (typeof value === "bigint") {
    return value.toString();
  }
  return value;
}

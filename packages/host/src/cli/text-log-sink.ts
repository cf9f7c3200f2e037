// The host's log as a person at a terminal reads it: one line per entry, time, level, the plugin
// it is about, the message, then its fields as key=value.
import { formatLogValue } from "@plugwire/protocol";
import { type LogEntry, type LogLevel, type LogSink, levelEnabled } from "../log.js";

/** A sink writing entries of at least `minimum` level as text lines to `write`. */
export function textLogSink(minimum: LogLevel, write: (line: string) => void): LogSink {
  return (entry) => {
    if (levelEnabled(entry.level, minimum)) write(formatEntry(entry));
  };
}

export function formatEntry(entry: LogEntry): string {
  const time = entry.time.toISOString().slice(11, 23);
  const level = entry.level.toUpperCase().padEnd(5);
  const plugin = entry.pluginId === undefined ? "" : `[${entry.pluginId}] `;
  const fields = Object.entries(entry.fields)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => `${key}=${typeof value === "string" ? value : formatLogValue(value)}`);
  return [`${time} ${level} ${plugin}${entry.msg}`, ...fields].join(" ");
}

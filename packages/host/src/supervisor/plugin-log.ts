// How a line a plugin prints becomes a host log entry. A JSON line shaped like
// {"level":"info","msg":"...","time":...,...fields} (what the SDK's logger writes) keeps its
// level and fields. Any other line is raw output: stdout at "info" and stderr at "warn".
// go-plugin logs raw stderr at debug; Plugwire does not, because a Node.js plugin's uncaught
// exceptions and console.error land there and must be visible at the default level.

import type { LogEntry, LogLevel } from "../log.js";

const levels: ReadonlySet<string> = new Set<LogLevel>(["debug", "info", "warn", "error"]);

/** One entry of a plugin's log: always names the plugin, from the host's side (a plugin cannot log as another). */
export type PluginLogEntry = LogEntry & { pluginId: string };

/** Which standard stream a line came from. */
export type OutputStream = "stdout" | "stderr";

/** The log entry for one line of a plugin's output. */
export function logEntryFromLine(
  line: string,
  stream: OutputStream,
  pluginId: string,
  now: Date = new Date(),
): PluginLogEntry {
  const structured = parseStructuredLine(line);
  if (structured !== undefined) {
    const { level, msg, time, ...fields } = structured;
    return { level, msg, pluginId, fields, time: parseTime(time) ?? now };
  }
  return {
    level: stream === "stdout" ? "info" : "warn",
    msg: line,
    pluginId,
    fields: { stream },
    time: now,
  };
}

type StructuredLine = { level: LogLevel; msg: string; time?: unknown } & Record<string, unknown>;

function parseStructuredLine(line: string): StructuredLine | undefined {
  if (!line.startsWith("{")) {
    return undefined;
  }
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return undefined;
  }
  const { level, msg } = value as Record<string, unknown>;
  if (typeof level !== "string" || !levels.has(level) || typeof msg !== "string") {
    return undefined;
  }
  return value as StructuredLine;
}

function parseTime(time: unknown): Date | undefined {
  if (typeof time !== "number" && typeof time !== "string") {
    return undefined;
  }
  const date = new Date(time);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

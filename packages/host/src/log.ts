// The host's structured log: one entry per event, handed to a sink the embedder chooses. The
// entry, levels, sinks and the JSON line are the contract the host shares with plugins
// (@plugwire/protocol's log.ts); the host's Logger leaves the level to its sink.
import {
  jsonLineSink as jsonLines,
  Logger as LevelLogger,
  type LogLevel,
  type LogSink,
} from "@plugwire/protocol";

export { type LogEntry, type LogLevel, type LogSink, levelEnabled } from "@plugwire/protocol";

/** A sink writing one JSON line per entry to stderr, dropping entries below `minimum`. */
export function jsonLineSink(minimum: LogLevel = "info"): LogSink {
  return jsonLines(undefined, minimum);
}

/** Writes every entry to a sink (which picks the level) so that call sites read as log.info("…", { fields }). */
export class Logger extends LevelLogger {
  /** @param pluginId set on every entry: the plugin this logger's entries are about */
  constructor(sink: LogSink, pluginId?: string) {
    super(sink, "debug", pluginId);
  }
}

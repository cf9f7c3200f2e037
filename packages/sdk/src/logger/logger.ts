// The plugin's structured logger is the log contract the SDK shares with the host
// (@plugwire/protocol's log.ts): in a plugin process its entries go to stderr as JSON lines,
// which the host reads and logs again under the plugin's id.
export {
  type LogEntry,
  type LogFields,
  Logger,
  type LogLevel,
  type LogSink,
  parseLogLevel,
} from "@plugwire/protocol";

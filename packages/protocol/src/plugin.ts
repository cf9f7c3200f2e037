// What a plugin process needs until its first Plugin API call: the process-level conventions,
// go-plugin's services, hooks.proto and the files it imports. Part of the main entry (index.ts),
// kept apart from plugin-api.ts so that a bundler can leave api.proto out of a plugin's start:
// with the two behind `export *`, a bundle takes from the main entry only the modules whose
// exports it uses, and the SDK imports plugin-api.ts late (see the README's "What is public").

export {
  APP_PROTOCOL_VERSION,
  APP_PROTOCOL_VERSIONS,
  AUTHORIZATION_HEADER,
  CORE_PROTOCOL_VERSION,
  DIRECT_CHANNEL_PROTOCOL_VERSION,
  HEALTH_SERVICE_NAME,
  MAGIC_COOKIE_KEY,
  MAGIC_COOKIE_VALUE,
  MAX_CHUNK_BYTES,
  PluginEnv,
} from "./constants.js";
export * from "./gen/grpc/health/v1/health_pb.js";
export * from "./gen/plugin/grpc_controller_pb.js";
export * from "./gen/plugin/grpc_stdio_pb.js";
export * from "./gen/plugwire/v1/error_pb.js";
export * from "./gen/plugwire/v1/hooks_pb.js";
export * from "./gen/plugwire/v1/models_pb.js";
export { formatHandshake, type Handshake, HandshakeError, parseHandshake } from "./handshake.js";
export { type HookMethodName, HookName, isHookName } from "./hook-names.js";
export {
  formatJsonLine,
  formatLogValue,
  jsonLineSink,
  type LogEntry,
  type LogFields,
  Logger,
  type LogLevel,
  type LogSink,
  levelEnabled,
  parseLogLevel,
} from "./log.js";
export { INT64_SCALARS, modelToJson, v4FieldName } from "./model-json.js";

// The public surface of @plugwire/protocol: the generated messages and services, and the
// process-level conventions (environment, handshake) that are not expressed in proto.
// Each generated file is exported whole: its messages, enums, services and file descriptor are
// the proto file's contract, which `npm run buf:breaking` guards and proto/ documents. The
// hand-written conventions are listed one by one (README: "What is public").

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
export * from "./gen/plugwire/v1/accounts_pb.js";
export * from "./gen/plugwire/v1/api_pb.js";
export * from "./gen/plugwire/v1/channel_pb.js";
export * from "./gen/plugwire/v1/emoji_pb.js";
export * from "./gen/plugwire/v1/error_pb.js";
export * from "./gen/plugwire/v1/files_pb.js";
export * from "./gen/plugwire/v1/group_pb.js";
export * from "./gen/plugwire/v1/hooks_pb.js";
export * from "./gen/plugwire/v1/integrations_pb.js";
export * from "./gen/plugwire/v1/models_pb.js";
export * from "./gen/plugwire/v1/oauth_pb.js";
export * from "./gen/plugwire/v1/people_pb.js";
export * from "./gen/plugwire/v1/system_pb.js";
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

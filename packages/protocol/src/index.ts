// The public surface of @plugwire/protocol: the generated messages and services, and the
// process-level conventions (environment, handshake) that are not expressed in proto.

export * from "./constants.js";
export * from "./gen/grpc/health/v1/health_pb.js";
export * from "./gen/plugin/grpc_controller_pb.js";
export * from "./gen/plugin/grpc_stdio_pb.js";
export * from "./gen/plugwire/v1/api_pb.js";
export * from "./gen/plugwire/v1/channel_pb.js";
export * from "./gen/plugwire/v1/error_pb.js";
export * from "./gen/plugwire/v1/hooks_pb.js";
export * from "./gen/plugwire/v1/models_pb.js";
export * from "./handshake.js";
export * from "./hook-names.js";
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

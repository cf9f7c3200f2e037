// @plugwire/protocol/grpc: the lean gRPC path both sides of a plugin connection use for unary
// calls (a Transport behind Connect's createClient, and an HTTP/2 server answering unary calls
// directly while handing streams to Connect). One implementation, shared by host and SDK.
export { createGrpcServer, type GrpcServerOptions } from "./grpc-server.js";
export {
  createLeanGrpcTransport,
  type LeanGrpcTransport,
  type LeanGrpcTransportOptions,
} from "./lean-grpc-transport.js";

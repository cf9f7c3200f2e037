// @plugwire/protocol/grpc: the lean gRPC path both sides of a plugin connection use (a Transport
// behind Connect's createClient, and an HTTP/2 server for Connect service implementations),
// answering unary and streaming calls on the HTTP/2 stream directly, and small unary calls on
// the call channel straight on a connection (protocol version 2). One implementation, shared
// by host and SDK.
export { type Authorize, directChannelPath } from "./channel-server.js";
export { createGrpcServer, type GrpcServer, type GrpcServerOptions } from "./grpc-server.js";
export {
  createLeanGrpcTransport,
  type LeanGrpcTransport,
  type LeanGrpcTransportOptions,
} from "./lean-grpc-transport.js";
export { keepEncoding } from "./message-codec.js";

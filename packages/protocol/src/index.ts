// The public surface of @plugwire/protocol: the generated messages and services, and the
// process-level conventions (environment, handshake) that are not expressed in proto.
// Each generated file is exported whole: its messages, enums, services and file descriptor are
// the proto file's contract, which `npm run buf:breaking` guards and proto/ documents. The
// hand-written conventions are listed one by one in plugin.ts (README: "What is public").
// It is put together from two parts, plugin.ts (what a plugin process needs at start) and
// plugin-api.ts (also the ./plugin-api entry, which the SDK loads late), and the call channel's
// service, which only the transport uses.

export * from "./gen/plugwire/v1/channel_pb.js";
export * from "./plugin.js";
export * from "./plugin-api.js";

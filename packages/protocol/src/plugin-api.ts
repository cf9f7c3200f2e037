// @plugwire/protocol/plugin-api: the PluginAPI service, api.proto, with the files it imports
// beyond plugin.ts's; the main entry exports the same. The SDK loads it on a plugin's first API
// call: building these files' descriptors is most of what loading the protocol costs a process,
// and a bundler keeps a module imported late out of the plugin's start.
export * from "./gen/plugwire/v1/accounts_pb.js";
export * from "./gen/plugwire/v1/api_pb.js";
export * from "./gen/plugwire/v1/emoji_pb.js";
export * from "./gen/plugwire/v1/files_pb.js";
export * from "./gen/plugwire/v1/group_pb.js";
export * from "./gen/plugwire/v1/integrations_pb.js";
export * from "./gen/plugwire/v1/oauth_pb.js";
export * from "./gen/plugwire/v1/people_pb.js";
export * from "./gen/plugwire/v1/system_pb.js";

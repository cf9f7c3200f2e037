// The public surface of @plugwire/sdk, for plugin authors: every export is a semver promise.
// Importing it also polyfills Symbol.metadata, makes the light Fetch objects the global Request
// and Response and, when a host started the process, keeps stdout for the handshake (see the
// three side-effect modules).
import "./symbol-metadata.js";
import "./http/fetch-globals.js";
import "./serve/stdio-relay.js";

export type { JsonObject, JsonValue } from "@bufbuild/protobuf";
export {
  AlreadyExistsError,
  InternalError,
  NotFoundError,
  PermissionDeniedError,
  PluginAPIError,
  type PluginAPIErrorInit,
  TimeoutError,
  UnauthenticatedError,
  UnavailableError,
  ValidationError,
} from "@plugwire/errors";
export {
  ChannelMemberSchema,
  ChannelSchema,
  CommandArgsSchema,
  CommandResponseSchema,
  CommandSchema,
  CustomStatusSchema,
  FileInfoSchema,
  GroupSchema,
  GroupSyncableSchema,
  HookName,
  MAX_CHUNK_BYTES,
  PluginClusterEventSchema,
  PostSchema,
  PreferenceSchema,
  ReactionSchema,
  StatusSchema,
  TeamMemberSchema,
  TeamSchema,
  UserSchema,
} from "@plugwire/protocol";
export {
  type AuditLevel,
  type AuditRecordInit,
  type BotInit,
  type BotPatchInit,
  type ChannelInit,
  type ChannelPatchInit,
  type ClusterEventOptions,
  type CommandInit,
  type CreateBotInit,
  type CustomStatusInit,
  type FileDownload,
  type GetBotsOptions,
  type GetFileInfosOptions,
  type GetUsersOptions,
  type GroupInit,
  type GroupSearchOptions,
  type GroupSyncableInit,
  type KVSetOptions,
  type KVSetWithOptions,
  type PageOptions,
  PluginAPIClient,
  type PluginHTTPInit,
  type PostInit,
  type PreferenceInit,
  type ReactionInit,
  type SearchParameterInit,
  type SearchParamsInit,
  type SessionInit,
  type TeamInit,
  type UploadPosition,
  type UploadSessionInit,
  type UserInit,
  type UserSearch,
  type WebSocketBroadcastInit,
} from "./api/plugin-api-client.js";
export {
  type Allow,
  allow,
  type Dismiss,
  dismiss,
  type LoginDecision,
  type Modify,
  modify,
  type PostDecision,
  type Reject,
  reject,
} from "./hooks/decisions.js";
export { definePlugin } from "./hooks/define-plugin.js";
export type { HookContext } from "./hooks/hook-context.js";
export { hook } from "./hooks/hook-decorator.js";
export type {
  Awaitable,
  CommandResponseInit,
  HookHandlers,
  InstallEvent,
} from "./hooks/hook-handlers.js";
export {
  createPluginRoutes,
  type PluginRoutes,
  type PluginRoutesOptions,
} from "./hooks/plugin-routes.js";
export {
  type LogEntry,
  type LogFields,
  Logger,
  type LogLevel,
  type LogSink,
} from "./logger/logger.js";
export type {
  Bot,
  Channel,
  ChannelMember,
  ChannelPatch,
  ChannelStats,
  Command,
  CommandArgs,
  CommandResponse,
  CustomStatus,
  Emoji,
  FileInfo,
  Group,
  GroupMember,
  GroupSyncable,
  Paging,
  PluginClusterEvent,
  PluginContext,
  PluginStatus,
  Post,
  PostList,
  PostSearchResults,
  Preference,
  Reaction,
  Role,
  SearchParameter,
  SearchParams,
  Session,
  SidebarCategory,
  Status,
  Team,
  TeamMember,
  TeamStats,
  TeamUnread,
  UploadSession,
  User,
  UserAccessToken,
  WebSocketRequest,
} from "./models/models.js";
export {
  type LooseInt64,
  type Plain,
  type PlainInit,
  plain,
  protocolMessage,
} from "./models/plain.js";
export type { Manifest } from "./plugin/manifest.js";
export { Plugin, type PluginClass, type PluginInit } from "./plugin/plugin.js";
export { runPlugin } from "./serve/run-plugin.js";

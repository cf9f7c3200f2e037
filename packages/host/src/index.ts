// The public surface of @plugwire/host, for embedders: create a host, give it a store and a file
// store (or let it open SQLite), drive it through its App, serve REST, load manifests, and read
// the errors, statuses and log entries it produces. Every export here is a semver promise; what
// this repository's own packages need beyond it is on "@plugwire/host/internal".

export type {
  AccessTokenOperations,
  Actor,
  App,
  AuditOperations,
  Authenticated,
  AutocompleteSuggestion,
  BotOperations,
  BotRequest,
  ChannelOperations,
  ChannelPatch,
  ClusterOperations,
  CommandOperations,
  DialogSubmission,
  FileInfoFilter,
  FileOperations,
  FileUpload,
  IntegrationOperations,
  KVOperations,
  Login,
  NewSession,
  PeopleOperations,
  Permission,
  PermissionOperations,
  PluginOperations,
  PostActionClick,
  PostActionResult,
  PostListOperations,
  PostOperations,
  PreferenceOperations,
  PublishedWebSocketEvent,
  ReactionOperations,
  RealtimeOperations,
  RoleOperations,
  SessionOperations,
  SidebarCategories,
  StatusOperations,
  Subject,
  TeamOperations,
  UploadSessionRequest,
  UserAuthFields,
  UserOperations,
  WebSocketBroadcast,
  WebSocketRequest,
} from "./app/app.js";
export {
  type ClusterBus,
  type ClusterMember,
  type ClusterMessage,
  type EndedConnections,
  InProcessClusterBus,
  type PluginChange,
} from "./app/cluster-bus.js";
export {
  type AppEvents,
  LOGIN_REJECTED_ID,
  MAX_POST_MESSAGE_LENGTH,
  POST_DISMISSED_ID,
  POST_REJECTED_ID,
} from "./app/host-app.js";
export { PERMISSIONS } from "./app/permissions.js";
export type { HookDispatcher, HookTargets } from "./app/plugin-hooks.js";
export { FILE_NOT_ATTACHABLE_ID, MAX_FILES_PER_POST } from "./app/post-operations.js";
export {
  DEFAULT_MAX_BUNDLE_BYTES,
  DEFAULT_MAX_BUNDLE_UNCOMPRESSED_BYTES,
} from "./bundle/bundle-limits.js";
export {
  openPostgresClusterBus,
  type PostgresClusterBus,
  type PostgresClusterBusOptions,
} from "./cluster/open-postgres-cluster-bus.js";
export {
  createHost,
  Host,
  type HostOptions,
  type InstallBundleOptions,
  type LoadPluginOptions,
  type PluginLifecycle,
  type PluginStartResult,
  type PluginStatus,
  type RestoreEnabledPluginsOptions,
} from "./host.js";
export {
  DEFAULT_METRICS_HOSTNAME,
  DEFAULT_METRICS_PORT,
  type MetricsServer,
  type MetricsServerOptions,
  startMetricsServer,
} from "./http/metrics-server.js";
export { fetchPlugin, type PluginFetchInit } from "./http/plugin-fetch.js";
export {
  DEFAULT_LOGIN_RATE_LIMIT,
  type RateLimitSettings,
  type RestRateLimits,
} from "./http/rest/rate-limit.js";
export {
  DEFAULT_MAX_BODY_BYTES,
  DEFAULT_REST_HOSTNAME,
  DEFAULT_REST_PORT,
  type RestServer,
  type RestServerOptions,
  startRestServer,
} from "./http/rest/server.js";
export { jsonLineSink, type LogEntry, Logger, type LogLevel, type LogSink } from "./log.js";
export type { LogFeed, LogListener } from "./log-feed.js";
export { type LoadManifestOptions, loadManifest } from "./manifest/load-manifest.js";
export {
  hasServer,
  type NodeCapability,
  type PluginManifest,
  type PluginRuntime,
  type PluginServer,
  type PluginWebapp,
  type ServerPluginManifest,
} from "./manifest/manifest.js";
export { ManifestError, type ManifestErrorInit } from "./manifest/manifest-error.js";
export {
  CallStats,
  CallStatsRow,
  CallStatsTable,
  LATENCY_BUCKETS_SECONDS,
} from "./metrics/call-stats.js";
export {
  type ApiCallFigures,
  type CallFigures,
  type HookFigures,
  HostMetrics,
  RouteStats,
} from "./metrics/host-metrics.js";
export type { FileStore } from "./store/file-store.js";
export { LocalFileStore } from "./store/local-file-store.js";
export { MemoryFileStore } from "./store/memory-file-store.js";
export { openPostgresStore, type PostgresStoreOptions } from "./store/postgres-store.js";
export type { SqliteDatabaseOptions } from "./store/sqlite/sqlite-database.js";
export { openSqliteStore, type SqliteStoreOptions } from "./store/sqlite-store.js";
export type {
  AuditQuery,
  AuditStore,
  BotQuery,
  BotStore,
  ChannelStore,
  ClusterNode,
  ClusterStore,
  CommandStore,
  FileInfoQuery,
  FileInfoStore,
  HostKeyStore,
  KVStore,
  KVWriteOptions,
  LoginAttemptStore,
  MemberRoles,
  MembershipChange,
  NewUserAccessToken,
  PageQuery,
  PluginBundle,
  PluginStateStore,
  PostListStore,
  PostSearchQuery,
  PostStore,
  PreferenceStore,
  ReactionStore,
  RoleStore,
  Session,
  SessionStore,
  StatusStore,
  Store,
  StoreKind,
  TeamStore,
  ThreadQuery,
  UploadSessionStore,
  UserAccessTokenStore,
  UserQuery,
  UserStore,
} from "./store/store.js";
export type {
  HookActivityReport,
  HookMinute,
  HookOutcome,
} from "./supervisor/hook-activity.js";
export type {
  FileUploadAnswer,
  FileUploadHead,
  HookCallOptions,
  HookRequest,
  HookResponse,
  HTTPRequestHeadInit,
  HTTPResponse,
  UnaryHookName,
} from "./supervisor/hook-client.js";
export { type PluginPidRecord, PluginPidRegistry } from "./supervisor/plugin-pid-registry.js";
export { type PluginPhase, PluginProcessError } from "./supervisor/plugin-process-error.js";
export type { PluginIdRange } from "./supervisor/plugin-users.js";
export type { PluginSandboxStatus, SandboxPolicy } from "./supervisor/sandbox-policy.js";
export type { InspectorAddress } from "./supervisor/spawn-command.js";
export type { PluginState, RestartPolicy } from "./supervisor/supervisor.js";
export { HOST_VERSION } from "./version.js";

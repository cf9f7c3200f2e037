// The public surface of @plugwire/host: the embedding API first, then the parts a server
// builder may use or replace on their own (store, application layer, supervisor, manifest).

export type { Actor, App } from "./app/app.js";
export {
  type ClusterBus,
  type ClusterEventHandler,
  InProcessClusterBus,
} from "./app/cluster-bus.js";
export {
  type AppEvents,
  type Authenticated,
  HostApp,
  LOGIN_REJECTED_ID,
  type Login,
  MAX_POST_MESSAGE_LENGTH,
  POST_DISMISSED_ID,
  POST_REJECTED_ID,
} from "./app/host-app.js";
export { hashPassword, verifyPassword } from "./app/password.js";
export type { HookTargets } from "./app/plugin-hooks.js";
export {
  DEFAULT_MAX_BUNDLE_BYTES,
  DEFAULT_MAX_BUNDLE_UNCOMPRESSED_BYTES,
} from "./bundle/bundle-limits.js";
export type {
  InstallBundleOptions,
  PluginStartResult,
  RestoreEnabledPluginsOptions,
} from "./host.js";
export { createHost, Host, type HostOptions, type PluginStatus } from "./host.js";
export { fetchFromPlugin, type PluginFetchInit } from "./http/plugin-fetch.js";
export { USER_ID_HEADER } from "./http/plugin-http-headers.js";
export { type PluginProxyInit, proxyPluginRequest } from "./http/plugin-proxy.js";
export {
  DEFAULT_MAX_BODY_BYTES,
  DEFAULT_REST_PORT,
  MAX_JSON_BODY_BYTES,
  type RestServer,
  type RestServerOptions,
  startRestServer,
} from "./http/rest/server.js";
export { jsonLineSink, type LogEntry, Logger, type LogLevel, type LogSink } from "./log.js";
export { type LoadManifestOptions, loadManifest } from "./manifest/load-manifest.js";
export type { PluginManifest, PluginRuntime } from "./manifest/manifest.js";
export { ManifestError } from "./manifest/manifest-error.js";
export {
  DEFAULT_MAX_MESSAGE_BYTES,
  type PluginApiServerOptions,
  startPluginApiServer,
} from "./rpc/api-server.js";

export { DEFAULT_MAX_UPLOAD_BYTES } from "./rpc/file-transfer.js";
export { createPluginApiService, type PluginApiServiceDeps } from "./rpc/plugin-api-service.js";
export type { FileStore } from "./store/file-store.js";
export { newId } from "./store/ids.js";
export { LocalFileStore } from "./store/local-file-store.js";
export { MemoryFileStore } from "./store/memory-file-store.js";
export { openSqliteStore, type SqliteStoreOptions } from "./store/sqlite-store.js";
export type { KVWriteOptions, PageQuery, Session, Store, UserQuery } from "./store/store.js";
export {
  type HookCallOptions,
  HookClient,
  type HookDispatcher,
  type HookRequest,
  type HookResponse,
  type HTTPRequestHeadInit,
  type HTTPResponse,
  type UnaryHookName,
} from "./supervisor/hook-client.js";
export {
  type PluginApiServer,
  type PluginExit,
  PluginProcess,
  type PluginProcessOptions,
  type ServeApi,
} from "./supervisor/plugin-process.js";
export { type PluginPhase, PluginProcessError } from "./supervisor/plugin-process-error.js";
export {
  type PluginState,
  type PluginStateChange,
  PluginSupervisor,
  type RestartPolicy,
  type SupervisorOptions,
} from "./supervisor/supervisor.js";
export { HOST_VERSION } from "./version.js";

// @plugwire/host/internal: the host's pieces that this repository's other packages build on
// (@plugwire/testing runs the host's own Plugin API service, app layer and supervisor; the
// benchmarks measure them). INTERNAL: not covered by semver, may change in any release, and
// not for use outside the Plugwire repository. The public surface is "@plugwire/host".

export { HostApp } from "./app/host-app.js";
export type { HookTargets } from "./app/plugin-hooks.js";
export { fetchFromPlugin } from "./http/plugin-fetch.js";
export { pluginHttpFailure } from "./http/plugin-proxy.js";
export { Logger } from "./log.js";
export { instrumentedService } from "./metrics/instrumented-service.js";
export {
  DEFAULT_MAX_MESSAGE_BYTES,
  type PluginApiServerOptions,
  startPluginApiServer,
} from "./rpc/api-server.js";
export { createPluginApiService, type PluginApiServiceDeps } from "./rpc/plugin-api-service.js";
export { newId } from "./store/ids.js";
export {
  startThrowawayPostgres,
  type ThrowawayPostgres,
} from "./store/postgres/throwaway-postgres.js";
export {
  type HookCallOptions,
  HookClient,
  type HookDispatcher,
  type HookRequest,
  type HookResponse,
  type UnaryHookName,
} from "./supervisor/hook-client.js";
export { PluginSupervisor, type SupervisorOptions } from "./supervisor/supervisor.js";

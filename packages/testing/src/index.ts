// The public surface of @plugwire/testing: the harnesses first, then the fake backend they
// share, then the helpers that keep tests short.

/** What startPluginProcess rejects with when the plugin fails to start: its phase and last output. */
export { type PluginPhase, PluginProcessError } from "@plugwire/host";
export {
  type CommandArgsInit,
  makeChannel,
  makeCommandArgs,
  makePost,
  makeTeam,
  makeUser,
} from "./builders.js";
export type { CapturedLog } from "./captured-log.js";
export type {
  ApiCall,
  ApiMethodName,
  ApiRequest,
  ApiResponse,
} from "./fake-api/api-call.js";
export {
  createFakePluginAPI,
  DEFAULT_PLUGIN_ID,
  type FakePluginAPI,
  type FakePluginAPIOptions,
  type HookFailure,
} from "./fake-api/fake-plugin-api.js";
export type { Fixtures } from "./fake-api/fixtures.js";
export { FakeClock } from "./fake-clock.js";
export type { FileUploadHookResult, HookCalls, WithContext } from "./harness/hook-calls.js";
export type { HookContextInit } from "./harness/hook-context.js";
export {
  createPluginHarness,
  type PluginHarness,
  type PluginHarnessOptions,
} from "./harness/plugin-harness.js";
export type { PluginFetch, PluginRequestInit } from "./harness/plugin-http.js";
export {
  type PluginProcessHarness,
  type PluginProcessOptions,
  startPluginProcess,
  stopAll,
} from "./harness/plugin-process.js";

// @plugwire/plugin-cli as a library: the commands of `plugwire-plugin`, for build scripts that
// drive them from code.
export { buildProject, bundleOptions } from "./build.js";
export { type DeployTarget, deployProject } from "./deploy.js";
export { DEV_ADMIN, type DevOptions, type DevSession, startDev } from "./dev.js";
export { packProject } from "./pack.js";
export {
  PluginCliError,
  type PluginProject,
  type ProjectManifest,
  readProject,
} from "./project.js";

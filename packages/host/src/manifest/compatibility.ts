// Whether this host can run a plugin whose manifest is valid: the plugin's min_server_version and
// server.node_version against the versions the host runs. Checked after validation, so a broken
// manifest is reported as broken on every host.
import semver from "semver";
import type { PluginManifest } from "./manifest.js";
import { ManifestError } from "./manifest-error.js";

export interface HostVersions {
  serverVersion: string;
  nodeVersion: string;
}

export function checkCompatibility(manifest: PluginManifest, host: HostVersions): void {
  const { file, minServerVersion } = manifest;
  if (minServerVersion !== undefined && semver.lt(host.serverVersion, minServerVersion)) {
    throw new ManifestError({
      file,
      field: "min_server_version",
      problem: `requires server >= ${minServerVersion}; this host is ${host.serverVersion}. Upgrade the host, or install a release of the plugin that supports ${host.serverVersion}`,
    });
  }
  const nodeVersion = manifest.server?.nodeVersion;
  if (
    nodeVersion !== undefined &&
    !semver.satisfies(host.nodeVersion, nodeVersion, { includePrerelease: true })
  ) {
    throw new ManifestError({
      file,
      field: "server.node_version",
      problem: `needs Node ${nodeVersion}, this host runs ${host.nodeVersion}. Run the host on a Node.js version in that range, or widen the range if the plugin works on ${host.nodeVersion}`,
    });
  }
}

// The manifest's "server" section: which file the host starts and how. Mattermost's manifests
// name one file per platform in "executables" ("linux-amd64": …); the host starts the one for its
// own platform, or "executable" when there is none for it.
import semver from "semver";
import { describe, isObject, unknownFieldWarnings } from "./field-checks.js";
import type { NodeCapability, PluginManifest, PluginRuntime } from "./manifest.js";
import { ManifestError } from "./manifest-error.js";
import { checkRelativePath, resolveInsideFolder } from "./plugin-file.js";

const serverFields = [
  "executable",
  "executables",
  "runtime",
  "node_version",
  "permissions",
] as const;
const nodeCapabilities: readonly NodeCapability[] = [
  "child_process",
  "worker_threads",
  "addons",
  "wasi",
];
const runtimes: readonly PluginRuntime[] = ["node", "executable"];
const javaScriptFile = /\.(?:js|mjs|cjs)$/;
const anyExecuteBit = 0o111;
const example = "dist/plugin.js";

export async function checkServerSection(
  file: string,
  dir: string,
  section: unknown,
  platform: string,
  warnings: string[],
): Promise<PluginManifest["server"]> {
  if (section === undefined) {
    throw new ManifestError({
      file,
      field: "server",
      problem: `is required; add a "server" section whose "executable" is the plugin's entry file, e.g. "${example}"`,
    });
  }
  if (!isObject(section)) {
    throw new ManifestError({
      file,
      field: "server",
      problem: `must be an object with an "executable" field (got ${describe(section)})`,
    });
  }
  warnings.push(...unknownFieldWarnings(section, serverFields, "server."));
  const executables = checkExecutables(file, section.executables);
  const forPlatform = executables?.[platform];
  const field = forPlatform === undefined ? "server.executable" : `server.executables.${platform}`;
  const executableRelative = checkExecutablePath(
    file,
    field,
    forPlatform ?? section.executable,
    executables,
    platform,
  );
  const declaredRuntime = checkRuntime(file, section.runtime);
  const nodeVersion = checkNodeVersionRange(file, section.node_version);
  const permissions = checkPermissions(file, section.permissions);
  const { absolute: executable, stats } = await resolveInsideFolder(
    file,
    field,
    dir,
    executableRelative,
  );
  // Mattermost starts every server executable directly; a JavaScript file runs on Node.
  const runtime =
    declaredRuntime ?? (javaScriptFile.test(executableRelative) ? "node" : "executable");
  if (runtime === "executable" && (stats.mode & anyExecuteBit) === 0) {
    throw new ManifestError({
      file,
      field,
      problem: `points to "${executableRelative}", which has no execute permission, and "server.runtime" is${declaredRuntime === undefined ? " taken to be" : ""} "executable"; run \`chmod +x ${executableRelative}\` before packaging, or set "server.runtime" to "node" if it is JavaScript`,
    });
  }
  return {
    executable,
    executableRelative,
    runtime,
    nodeVersion,
    ...(permissions === undefined ? {} : { permissions }),
    ...(executables === undefined ? {} : { executables }),
  };
}

/** Mattermost's per-platform executables: {"linux-amd64": "server/dist/plugin-linux-amd64", …}. */
function checkExecutables(file: string, value: unknown): Record<string, string> | undefined {
  if (value === undefined) return undefined;
  const problem = `must map platforms to executables, e.g. {"linux-amd64": "server/dist/plugin-linux-amd64"}`;
  if (!isObject(value)) {
    throw new ManifestError({
      file,
      field: "server.executables",
      problem: `${problem} (got ${describe(value)})`,
    });
  }
  for (const [platform, path] of Object.entries(value)) {
    if (typeof path !== "string") {
      throw new ManifestError({
        file,
        field: `server.executables.${platform}`,
        problem: `must be the path of the plugin's executable for ${platform} (got ${describe(path)})`,
      });
    }
  }
  return value as Record<string, string>;
}

function checkPermissions(file: string, value: unknown): NodeCapability[] | undefined {
  if (value === undefined) return undefined;
  const list = Array.isArray(value) ? value : [];
  const unknown = list.find((item) => !nodeCapabilities.includes(item as NodeCapability));
  if (!Array.isArray(value) || unknown !== undefined) {
    throw new ManifestError({
      file,
      field: "server.permissions",
      problem: `must be a list of ${nodeCapabilities.map((name) => `"${name}"`).join(", ")}: what the plugin needs beyond Node's permission model (got ${describe(Array.isArray(value) ? unknown : value)})`,
    });
  }
  return [...new Set(list as NodeCapability[])];
}

function checkExecutablePath(
  file: string,
  field: string,
  value: unknown,
  executables: Record<string, string> | undefined,
  platform: string,
): string {
  if (value === undefined && executables !== undefined) {
    const built = Object.keys(executables);
    throw new ManifestError({
      file,
      field: "server.executables",
      problem: `has no executable for this host's platform, ${platform} (${built.length === 0 ? "it names none" : `only for ${built.join(", ")}`}); build the plugin for ${platform} and add it, or add a "server.executable" for every platform`,
    });
  }
  if (value === undefined) {
    throw new ManifestError({
      file,
      field,
      problem: `is required; set it to the plugin's entry file, relative to the plugin folder, e.g. "${example}"`,
    });
  }
  return checkRelativePath(file, field, value, example);
}

function checkRuntime(file: string, value: unknown): PluginRuntime | undefined {
  if (value === undefined) return undefined;
  if (runtimes.includes(value as PluginRuntime)) return value as PluginRuntime;
  throw new ManifestError({
    file,
    field: "server.runtime",
    problem: `must be "node" (a JavaScript file run by Node.js) or "executable" (a program started directly) (got ${describe(value)})`,
  });
}

function checkNodeVersionRange(file: string, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value === "string" && semver.validRange(value) !== null) return value;
  throw new ManifestError({
    file,
    field: "server.node_version",
    problem: `must be a semver range of Node.js versions, e.g. ">=20.19" or "^22" (got ${describe(value)})`,
  });
}

// The manifest's "server" section: which file the host starts and how. The executable has to stay
// inside the plugin folder even after symlinks are followed, so a plugin can only make the host
// run a file it ships.
import type { Stats } from "node:fs";
import { realpath, stat } from "node:fs/promises";
import path from "node:path";
import semver from "semver";
import { describe, isObject, rejectUnknownFields } from "./field-checks.js";
import type { NodeCapability, PluginManifest, PluginRuntime } from "./manifest.js";
import { ManifestError } from "./manifest-error.js";

const serverFields = ["executable", "runtime", "node_version", "permissions"] as const;
const nodeCapabilities: readonly NodeCapability[] = [
  "child_process",
  "worker_threads",
  "addons",
  "wasi",
];
const runtimes: readonly PluginRuntime[] = ["node", "executable"];
const javaScriptFile = /\.(?:js|mjs|cjs)$/;
const anyExecuteBit = 0o111;

export async function checkServerSection(
  file: string,
  dir: string,
  section: unknown,
): Promise<PluginManifest["server"]> {
  if (section === undefined) {
    throw new ManifestError({
      file,
      field: "server",
      problem: `is required; add a "server" section whose "executable" is the plugin's entry file, e.g. "dist/plugin.js"`,
    });
  }
  if (!isObject(section)) {
    throw new ManifestError({
      file,
      field: "server",
      problem: `must be an object with an "executable" field (got ${describe(section)})`,
    });
  }
  rejectUnknownFields(file, section, serverFields, "server.");
  const executableRelative = checkExecutablePath(file, section.executable);
  const declaredRuntime = checkRuntime(file, section.runtime);
  const nodeVersion = checkNodeVersionRange(file, section.node_version);
  const permissions = checkPermissions(file, section.permissions);
  const { executable, stats } = await resolveInsideFolder(file, dir, executableRelative);
  const runtime = declaredRuntime ?? inferRuntime(file, executableRelative);
  if (runtime === "executable" && (stats.mode & anyExecuteBit) === 0) {
    throw new ManifestError({
      file,
      field: "server.executable",
      problem: `points to "${executableRelative}", which has no execute permission, and "server.runtime" is "executable"; run \`chmod +x ${executableRelative}\` before packaging, or set "server.runtime" to "node" if it is JavaScript`,
    });
  }
  return {
    executable,
    executableRelative,
    runtime,
    nodeVersion,
    ...(permissions === undefined ? {} : { permissions }),
  };
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

function checkExecutablePath(file: string, value: unknown): string {
  const field = "server.executable";
  if (value === undefined) {
    throw new ManifestError({
      file,
      field,
      problem: `is required; set it to the plugin's entry file, relative to the plugin folder, e.g. "dist/plugin.js"`,
    });
  }
  if (typeof value !== "string" || value === "") {
    throw new ManifestError({
      file,
      field,
      problem: `must be a path relative to the plugin folder, e.g. "dist/plugin.js" (got ${describe(value)})`,
    });
  }
  if (path.posix.isAbsolute(value) || path.win32.isAbsolute(value)) {
    throw new ManifestError({
      file,
      field,
      problem: `must be relative to the plugin folder (got ${describe(value)}); ship the file inside the plugin and give its path from the plugin folder, e.g. "dist/plugin.js"`,
    });
  }
  if (value.split(/[\\/]/).includes("..")) {
    throw new ManifestError({
      file,
      field,
      problem: `must not contain ".." (got ${describe(value)}); the executable has to be inside the plugin folder, so give its path from there, e.g. "dist/plugin.js"`,
    });
  }
  return value;
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

function inferRuntime(file: string, executableRelative: string): PluginRuntime {
  if (javaScriptFile.test(executableRelative)) return "node";
  throw new ManifestError({
    file,
    field: "server.runtime",
    problem: `is required because "${executableRelative}" is not a .js, .mjs or .cjs file; set it to "executable" for a program started directly, or to "node" if the file is JavaScript`,
  });
}

async function resolveInsideFolder(
  file: string,
  dir: string,
  executableRelative: string,
): Promise<{ executable: string; stats: Stats }> {
  const field = "server.executable";
  let executable: string;
  try {
    executable = await realpath(path.join(dir, executableRelative));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ManifestError({
      file,
      field,
      problem:
        code === "ENOENT" || code === "ENOTDIR"
          ? `points to "${executableRelative}", which does not exist in the plugin folder; build the plugin or correct the path`
          : `points to "${executableRelative}", which cannot be resolved (${code}); correct the path or the symlink`,
    });
  }
  const fromDir = path.relative(dir, executable);
  if (fromDir === ".." || fromDir.startsWith(`..${path.sep}`) || path.isAbsolute(fromDir)) {
    throw new ManifestError({
      file,
      field,
      problem: `points to "${executableRelative}", which resolves to ${executable}, outside the plugin folder; copy the file into the plugin instead of linking to it`,
    });
  }
  const stats = await stat(executable);
  if (!stats.isFile()) {
    throw new ManifestError({
      file,
      field,
      problem: `points to "${executableRelative}", which is ${stats.isDirectory() ? "a folder" : "not a regular file"}; point it at the entry file itself, e.g. "dist/plugin.js"`,
    });
  }
  return { executable, stats };
}

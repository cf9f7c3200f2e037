// A file the manifest names (the server executable, the web app bundle): a path relative to the
// plugin folder that must stay inside it even after symlinks are followed, so a plugin can only
// make the host run or serve a file it ships.
import type { Stats } from "node:fs";
import { realpath, stat } from "node:fs/promises";
import path from "node:path";
import { describe } from "./field-checks.js";
import { ManifestError } from "./manifest-error.js";

/** `value` as a relative path without ".." segments; `example` shows a good one. */
export function checkRelativePath(
  file: string,
  field: string,
  value: unknown,
  example: string,
): string {
  if (typeof value !== "string" || value === "") {
    throw new ManifestError({
      file,
      field,
      problem: `must be a path relative to the plugin folder, e.g. "${example}" (got ${describe(value)})`,
    });
  }
  if (path.posix.isAbsolute(value) || path.win32.isAbsolute(value)) {
    throw new ManifestError({
      file,
      field,
      problem: `must be relative to the plugin folder (got ${describe(value)}); ship the file inside the plugin and give its path from the plugin folder, e.g. "${example}"`,
    });
  }
  if (value.split(/[\\/]/).includes("..")) {
    throw new ManifestError({
      file,
      field,
      problem: `must not contain ".." (got ${describe(value)}); the file has to be inside the plugin folder, so give its path from there, e.g. "${example}"`,
    });
  }
  return value;
}

/** The absolute path of `relative` inside `dir`, symlinks resolved, and its stats: a regular file. */
export async function resolveInsideFolder(
  file: string,
  field: string,
  dir: string,
  relative: string,
): Promise<{ absolute: string; stats: Stats }> {
  let absolute: string;
  try {
    absolute = await realpath(path.join(dir, relative));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ManifestError({
      file,
      field,
      problem:
        code === "ENOENT" || code === "ENOTDIR"
          ? `points to "${relative}", which does not exist in the plugin folder; build the plugin or correct the path`
          : `points to "${relative}", which cannot be resolved (${code}); correct the path or the symlink`,
    });
  }
  const fromDir = path.relative(dir, absolute);
  if (fromDir === ".." || fromDir.startsWith(`..${path.sep}`) || path.isAbsolute(fromDir)) {
    throw new ManifestError({
      file,
      field,
      problem: `points to "${relative}", which resolves to ${absolute}, outside the plugin folder; copy the file into the plugin instead of linking to it`,
    });
  }
  const stats = await stat(absolute);
  if (!stats.isFile()) {
    throw new ManifestError({
      file,
      field,
      problem: `points to "${relative}", which is ${stats.isDirectory() ? "a folder" : "not a regular file"}; point it at the file itself`,
    });
  }
  return { absolute, stats };
}

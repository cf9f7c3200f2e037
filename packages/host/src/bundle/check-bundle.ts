// The first pass over a bundle, which writes nothing: every entry must be a plain file or folder
// whose path stays inside the plugin folder, the sizes must stay under the caps, and the manifest
// must be where Mattermost looks for it. Only a bundle that passes is extracted.
import { posix } from "node:path";
import { Parser, type ReadEntry } from "tar";
import { manifestFileNames } from "../manifest/read-manifest-file.js";
import { bundleEntryRefused, bundleTooLarge, bundleWithoutManifest } from "./bundle-errors.js";
import type { BundleLimits } from "./bundle-limits.js";
import { readArchive } from "./read-archive.js";

/** Where the plugin sits in a checked bundle. */
export interface BundleLayout {
  /**
   * The archive folder holding the manifest: "" when the manifest is at the archive's root,
   * otherwise the archive's one top-level folder (as `tar -czf id.tar.gz id/` packs it).
   */
  pluginRoot: string;
}

const fileTypes: ReadonlySet<string> = new Set(["File", "OldFile", "ContiguousFile"]);

/** Checks a .tar.gz without writing anything; throws the ValidationError that refuses it. */
export async function checkBundle(
  archive: Uint8Array,
  limits: BundleLimits,
): Promise<BundleLayout> {
  const files: string[] = [];
  const folders: string[] = [];
  let declaredBytes = 0;
  let refusal: Error | undefined;
  const parser: Parser = new Parser({
    strict: true,
    onReadEntry: (entry: ReadEntry) => {
      entry.resume();
      if (refusal !== undefined) return;
      declaredBytes += entry.size;
      refusal =
        refuseEntry(entry) ??
        (declaredBytes > limits.maxUncompressedBytes
          ? bundleTooLarge("uncompressed", limits.maxUncompressedBytes)
          : undefined);
      if (refusal !== undefined) {
        parser.abort(new Error(refusal.message));
        return;
      }
      const path = archivePath(entry.path);
      if (path !== "") (fileTypes.has(entry.type) ? files : folders).push(path);
    },
  });
  await readArchive(archive, limits, parser, () => refusal);
  return { pluginRoot: findPluginRoot(files, folders) };
}

function refuseEntry(entry: ReadEntry): Error | undefined {
  const { path, type } = entry;
  if (type === "SymbolicLink") {
    return bundleEntryRefused(
      path,
      `is a symbolic link (to ${JSON.stringify(entry.linkpath)}); bundles may hold only files and folders, so put a copy of the file there instead`,
    );
  }
  if (type === "Link") {
    return bundleEntryRefused(
      path,
      `is a hard link (to ${JSON.stringify(entry.linkpath)}); bundles may hold only files and folders, so put a copy of the file there instead`,
    );
  }
  if (!fileTypes.has(type) && type !== "Directory") {
    return bundleEntryRefused(path, `is a ${type} entry; bundles may hold only files and folders`);
  }
  if (/^(?:[/\\]|[a-zA-Z]:)/.test(path)) {
    return bundleEntryRefused(
      path,
      "is an absolute path; every entry must be relative to the plugin folder",
    );
  }
  if (path.split(/[/\\]/).includes("..")) {
    return bundleEntryRefused(
      path,
      'contains ".."; every entry must stay inside the plugin folder',
    );
  }
  return undefined;
}

/** An entry's path without "./" prefixes, doubled or trailing slashes; "" for the root itself. */
function archivePath(path: string): string {
  const normalized = posix.normalize(path).replace(/\/+$/, "");
  return normalized === "." ? "" : normalized;
}

function findPluginRoot(files: readonly string[], folders: readonly string[]): string {
  const isManifestIn = (folder: string) => (file: string) =>
    manifestFileNames.some((name) => file === (folder === "" ? name : `${folder}/${name}`));
  if (files.some(isManifestIn(""))) return "";
  const topLevel = new Set([...files, ...folders].map((path) => path.split("/")[0] as string));
  const [only] = topLevel;
  if (topLevel.size === 1 && only !== undefined && !files.includes(only)) {
    if (files.some(isManifestIn(only))) return only;
  }
  throw bundleWithoutManifest();
}

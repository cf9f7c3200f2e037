// From uploaded bytes to a plugin folder ready to move into place: check the archive, extract it
// into a private staging folder outside the plugins folder, and validate its manifest there.
// Nothing reaches the plugins folder unless all of that passed.
import { mkdtemp, realpath, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, sep } from "node:path";
import { loadManifest } from "../manifest/load-manifest.js";
import type { PluginManifest } from "../manifest/manifest.js";
import { ManifestError } from "../manifest/manifest-error.js";
import { bundleManifestInvalid } from "./bundle-errors.js";
import type { BundleLimits } from "./bundle-limits.js";
import { checkBundle } from "./check-bundle.js";
import { extractBundle } from "./extract-bundle.js";

/** A valid bundle, extracted into a staging folder of its own. */
export interface StagedBundle {
  /** The manifest, as validated in the staging folder. */
  manifest: PluginManifest;
  /** The plugin folder inside the staging folder. */
  dir: string;
  /** Deletes the staging folder and whatever is still in it. */
  discard(): Promise<void>;
}

export interface StageBundleOptions {
  limits: BundleLimits;
  /** The host's version, for the manifest's min_server_version. */
  serverVersion: string;
}

/** Checks, extracts and validates a .tar.gz; throws a ValidationError saying why it is refused. */
export async function stageBundle(
  archive: Uint8Array,
  options: StageBundleOptions,
): Promise<StagedBundle> {
  const layout = await checkBundle(archive, options.limits);
  const staging = await realpath(await mkdtemp(join(tmpdir(), "plugwire-bundle-")));
  const discard = () => rm(staging, { recursive: true, force: true });
  try {
    await extractBundle(archive, options.limits, staging);
    const dir = join(staging, layout.pluginRoot);
    const manifest = await loadManifest(dir, { serverVersion: options.serverVersion }).catch(
      (error: unknown) => {
        if (!(error instanceof ManifestError)) throw error;
        // The staging path means nothing to whoever uploaded the bundle.
        const problem = error.message.replaceAll(`${dir}${sep}`, "").replaceAll(dir, "the bundle");
        throw bundleManifestInvalid(problem, error.field);
      },
    );
    return { manifest, dir, discard };
  } catch (error) {
    await discard();
    throw error;
  }
}

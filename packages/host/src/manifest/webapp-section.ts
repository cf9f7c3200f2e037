// The manifest's "webapp" section: the JavaScript bundle Mattermost's web app loads for the
// plugin. Its hash is part of the URL it is served at (/static/plugins/<id>/<id>_<hash>_bundle.js),
// so a new build gets a new URL and browsers may cache each one for good.
import { readFile } from "node:fs/promises";
import { describe, isObject, unknownFieldWarnings } from "./field-checks.js";
import type { PluginWebapp } from "./manifest.js";
import { ManifestError } from "./manifest-error.js";
import { checkRelativePath, resolveInsideFolder } from "./plugin-file.js";

const webappFields = ["bundle_path"] as const;

export async function checkWebappSection(
  file: string,
  dir: string,
  section: unknown,
  warnings: string[],
): Promise<PluginWebapp | undefined> {
  if (section === undefined) return undefined;
  if (!isObject(section)) {
    throw new ManifestError({
      file,
      field: "webapp",
      problem: `must be an object with a "bundle_path" field (got ${describe(section)})`,
    });
  }
  warnings.push(...unknownFieldWarnings(section, webappFields, "webapp."));
  const field = "webapp.bundle_path";
  if (section.bundle_path === undefined) {
    throw new ManifestError({
      file,
      field,
      problem: `is required; set it to the web app's bundle, relative to the plugin folder, e.g. "webapp/dist/main.js"`,
    });
  }
  const bundlePathRelative = checkRelativePath(
    file,
    field,
    section.bundle_path,
    "webapp/dist/main.js",
  );
  const { absolute } = await resolveInsideFolder(file, field, dir, bundlePathRelative);
  return {
    bundlePath: absolute,
    bundlePathRelative,
    bundleHash: fnv1a64Hex(await readFile(absolute)),
  };
}

/**
 * The 64-bit FNV-1a hash of `bytes` as 16 hex digits, the hash Mattermost names bundles by.
 * Computed in four 16-bit parts, since JavaScript numbers hold only 53 bits exactly.
 */
export function fnv1a64Hex(bytes: Uint8Array): string {
  // The offset basis 0xcbf29ce484222325, lowest part first.
  let h0 = 0x2325;
  let h1 = 0x8422;
  let h2 = 0x9ce4;
  let h3 = 0xcbf2;
  for (const byte of bytes) {
    h0 ^= byte;
    // Times the prime 0x100000001b3 = 2^40 + 0x1b3, modulo 2^64.
    const t0 = h0 * 0x1b3;
    const t1 = h1 * 0x1b3 + (t0 >>> 16);
    const t2 = h2 * 0x1b3 + h0 * 0x100 + (t1 >>> 16);
    const t3 = h3 * 0x1b3 + h1 * 0x100 + (t2 >>> 16);
    h0 = t0 & 0xffff;
    h1 = t1 & 0xffff;
    h2 = t2 & 0xffff;
    h3 = t3 & 0xffff;
  }
  return [h3, h2, h1, h0].map((part) => part.toString(16).padStart(4, "0")).join("");
}

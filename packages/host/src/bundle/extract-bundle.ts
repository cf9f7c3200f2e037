// The second pass over a bundle, run only after checkBundle accepted it: node-tar writes its
// files and folders into a private staging folder.
import { Unpack } from "tar";
import type { BundleLimits } from "./bundle-limits.js";
import { readArchive } from "./read-archive.js";

/** Permission bits kept from the archive: no setuid, setgid, sticky or write for others. */
const keptModeBits = 0o755;

/** Extracts a checked bundle into the existing, empty folder `into`. */
export async function extractBundle(
  archive: Uint8Array,
  limits: BundleLimits,
  into: string,
): Promise<void> {
  const unpack = new Unpack({
    cwd: into,
    strict: true,
    // node-tar restores the archive's owners when run as root; a bundle's owners mean nothing here.
    preserveOwner: false,
    onReadEntry: (entry) => {
      if (entry.mode !== undefined) entry.mode &= keptModeBits;
    },
  });
  await readArchive(archive, limits, unpack);
}

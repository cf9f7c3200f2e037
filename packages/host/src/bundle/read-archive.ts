// The one way a bundle's bytes are read, for checking and for extracting alike: the size cap,
// gzip decompression counted byte by byte against the uncompressed cap, and a node-tar parser fed
// at the pace it consumes. The parser is never trusted to stop a bomb on its own.
import { once } from "node:events";
import { createGunzip } from "node:zlib";
import { ValidationError } from "@plugwire/errors";
import type { Parser } from "tar";
import { bundleTooLarge, bundleUnreadable } from "./bundle-errors.js";
import type { BundleLimits } from "./bundle-limits.js";

/**
 * Decompresses `archive` into `parser` and resolves once the parser has finished (for an Unpack:
 * once every file is on disk). Rejects with a 413 ValidationError past a limit, with
 * `refusal()` when the parser was aborted because of it, else with a 400 for a broken archive.
 */
export async function readArchive(
  archive: Uint8Array,
  limits: BundleLimits,
  parser: Parser,
  refusal: () => Error | undefined = () => undefined,
): Promise<void> {
  if (archive.byteLength > limits.maxBundleBytes) {
    throw bundleTooLarge("compressed", limits.maxBundleBytes);
  }
  if (archive[0] !== 0x1f || archive[1] !== 0x8b) {
    throw bundleUnreadable("it is not gzip-compressed");
  }
  let parseError: unknown;
  const parsed = new Promise<void>((resolve, reject) => {
    parser.on("error", (error: unknown) => {
      parseError ??= error;
      reject(error);
    });
    parser.on("close", resolve);
  });
  // Observed below; without this an early rejection would count as unhandled meanwhile.
  parsed.catch(() => undefined);
  const gunzip = createGunzip();
  gunzip.end(archive);
  const stopWaiting = new AbortController();
  let inflated = 0;
  try {
    for await (const chunk of gunzip as AsyncIterable<Buffer>) {
      inflated += chunk.byteLength;
      if (inflated > limits.maxUncompressedBytes) {
        throw bundleTooLarge("uncompressed", limits.maxUncompressedBytes);
      }
      if (parseError !== undefined) break;
      if (!parser.write(chunk)) {
        await Promise.race([once(parser, "drain", { signal: stopWaiting.signal }), parsed]);
      }
    }
    parser.end();
    await parsed;
  } catch (error) {
    throw (
      refusal() ??
      (error instanceof ValidationError ? error : bundleUnreadable(describeFailure(error)))
    );
  } finally {
    stopWaiting.abort();
    gunzip.destroy();
  }
}

function describeFailure(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  // node-tar prefixes its codes ("TAR_BAD_ARCHIVE: Unrecognized archive format").
  return message.replace(/^TAR_[A-Z_]+: /, "").replace(/^./, (c) => c.toLowerCase());
}

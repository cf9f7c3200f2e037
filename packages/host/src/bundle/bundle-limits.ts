// How big a plugin bundle may be, compressed and once decompressed. The second cap is what stops
// a gzip bomb: a few kilobytes that inflate to gigabytes are refused while being read, before
// anything reaches the disk.

/** Largest .tar.gz accepted: 50 MiB, Mattermost's default upload limit. */
export const DEFAULT_MAX_BUNDLE_BYTES = 50 * 1024 * 1024;

/** Largest decompressed tar stream accepted: 512 MiB. */
export const DEFAULT_MAX_BUNDLE_UNCOMPRESSED_BYTES = 512 * 1024 * 1024;

export interface BundleLimits {
  /** Largest archive, compressed. */
  maxBundleBytes: number;
  /** Largest tar stream once decompressed: headers, file contents and padding together. */
  maxUncompressedBytes: number;
}

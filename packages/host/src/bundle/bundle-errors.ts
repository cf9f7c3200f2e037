// Why a bundle was refused, as the errors the REST server turns into v4 error bodies. Each says
// what to change in the bundle; params.entry names the archive entry at fault when there is one.
import { ValidationError } from "@plugwire/errors";

const MIB = 1024 * 1024;

function mebibytes(bytes: number): string {
  return `${Number((bytes / MIB).toFixed(2))} MiB`;
}

/** 413: the archive, or what it inflates to, is over a limit. */
export function bundleTooLarge(
  what: "compressed" | "uncompressed",
  limit: number,
): ValidationError {
  const message =
    what === "compressed"
      ? `The plugin bundle is larger than ${mebibytes(limit)}; leave development files out of it (sources, tests, dev dependencies).`
      : `The plugin bundle inflates to more than ${mebibytes(limit)}; leave development files out of it (sources, tests, dev dependencies).`;
  return new ValidationError({
    id: "app.plugin.install.too_large",
    message,
    statusCode: 413,
    params: { field: "bundle", limit_bytes: limit, limit_applies_to: what },
  });
}

/** 400: the bytes are not a readable .tar.gz. */
export function bundleUnreadable(problem: string): ValidationError {
  return new ValidationError({
    id: "app.plugin.install.invalid_archive",
    message: `The plugin bundle is not a readable .tar.gz: ${problem}. Create it with \`tar -czf <id>.tar.gz -C <plugin folder> .\`.`,
    params: { field: "bundle" },
  });
}

/** 400: one entry could be written outside the plugin folder, or is not a file or folder. */
export function bundleEntryRefused(entry: string, problem: string): ValidationError {
  return new ValidationError({
    id: "app.plugin.install.unsafe_entry",
    message: `The plugin bundle's entry ${JSON.stringify(entry)} ${problem}.`,
    params: { field: "bundle", entry },
  });
}

/** 400: no manifest where the host looks for one. */
export function bundleWithoutManifest(): ValidationError {
  return new ValidationError({
    id: "app.plugin.install.no_manifest",
    message:
      "The plugin bundle has no plugin.json (or plugin.yaml) at its root or in its one top-level folder; put the manifest there.",
    params: { field: "bundle" },
  });
}

/** 400: the manifest is there but loadManifest refused it; `problem` is its diagnostic. */
export function bundleManifestInvalid(problem: string, field: string | undefined): ValidationError {
  return new ValidationError({
    id: "app.plugin.install.invalid_manifest",
    message: `The plugin bundle's manifest is invalid: ${problem}`,
    params: field === undefined ? { field: "bundle" } : { field: "bundle", manifest_field: field },
  });
}

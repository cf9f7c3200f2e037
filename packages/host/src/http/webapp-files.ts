// The web app half of plugins, where Mattermost's web app loads it: GET /static/plugins/<id>/
// <id>_<hash>_bundle.js is the bundle its manifest's webapp.bundle_path names, and any other
// /static/plugins/<id>/<path> a file beside the bundle (the chunks and assets a bundle loads
// from there), as Mattermost copies the bundle's folder into its client's plugins folder. Only
// active plugins' files are served; no session is needed, as for any static file.
import { createReadStream } from "node:fs";
import { realpath, stat } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import { dirname, extname, join, relative, sep } from "node:path";
import { pipeline } from "node:stream/promises";
import { NotFoundError, PluginAPIError } from "@plugwire/errors";
import { mimeTypeOf } from "../app/mime-type.js";
import type { Host } from "../host.js";
import type { PluginManifest, PluginWebapp } from "../manifest/manifest.js";

/** Where plugins' web app files are served. */
export const WEBAPP_FILES_PREFIX = "/static/plugins/";

/** Mattermost's cache lifetime for static files: a year. */
const CACHE_CONTROL = "max-age=31556926, public";

/** The path the bundle of `manifest`'s web app is served at. */
export function webappBundleUrl(manifest: PluginManifest & { webapp: PluginWebapp }): string {
  return `${WEBAPP_FILES_PREFIX}${manifest.id}/${bundleFileName(manifest.id, manifest.webapp)}`;
}

function bundleFileName(pluginId: string, webapp: PluginWebapp): string {
  return `${pluginId}_${webapp.bundleHash}_bundle.js`;
}

/** Answers a GET or HEAD below WEBAPP_FILES_PREFIX; throws a PluginAPIError for the rest. */
export async function serveWebappFile(
  host: Host,
  req: IncomingMessage,
  res: ServerResponse,
  pathname: string,
): Promise<void> {
  if (req.method !== "GET" && req.method !== "HEAD") {
    res.setHeader("allow", "GET, HEAD");
    throw new PluginAPIError({
      id: "api.context.405.app_error",
      message: `${pathname} does not answer ${req.method}: plugins' web app files are read with GET.`,
      statusCode: 405,
      params: { path: pathname, method: req.method ?? "" },
    });
  }
  const [pluginId = "", ...parts] = pathname.slice(WEBAPP_FILES_PREFIX.length).split("/");
  const status = host.statuses().find((candidate) => candidate.id === pluginId);
  const webapp = status?.manifest.webapp;
  if (status === undefined || status.state !== "active" || webapp === undefined) {
    throw notFound(pathname, `no active plugin "${pluginId}" has a web app`);
  }
  const segments = parts.map(decodeSegment);
  if (segments.some((segment) => segment === undefined)) {
    throw notFound(pathname, "the path is not a file of the plugin's web app");
  }
  const name = segments.join("/");
  const file =
    name === bundleFileName(pluginId, webapp)
      ? webapp.bundlePath
      : await fileBesideBundle(webapp, segments as string[], pathname);
  const stats = await stat(file);
  res.writeHead(200, {
    "content-type": contentTypeOf(file),
    "content-length": stats.size,
    "cache-control": CACHE_CONTROL,
    "x-content-type-options": "nosniff",
  });
  if (req.method === "HEAD") {
    res.end();
    return;
  }
  await pipeline(createReadStream(file), res);
}

/** A file in the bundle's folder (symlinks resolved and kept inside it). */
async function fileBesideBundle(
  webapp: PluginWebapp,
  segments: string[],
  pathname: string,
): Promise<string> {
  const folder = dirname(webapp.bundlePath);
  let file: string;
  try {
    file = await realpath(join(folder, ...segments));
  } catch {
    throw notFound(pathname, "the plugin's web app has no such file");
  }
  const inside = relative(folder, file);
  const isFile = await stat(file).then(
    (stats) => stats.isFile(),
    () => false,
  );
  if (inside === "" || inside.startsWith(`..${sep}`) || inside === ".." || !isFile) {
    throw notFound(pathname, "the plugin's web app has no such file");
  }
  return file;
}

/** A decoded path segment that names something inside a folder, or undefined. */
function decodeSegment(segment: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(segment);
  } catch {
    return undefined;
  }
  const inside =
    decoded !== "" &&
    decoded !== "." &&
    decoded !== ".." &&
    !decoded.includes("/") &&
    !decoded.includes("\\") &&
    !decoded.includes("\0");
  return inside ? decoded : undefined;
}

function contentTypeOf(file: string): string {
  const extension = extname(file).slice(1).toLowerCase();
  if (extension === "js" || extension === "mjs") return "text/javascript; charset=utf-8";
  if (extension === "css") return "text/css; charset=utf-8";
  if (extension === "map") return "application/json";
  if (extension === "wasm") return "application/wasm";
  if (extension === "woff2") return "font/woff2";
  if (extension === "woff") return "font/woff";
  if (extension === "ttf") return "font/ttf";
  return mimeTypeOf(extension);
}

function notFound(pathname: string, why: string): NotFoundError {
  return new NotFoundError({
    id: "api.context.404.app_error",
    message: `Sorry, we could not find the page: ${pathname} (${why}).`,
    params: { path: pathname },
  });
}

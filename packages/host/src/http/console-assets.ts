// The admin console's page at /console: the host serves its built files (packages/console)
// itself, no CDN. The files are the same for everyone and hold no data: the page signs in and
// reads everything through the REST API, which answers system admins only.
import { readFile } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import { extname, join } from "node:path";

export const CONSOLE_PATH = "/console";

const CONTENT_TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".map": "application/json",
};

/** The page may load only its own files and talk only to this server. */
const SECURITY_HEADERS = {
  "content-security-policy":
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
  "referrer-policy": "same-origin",
};

export function isConsolePath(pathname: string): boolean {
  return pathname === CONSOLE_PATH || pathname.startsWith(`${CONSOLE_PATH}/`);
}

/**
 * Answers a request under /console from `assetsDir`: the page for /console and any path
 * without a file extension (the page's own routes), the named file otherwise, 404 for others.
 */
export async function serveConsole(
  assetsDir: string,
  req: IncomingMessage,
  res: ServerResponse,
  pathname: string,
): Promise<void> {
  if (req.method !== "GET" && req.method !== "HEAD") {
    res.writeHead(405, { allow: "GET, HEAD", "content-type": "text/plain; charset=utf-8" });
    res.end("The console's files are read with GET.\n");
    return;
  }
  const rest = pathname.slice(CONSOLE_PATH.length).replace(/^\/+/, "");
  const name = extname(rest) === "" ? "index.html" : rest;
  const type = CONTENT_TYPES[extname(name)];
  // Only plain names of the assets folder: no folders, so no way out of it.
  if (type === undefined || !/^[\w.-]+$/.test(name) || name.startsWith(".")) {
    notFound(res);
    return;
  }
  let body: Buffer;
  try {
    body = await readFile(join(assetsDir, name));
  } catch {
    notFound(res);
    return;
  }
  res.writeHead(200, {
    ...SECURITY_HEADERS,
    "content-type": type,
    "content-length": body.length,
    // The page is small; always current beats a stale console after an upgrade.
    "cache-control": "no-cache",
  });
  res.end(req.method === "HEAD" ? undefined : body);
}

function notFound(res: ServerResponse): void {
  res.writeHead(404, { "content-type": "text/plain; charset=utf-8" });
  res.end("Not found.\n");
}

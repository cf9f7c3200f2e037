// Where a request under /plugins/{plugin_id}/ goes. Most targets are plain paths the URL
// parser would leave as they are; those are read off the string, which on the proxy's path
// costs less than parsing a URL per request.

/** Where a request under /plugins/ goes: the plugin, and the path and query below it. */
export interface PluginTarget {
  pluginId: string;
  /** Path and query below /plugins/{plugin_id}, starting with "/". */
  path: string;
}

/** The plugin target of a parsed URL under /plugins/. */
export function pluginTarget(url: URL): PluginTarget {
  const [, , pluginId = "", ...rest] = url.pathname.split("/");
  // Plugin ids are letters, digits, ".", "_" and "-": nothing to decode.
  return { pluginId, path: `/${rest.join("/")}${url.search}` };
}

/**
 * A request target under /plugins/ that the URL parser would leave exactly as it is (no dot
 * segments, no percent escapes in the path, nothing in the query it would escape): its plugin
 * and path are read off the string, without parsing a URL, as pluginTarget(new URL(…)) would
 * read them. Undefined for any other target, which takes the URL parser.
 */
export function plainPluginTarget(target: string | undefined): PluginTarget | undefined {
  if (target === undefined || !target.startsWith("/plugins/")) {
    return undefined;
  }
  const match = plainPluginPattern.exec(target);
  if (match === null || dotSegment.test(match[1] ?? "")) {
    return undefined;
  }
  const pluginId = match[2] as string;
  const below = match[3] ?? "";
  const query = match[4] === undefined || match[4] === "?" ? "" : match[4];
  return { pluginId, path: `/${below}${query}` };
}

/** /plugins/{id}[/path][?query] in characters the URL parser keeps as they are. */
const plainPluginPattern =
  /^\/plugins(\/([\w\-.~!$&'()*+,;=:@]+)(?:\/([\w\-.~!$&'()*+,;=:@/]*))?)(\?[\w\-.~!$&()*+,;=:@/?%]*)?$/;
/** "." and ".." segments, which the URL parser resolves. */
const dotSegment = /\/\.{1,2}(?:\/|$)/;

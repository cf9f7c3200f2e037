// The social specs' plugin (this folder): where it is, its id, and a helper that calls a
// Plugin API method through it, so the call crosses a real plugin process and its socket.
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { RestFixture } from "../rest/rest-fixture.js";

export const SOCIAL_ID = "test.social";
export const socialPluginDir = dirname(fileURLToPath(import.meta.url));

/**
 * A REST fixture (RestFixture.start) with this plugin loaded and enabled, and its Plugin API as
 * specs call it: the setup of every spec that drives the API through this plugin.
 */
export async function startSocialFixture(): Promise<{ f: RestFixture; api: PluginApiCalls }> {
  const f = await RestFixture.start();
  await f.host.loadPlugin(socialPluginDir);
  await f.host.enablePlugin(SOCIAL_ID);
  return { f, api: pluginApi(f) };
}

/** What the plugin answered: the method's result, or the error it threw. */
export interface PluginCallResult {
  // biome-ignore lint/suspicious/noExplicitAny: specs assert on the shape of each method's result
  result?: any;
  error?: { name: string; id: string; message: string; params: Record<string, unknown> };
}

/** The plugin's API as specs call it: `api.addReaction(reaction)` runs in the plugin process. */
export type PluginApiCalls = Record<string, (...args: unknown[]) => Promise<PluginCallResult>>;

export function pluginApi(f: RestFixture): PluginApiCalls {
  return new Proxy({} as PluginApiCalls, {
    get:
      (_target, method) =>
      (...args: unknown[]) =>
        callPluginApi(f, String(method), ...args),
  });
}

/** Calls `this.api.<method>(...args)` in the plugin process, as a request of the admin. */
async function callPluginApi(
  f: RestFixture,
  method: string,
  ...args: unknown[]
): Promise<PluginCallResult> {
  const { status, body } = await f.call("POST", `/plugins/${SOCIAL_ID}/call/${method}`, {
    token: f.adminToken,
    json: args,
  });
  if (status !== 200) throw new Error(`${method}: the plugin answered ${status}`);
  return body;
}

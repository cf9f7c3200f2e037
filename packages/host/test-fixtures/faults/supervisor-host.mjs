// A host process for the fault specs that kill the host: runs the built supervisor (dist) with
// one plugin and a PluginAPI that answers only GetPluginConfig, and prints "active <plugin pid>"
// once the plugin is active. Arguments: the manifest as JSON; options as JSON (killWithHost,
// and pidRegistryDir for a PluginPidRegistry).
import { createServer } from "node:http2";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import { PluginAPI } from "@plugwire/protocol";
import { PluginPidRegistry } from "../../dist/supervisor/plugin-pid-registry.js";
import { PluginSupervisor } from "../../dist/supervisor/supervisor.js";

const manifest = JSON.parse(process.argv[2]);
const { killWithHost, pidRegistryDir } = JSON.parse(process.argv[3] ?? "{}");
const supervisor = new PluginSupervisor(manifest, {
  serveApi: async ({ socketPath }) => {
    const server = createServer(
      connectNodeAdapter({
        routes: (router) => router.service(PluginAPI, { getPluginConfig: () => ({}) }),
      }),
    );
    await new Promise((resolve) => server.listen(socketPath, resolve));
    return { close: () => new Promise((resolve) => server.close(() => resolve())) };
  },
  log: () => {},
  killWithHost,
  pidRegistry: pidRegistryDir === undefined ? undefined : new PluginPidRegistry(pidRegistryDir),
});
await supervisor.start();
process.stdout.write(`active ${supervisor.pid}\n`);

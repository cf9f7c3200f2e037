// A host process for the bounded-output spec: runs the built supervisor (dist) with one plugin,
// logging JSON lines to its own stderr, which the spec leaves unread. On stdout it prints
// "active <rss> <plugin pid>" once the plugin is active, then starts the plugin's flood and
// prints "rss <bytes>" every 100 ms. Argument: the manifest, as JSON.
import { createServer } from "node:net";
import { jsonLineSink } from "../../dist/log.js";
import { PluginSupervisor } from "../../dist/supervisor/supervisor.js";

const supervisor = new PluginSupervisor(JSON.parse(process.argv[2]), {
  serveApi: async ({ socketPath }) => {
    const server = createServer((socket) => socket.destroy());
    await new Promise((resolve) => server.listen(socketPath, resolve));
    return { close: () => new Promise((resolve) => server.close(() => resolve())) };
  },
  log: jsonLineSink("info"),
});
await supervisor.start();
process.stdout.write(`active ${process.memoryUsage().rss} ${supervisor.pid}\n`);
await supervisor.callHook("OnConfigurationChange", { config: {} });
setInterval(() => process.stdout.write(`rss ${process.memoryUsage().rss}\n`), 100);

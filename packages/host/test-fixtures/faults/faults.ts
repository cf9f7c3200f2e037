// Test support for the fault specs: manifests for the SDK fixture plugins in this folder (each
// `<name>.mjs` imports the built SDK), each with a fresh plugin folder of its own, and the
// smallest PluginAPI an SDK plugin activates against.
import { mkdtemp, realpath, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:http2";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import { PluginAPI } from "@plugwire/protocol";
import type { ServerPluginManifest } from "../../src/manifest/manifest.js";
import type { ServeApi } from "../../src/supervisor/plugin-process.js";
import type { Cleanup } from "../supervisor/fixtures.js";

export const faultFixturesDir = dirname(fileURLToPath(import.meta.url));

/** A manifest for `<name>.mjs` in this folder, with a fresh plugin folder as working directory. */
export async function faultManifest(name: string, cleanup: Cleanup): Promise<ServerPluginManifest> {
  const dir = await realpath(await mkdtemp(join(tmpdir(), "pw-fault-")));
  cleanup.add(() => rm(dir, { recursive: true, force: true }));
  const id = `test.fault.${name}`;
  // The SDK reads the manifest from the working directory.
  await writeFile(
    join(dir, "plugin.json"),
    JSON.stringify({ id, name, version: "1.0.0", server: { executable: `${name}.mjs` } }),
  );
  const executable = join(faultFixturesDir, `${name}.mjs`);
  return {
    id,
    name,
    description: `fault fixture ${name}`,
    version: "1.0.0",
    server: { executable, executableRelative: `${name}.mjs`, runtime: "node" },
    dir,
    file: join(dir, "plugin.json"),
  };
}

/** A PluginAPI that answers GetPluginConfig (what the SDK asks at activation) and nothing else. */
export const minimalApi: ServeApi = async ({ socketPath }) => {
  const server = createServer(
    connectNodeAdapter({
      grpc: true,
      connect: false,
      grpcWeb: false,
      routes: (router) => router.service(PluginAPI, { getPluginConfig: () => ({}) }),
    }),
  );
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  return {
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Sessions the plugin left open must not hold the close up.
        server.emit("closeAllSessions");
      }),
  };
};

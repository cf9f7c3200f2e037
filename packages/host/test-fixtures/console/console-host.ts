// A host for the console's browser specs: SQLite in a temporary data folder, a plugins folder
// for uploads, the Hello plugin (apps/hello-plugin, built) and the settings plugin enabled, the
// crashing plugin loaded but disabled, and the REST server (which serves /console) on a free
// port with a small body limit, so that an oversize upload is cheap to make.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { create } from "@bufbuild/protobuf";
import { UserSchema } from "@plugwire/protocol";
import { createHost, type Host } from "../../src/host.js";
import { type RestServer, startRestServer } from "../../src/http/rest/server.js";

export const SETTINGS_ID = "test.console-settings";
export const CRASHER_ID = "test.console-crasher";
export const HELLO_ID = "com.plugwire.hello";
export const PASSWORD = "console-spec-password";
/** The REST server's body limit here: bundles under it install, a larger file gets 413. */
export const MAX_BODY_BYTES = 256 * 1024;

const repo = fileURLToPath(new URL("../../../../", import.meta.url));
const here = fileURLToPath(new URL(".", import.meta.url));

export interface ConsoleHost {
  host: Host;
  server: RestServer;
  url: string;
  close(): Promise<void>;
}

export async function startConsoleHost(): Promise<ConsoleHost> {
  const dataDir = await mkdtemp(join(tmpdir(), "pw-console-"));
  const host = await createHost({
    dataDir,
    pluginsDir: join(dataDir, "plugins"),
    log: () => {},
    // Test plugins import the SDK from this repository by its path.
    sandbox: { readablePaths: [repo] },
    restart: { initialBackoffMs: 50, maxRestarts: 1 },
  });
  await host.loadPlugin(join(repo, "apps/hello-plugin"));
  await host.loadPlugin(join(here, "settings-plugin"));
  await host.loadPlugin(join(here, "crasher"));
  await host.enablePlugin(HELLO_ID);
  await host.enablePlugin(SETTINGS_ID);
  for (const [username, roles] of [
    ["admin", "system_admin system_user"],
    ["member", "system_user"],
  ]) {
    await host.app.createUser(
      {},
      create(UserSchema, { username, email: `${username}@example.com`, roles }),
      PASSWORD,
    );
  }
  const server = await startRestServer(host, {
    port: 0,
    maxBodyBytes: MAX_BODY_BYTES,
    rateLimits: { login: false },
  });
  return {
    host,
    server,
    url: server.url,
    async close() {
      await server.close();
      await host.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

// The console's Server page on a cluster: two hosts on one PostgreSQL database (each with its
// own PostgreSQL store and cluster bus, as `plugwire serve --database` makes them), signed in on
// one of them in headless Chromium. The page lists both nodes, and one node again once the
// other has left. Its screenshot is written to test-output/console/server-cluster.png.
import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { create } from "@bufbuild/protobuf";
import { UserSchema } from "@plugwire/protocol";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  openPostgresClusterBus,
  type PostgresClusterBus,
} from "../../src/cluster/open-postgres-cluster-bus.js";
import { createHost, type Host } from "../../src/host.js";
import { type RestServer, startRestServer } from "../../src/http/rest/server.js";
import { openPostgresStore } from "../../src/store/postgres-store.js";
import { launchChromium } from "../../test-fixtures/console/chromium.js";
import { PASSWORD } from "../../test-fixtures/console/console-host.js";
import {
  postgresUnderTest,
  TestSchemas,
} from "../../test-fixtures/postgres/postgres-test-database.js";

const screenshots = fileURLToPath(new URL("../../test-output/console/", import.meta.url));
const postgres = postgresUnderTest();
const serverUrl = "url" in postgres ? postgres.url : "";
const launched = serverUrl === "" ? undefined : await launchChromium();
const browser: Browser | undefined =
  launched === undefined || "unavailable" in launched ? undefined : launched;

interface Node {
  id: string;
  host: Host;
  bus: PostgresClusterBus;
  rest: RestServer;
  close(): Promise<void>;
}

describe.skipIf(browser === undefined)("the console's Server page on two hosts", () => {
  let schemas: TestSchemas;
  let root: string;
  let a: Node;
  let b: Node;
  let context: BrowserContext;
  let page: Page;

  async function startNode(name: string, databaseUrl: string, channel: string): Promise<Node> {
    const id = `console-node-${name}`;
    const bus = await openPostgresClusterBus({ url: databaseUrl, channel });
    const host = await createHost({
      dataDir: join(root, name),
      store: await openPostgresStore({ url: databaseUrl }),
      cluster: bus,
      hostId: id,
      log: () => {},
    });
    const rest = await startRestServer(host, { port: 0, rateLimits: { login: false } });
    let closed = false;
    return {
      id,
      host,
      bus,
      rest,
      async close() {
        if (closed) return;
        closed = true;
        await rest.close();
        await host.close();
        await bus.close();
      },
    };
  }

  beforeAll(async () => {
    await mkdir(screenshots, { recursive: true });
    root = await mkdtemp(join(tmpdir(), "pw-console-cluster-"));
    schemas = new TestSchemas(serverUrl);
    const databaseUrl = await schemas.freshUrl();
    // A channel of this spec's own: other specs' hosts on the same server don't hear it.
    const channel = `console_${randomBytes(4).toString("hex")}`;
    a = await startNode("a", databaseUrl, channel);
    b = await startNode("b", databaseUrl, channel);
    await a.host.app.createUser(
      {},
      create(UserSchema, {
        username: "admin",
        email: "admin@example.com",
        roles: "system_admin system_user",
      }),
      PASSWORD,
    );
    context = await (browser as Browser).newContext({ viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
  }, 60_000);

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await b?.close();
    await a?.close();
    await schemas?.dropAll();
    if (root) await rm(root, { recursive: true, force: true });
  });

  it("lists both nodes, with their ids, host names, versions and when each was last seen", async () => {
    await page.goto(`${a.rest.url}/console`);
    await page.getByLabel("Username or email").fill("admin");
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("heading", { name: "Plugins", level: 1 }).waitFor();
    await page.getByRole("link", { name: "Server" }).click();
    await page.locator('[data-fact="cluster"]').waitFor();
    expect(await page.locator('[data-fact="store"]').textContent()).toBe("PostgreSQL");
    expect(await page.locator('[data-fact="cluster"]').textContent()).toBe("2 nodes");
    const table = page.getByRole("table", { name: "Cluster nodes" });
    const headers = await table.locator("th").allTextContents();
    expect(headers).toEqual(["Id", "Host name", "Version", "Up for", "Last seen"]);
    const rows = await table
      .locator("tbody tr")
      .evaluateAll((trs) =>
        trs.map((tr) => [...tr.querySelectorAll("td")].map((td) => td.textContent ?? "")),
      );
    expect(rows.map((cells) => cells[0]).sort()).toEqual([a.id, b.id]);
    for (const cells of rows) {
      expect(cells[2]).toBe(a.host.serverVersion);
      expect(cells[4]).toMatch(/^\d+ s ago$/);
    }
    await page.screenshot({ path: join(screenshots, "server-cluster.png"), fullPage: true });
  });

  it("shows one node again once the other host has stopped", async () => {
    await b.close();
    await page.reload();
    await page.locator('[data-fact="cluster"]').waitFor();
    expect(await page.locator('[data-fact="cluster"]').textContent()).toBe("One node (this host)");
    expect(await page.getByRole("table", { name: "Cluster nodes" }).count()).toBe(0);
  });
});

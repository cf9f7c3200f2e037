// Host.loadPlugin's inspector option: that one plugin's process (and each restart of it) listens
// for a debugger; the other plugins start as always, under Node's permission model.
import { mkdir, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { ValidationError } from "@plugwire/errors";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { writeRecordingPlugin } from "./test-fixtures/recording-plugin.js";
import { startTestHost, type TestHost } from "./test-fixtures/test-host.js";

interface InspectorTarget {
  type: string;
  url: string;
  webSocketDebuggerUrl: string;
}

/** A loopback port nothing listens on at the moment. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** What the inspector on `port` debugs: one target per process. */
async function targets(port: number): Promise<InspectorTarget[]> {
  return (await (await fetch(`http://127.0.0.1:${port}/json/list`)).json()) as InspectorTarget[];
}

let t: TestHost;
beforeEach(async () => {
  t = await startTestHost();
});
afterEach(() => t.dispose());

describe("a plugin loaded with the inspector", () => {
  it("is the one process the inspector debugs; the other plugin keeps the permission model", async () => {
    const port = await freePort();
    const inspected = await writeRecordingPlugin(join(t.root, "inspected"), {
      id: "test.inspected",
    });
    const other = await writeRecordingPlugin(join(t.root, "other"), { id: "test.other" });
    await t.host.loadPlugin(inspected, { inspector: { port } });
    await t.host.loadPlugin(other);
    await t.host.enablePlugin("test.inspected");
    await t.host.enablePlugin("test.other");

    const executable = pathToFileURL(join(inspected, "server/plugin.mjs")).href;
    expect(await targets(port)).toEqual([
      expect.objectContaining({
        type: "node",
        url: executable,
        webSocketDebuggerUrl: expect.stringMatching(new RegExp(`^ws://127\\.0\\.0\\.1:${port}/`)),
      }),
    ]);
    expect(t.host.status("test.inspected").sandbox.nodePermissions).toBe(false);
    expect(t.host.status("test.other").sandbox.nodePermissions).toBe(true);
    expect(t.pluginMessages("test.inspected")).toContain(
      `plugin test.inspected starts with the Node inspector on 127.0.0.1:${port}, without Node's permission model`,
    );
    expect(t.pluginMessages("test.other").join("\n")).not.toContain("inspector");

    // Restarted (as dev does after a rebuild), the new process listens on the same port.
    await t.host.disablePlugin("test.inspected");
    await expect(targets(port)).rejects.toThrow();
    await t.host.enablePlugin("test.inspected");
    expect((await targets(port)).map((target) => target.url)).toEqual([executable]);
  }, 60_000);

  it("is refused for a plugin that is not a Node plugin", async () => {
    const dir = join(t.root, "binary");
    await mkdir(dir);
    await writeFile(
      join(dir, "plugin.json"),
      JSON.stringify({
        id: "test.binary",
        name: "Binary",
        version: "1.0.0",
        server: { executable: "plugin-linux-amd64" },
      }),
    );
    await writeFile(join(dir, "plugin-linux-amd64"), "#!/bin/sh\n", { mode: 0o755 });

    const load = t.host.loadPlugin(dir, { inspector: { port: 9229 } });
    await expect(load).rejects.toBeInstanceOf(ValidationError);
    await expect(load).rejects.toMatchObject({ id: "app.plugin.load.inspector_not_node" });
    expect(t.host.statuses()).toEqual([]);
  });
});

// Host.installBundle and Host.removePlugin: a bundle is checked whole before anything reaches
// pluginsDir, lands there in one rename, loads disabled, says hello through OnInstall when first
// enabled, and leaves without a trace when removed.
import { randomBytes } from "node:crypto";
import { mkdir, readdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import {
  AlreadyExistsError,
  NotFoundError,
  PluginAPIError,
  ValidationError,
} from "@plugwire/errors";
import * as tar from "tar";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type CraftedEntry, craftArchive } from "./bundle/test-fixtures/crafted-archive.js";
import { bundleOf, writeRecordingPlugin } from "./test-fixtures/recording-plugin.js";
import { startTestHost, type TestHost } from "./test-fixtures/test-host.js";

const pluginId = "test.recorder";
const installer = { userId: "installer-user-id" };
const KIB = 1024;

let t: TestHost;
beforeEach(async () => {
  t = await startTestHost({ maxBundleBytes: 256 * KIB, maxBundleUncompressedBytes: 1024 * KIB });
});
afterEach(() => t.dispose());

async function recordingBundle(options: { id?: string; version?: string } = {}) {
  const dir = await writeRecordingPlugin(join(t.root, `src-${randomBytes(4).toString("hex")}`), {
    id: options.id ?? pluginId,
    version: options.version,
  });
  return { dir, archive: await bundleOf(dir) };
}

const manifestJson = JSON.stringify({
  id: pluginId,
  name: "Crafted",
  version: "1.0.0",
  server: { executable: "main.js" },
});
const validEntries: CraftedEntry[] = [
  { path: "plugin.json", body: manifestJson },
  { path: "main.js", body: "" },
];

describe("installBundle refuses, writing nothing to pluginsDir", () => {
  const refusals: {
    name: string;
    archive: () => Uint8Array;
    status: number;
    message: string;
    entry?: string;
  }[] = [
    {
      name: "an absolute path",
      archive: () => craftArchive([...validEntries, { path: "/etc/cron.d/evil", body: "x" }]),
      status: 400,
      message: 'entry "/etc/cron.d/evil" is an absolute path',
      entry: "/etc/cron.d/evil",
    },
    {
      name: 'a path climbing out with ".."',
      archive: () => craftArchive([...validEntries, { path: "dist/../../evil.js", body: "x" }]),
      status: 400,
      message: 'entry "dist/../../evil.js" contains ".."',
      entry: "dist/../../evil.js",
    },
    {
      name: "a symbolic link",
      archive: () =>
        craftArchive([
          ...validEntries,
          { path: "passwd", type: "SymbolicLink", linkpath: "/etc/passwd" },
        ]),
      status: 400,
      message: 'entry "passwd" is a symbolic link (to "/etc/passwd")',
      entry: "passwd",
    },
    {
      name: "a hard link",
      archive: () =>
        craftArchive([...validEntries, { path: "copy.js", type: "Link", linkpath: "main.js" }]),
      status: 400,
      message: 'entry "copy.js" is a hard link (to "main.js")',
      entry: "copy.js",
    },
    {
      name: "a device or pipe",
      archive: () => craftArchive([...validEntries, { path: "pipe", type: "FIFO" }]),
      status: 400,
      message: 'entry "pipe" is a FIFO entry',
      entry: "pipe",
    },
    {
      name: "an archive over maxBundleBytes",
      archive: () =>
        craftArchive([...validEntries, { path: "noise.bin", body: randomBytes(300 * KIB) }]),
      status: 413,
      message: "larger than 0.25 MiB",
    },
    {
      name: "a gzip bomb: a small archive inflating past maxBundleUncompressedBytes",
      archive: () =>
        craftArchive([...validEntries, { path: "zeros.bin", body: new Uint8Array(4096 * KIB) }]),
      status: 413,
      message: "inflates to more than 1 MiB",
    },
    {
      name: "bytes that are not gzip",
      archive: () => new TextEncoder().encode("PK\u0003\u0004 a zip file"),
      status: 400,
      message: "not a readable .tar.gz: it is not gzip-compressed",
    },
    {
      name: "gzip that holds no tar",
      archive: () => craftArchive([]).slice(0, 12),
      status: 400,
      message: "not a readable .tar.gz",
    },
    {
      name: "a bundle without a manifest",
      archive: () => craftArchive([{ path: "main.js", body: "" }]),
      status: 400,
      message: "has no plugin.json (or plugin.yaml) at its root or in its one top-level folder",
    },
    {
      name: "a manifest below two top-level folders",
      archive: () =>
        craftArchive([
          { path: "a/plugin.json", body: manifestJson },
          { path: "b/main.js", body: "" },
        ]),
      status: 400,
      message: "has no plugin.json",
    },
    {
      name: "an invalid manifest, with loadManifest's diagnostic",
      archive: () =>
        craftArchive([
          { path: "plugin.json", body: JSON.stringify({ id: pluginId, name: "No server" }) },
        ]),
      status: 400,
      message: `manifest is invalid: plugin.json: "version" is required`,
    },
    {
      name: "a manifest whose executable is missing",
      archive: () => craftArchive([{ path: "plugin.json", body: manifestJson }]),
      status: 400,
      message: `"server.executable" points to "main.js", which does not exist in the plugin folder`,
    },
  ];

  for (const refusal of refusals) {
    it(`${refusal.name} (${refusal.status})`, async () => {
      const error = await t.host
        .installBundle(refusal.archive(), installer)
        .catch((reason: unknown) => reason);
      expect(error).toBeInstanceOf(ValidationError);
      expect(error).toMatchObject({ statusCode: refusal.status });
      expect((error as Error).message).toContain(refusal.message);
      if (refusal.entry) expect((error as ValidationError).params.entry).toBe(refusal.entry);
      expect(await readdir(t.pluginsDir)).toEqual([]);
      expect(t.host.statuses()).toEqual([]);
    });
  }

  it("an id already loaded (409), leaving the installed plugin as it was", async () => {
    const first = await recordingBundle();
    await t.host.installBundle(first.archive, installer);
    const second = await recordingBundle({ version: "2.0.0" });

    const error = await t.host.installBundle(second.archive, installer).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(AlreadyExistsError);
    expect((error as AlreadyExistsError).statusCode).toBe(409);
    expect(await readdir(t.pluginsDir)).toEqual([pluginId]);
    expect(t.host.status(pluginId).manifest.version).toBe("1.0.0");
  });

  it("replacing a plugin loaded from a folder the host did not install, even with replace", async () => {
    const { dir, archive } = await recordingBundle();
    await t.host.loadPlugin(dir);

    const error = await t.host
      .installBundle(archive, installer, { replace: true })
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(AlreadyExistsError);
    expect((error as Error).message).toContain("which this host did not install");
    expect(await readdir(t.pluginsDir)).toEqual([]);
  });
});

describe("installBundle accepts", () => {
  it("a manifest at the archive's root, as `tar -czf b.tar.gz -C plugin .` packs it", async () => {
    const { archive } = await recordingBundle();

    const manifest = await t.host.installBundle(archive, installer);

    expect(manifest.id).toBe(pluginId);
    expect(manifest.dir).toBe(join(t.pluginsDir, pluginId));
    expect(await readdir(t.pluginsDir)).toEqual([pluginId]);
    expect(t.host.status(pluginId).state).toBe("stopped");
    // Recorded as disabled (with its installer, for OnInstall), so a restart keeps it so.
    expect((await t.host.store.getPluginStates()).get(pluginId)).toBe(false);
  });

  it("a manifest in the archive's one top-level folder, as Mattermost bundles are packed", async () => {
    const parent = join(t.root, "packed");
    await mkdir(parent);
    await writeRecordingPlugin(join(parent, pluginId), { id: pluginId });
    const chunks: Buffer[] = [];
    for await (const chunk of tar.create({ gzip: true, cwd: parent }, [pluginId])) {
      chunks.push(chunk as Buffer);
    }

    await t.host.installBundle(new Uint8Array(Buffer.concat(chunks)), installer);

    const installed = join(t.pluginsDir, pluginId);
    expect((await readdir(installed)).sort()).toEqual(["plugin.json", "server"]);
  });

  it("keeps execute bits but drops setuid and write-for-others from the archive's modes", async () => {
    await t.host.installBundle(
      craftArchive([
        { path: "plugin.json", body: manifestJson },
        { path: "main.js", body: "", mode: 0o4777 },
      ]),
      installer,
    );
    const { mode } = await stat(join(t.pluginsDir, pluginId, "main.js"));
    expect(mode & 0o7777).toBe(0o755);
  });
});

describe("the life of an installed plugin", () => {
  it("OnInstall reaches the plugin with the installer when it is first enabled, and only then", async () => {
    const { archive } = await recordingBundle();
    await t.host.installBundle(archive, installer);
    expect(t.pluginMessages(pluginId)).not.toContain("OnInstall");

    await t.host.enablePlugin(pluginId);

    expect(t.host.status(pluginId).state).toBe("active");
    await expect.poll(() => t.pluginMessages(pluginId)).toContain("OnInstall");
    const onInstall = t.logs.find((e) => e.pluginId === pluginId && e.msg === "OnInstall");
    expect(onInstall?.fields).toMatchObject({
      userId: installer.userId,
      contextUserId: installer.userId,
    });
    const messages = t.pluginMessages(pluginId);
    expect(messages.indexOf("OnActivate")).toBeLessThan(messages.indexOf("OnInstall"));

    await t.host.disablePlugin(pluginId);
    await t.host.enablePlugin(pluginId);
    await expect
      .poll(() => t.pluginMessages(pluginId).filter((m) => m === "OnActivate"))
      .toHaveLength(2);
    expect(t.pluginMessages(pluginId).filter((m) => m === "OnInstall")).toHaveLength(1);
  });

  it("OnInstall still comes after a restart between the install and the first enable", async () => {
    const { archive } = await recordingBundle();
    await t.host.installBundle(archive, installer);

    const host = await t.restart();
    await host.loadPluginsFrom(t.pluginsDir);
    await host.enablePlugin(pluginId);

    await expect.poll(() => t.pluginMessages(pluginId)).toContain("OnInstall");
    const onInstall = t.logs.find((e) => e.pluginId === pluginId && e.msg === "OnInstall");
    expect(onInstall?.fields).toMatchObject({ userId: installer.userId });
    expect(Object.fromEntries(await host.store.getPluginStates())).toEqual({ [pluginId]: true });

    await host.disablePlugin(pluginId);
    await t.restart();
    await t.host.loadPluginsFrom(t.pluginsDir);
    await t.host.enablePlugin(pluginId);
    await expect
      .poll(() => t.pluginMessages(pluginId).filter((m) => m === "OnActivate"))
      .toHaveLength(2);
    expect(t.pluginMessages(pluginId).filter((m) => m === "OnInstall")).toHaveLength(1);
  });

  it("replace swaps in the new version and, as the old one was enabled, enables it with OnInstall", async () => {
    await t.host.installBundle((await recordingBundle()).archive, installer);
    await t.host.enablePlugin(pluginId);
    const { archive } = await recordingBundle({ version: "2.0.0" });

    const manifest = await t.host.installBundle(
      archive,
      { userId: "second-installer" },
      {
        replace: true,
      },
    );

    expect(manifest.version).toBe("2.0.0");
    expect(t.host.status(pluginId)).toMatchObject({ state: "active" });
    const installed = JSON.parse(
      await readFile(join(t.pluginsDir, pluginId, "plugin.json"), "utf8"),
    );
    expect(installed.version).toBe("2.0.0");
    expect(await readdir(t.pluginsDir)).toEqual([pluginId]);
    await expect
      .poll(() => t.logs.filter((e) => e.msg === "OnInstall").map((e) => e.fields.userId))
      .toEqual([installer.userId, "second-installer"]);
    expect(t.pluginMessages(pluginId)).toContain("OnDeactivate");
  });

  it("removePlugin deactivates it, deletes its folder and forgets its enabled record", async () => {
    await t.host.installBundle((await recordingBundle()).archive, installer);
    await t.host.enablePlugin(pluginId);

    await t.host.removePlugin(pluginId);

    await expect.poll(() => t.pluginMessages(pluginId)).toContain("OnDeactivate");
    expect(await readdir(t.pluginsDir)).toEqual([]);
    expect(() => t.host.status(pluginId)).toThrow(NotFoundError);
    expect((await t.host.store.getPluginStates()).has(pluginId)).toBe(false);
    await expect(t.host.removePlugin(pluginId)).rejects.toBeInstanceOf(NotFoundError);
  });

  it("removePlugin takes only a plugin id, never a path", async () => {
    await t.host.installBundle((await recordingBundle()).archive, installer);
    await t.host.unloadPlugin(pluginId);

    for (const sneaky of [`../plugins/${pluginId}`, "..", `./${pluginId}`]) {
      await expect(t.host.removePlugin(sneaky)).rejects.toBeInstanceOf(NotFoundError);
    }
    expect(await readdir(t.pluginsDir)).toEqual([pluginId]);
    await t.host.removePlugin(pluginId);
    expect(await readdir(t.pluginsDir)).toEqual([]);
  });

  it("removePlugin refuses a plugin loaded from elsewhere, and deletes nothing", async () => {
    const { dir } = await recordingBundle();
    await t.host.loadPlugin(dir);

    await expect(t.host.removePlugin(pluginId)).rejects.toThrow(/not installed as a bundle/);

    expect(await readdir(dir)).toContain("plugin.json");
    expect(t.host.status(pluginId).state).toBe("stopped");
  });

  it("a host without pluginsDir installs nothing (501)", async () => {
    const bare = await startTestHost({ pluginsDir: undefined });
    try {
      const error = await bare.host
        .installBundle((await recordingBundle()).archive, installer)
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PluginAPIError);
      expect(error).toMatchObject({ statusCode: 501 });
    } finally {
      await bare.dispose();
    }
  });
});

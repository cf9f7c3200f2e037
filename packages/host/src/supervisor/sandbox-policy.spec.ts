import { mkdir, mkdtemp, realpath, rm, symlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { ServerPluginManifest } from "../manifest/manifest.js";
import { pluginSandbox } from "./sandbox-policy.js";

let root: string;
afterEach(() => rm(root, { recursive: true, force: true }));

async function layout() {
  root = await realpath(await mkdtemp(join(tmpdir(), "pw-policy-")));
  const shared = join(root, "packages", "sdk");
  const plugin = join(root, "plugins", "p");
  await mkdir(shared, { recursive: true });
  await mkdir(join(root, "node_modules", "@scope"), { recursive: true });
  await symlink(shared, join(root, "node_modules", "@scope", "sdk"));
  await mkdir(plugin, { recursive: true });
  const manifest: ServerPluginManifest = {
    id: "com.example.p",
    name: "p",
    description: "",
    version: "1.0.0",
    server: {
      executable: join(plugin, "plugin.mjs"),
      executableRelative: "plugin.mjs",
      runtime: "node",
      permissions: ["child_process", "worker_threads"],
    },
    dir: plugin,
    file: join(plugin, "plugin.json"),
  };
  return { manifest, shared };
}

describe("pluginSandbox", () => {
  it("lets a Node plugin read the node_modules above it and the packages linked there", async () => {
    const { manifest, shared } = await layout();

    const { sandbox } = await pluginSandbox(manifest, { policy: {}, dataRoot: "/data/pd" });

    expect(sandbox.nodePermissions).toBe(true);
    expect(sandbox.writableDir).toBe("/data/pd/com.example.p");
    expect(sandbox.readablePaths).toEqual([join(root, "node_modules"), shared]);
  });

  it("grants what the manifest asks only when an admin allows that plugin", async () => {
    const { manifest } = await layout();

    const refused = await pluginSandbox(manifest, { policy: { allowPermissions: ["other"] } });
    const allowed = await pluginSandbox(manifest, {
      policy: { allowPermissions: ["com.example.p"] },
    });

    expect(refused.sandbox.allow).toEqual({});
    expect(refused.status).toMatchObject({
      requestedPermissions: ["child_process", "worker_threads"],
      grantedPermissions: [],
    });
    expect(allowed.sandbox.allow).toEqual({ childProcesses: true, workerThreads: true });
    expect(allowed.status.grantedPermissions).toEqual(["child_process", "worker_threads"]);
  });

  it("leaves a plugin that is not JavaScript outside the permission model", async () => {
    const { manifest } = await layout();
    const executable = {
      ...manifest,
      server: { ...manifest.server, runtime: "executable" as const },
    };

    const { sandbox, status } = await pluginSandbox(executable, { policy: {} });

    expect(sandbox.nodePermissions).toBe(false);
    expect(status.nodePermissions).toBe(false);
  });
});

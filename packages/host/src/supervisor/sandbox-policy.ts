// How the host confines each plugin it loads (the policy behind spawn-command.ts's PluginSandbox):
// a data folder of its own, Node's permission model for Node plugins with what the manifest asks
// beyond it only when an admin allows it, and, when the host runs as root, a user of its own.
import { chmod, chown, lstat, readdir, realpath, stat } from "node:fs/promises";
import { dirname, join, relative } from "node:path";
import type { NodeCapability, PluginManifest } from "../manifest/manifest.js";
import type { PluginIdRange, PluginUsers } from "./plugin-users.js";
import type { PluginSandbox, PluginUser } from "./spawn-command.js";

/** What confines the plugins of a host. */
export interface SandboxPolicy {
  /** Runs Node plugins under Node's permission model. Default true. */
  nodePermissions?: boolean;
  /**
   * Ids of the plugins an admin allows what their manifest's `server.permissions` asks for
   * (child processes, worker threads, native addons, WASI); "*" allows every plugin.
   */
  allowPermissions?: readonly string[];
  /** Further files or folders every Node plugin may read, e.g. an SDK shared by plugins. */
  readablePaths?: readonly string[];
  /** Largest JavaScript heap of each Node plugin, in MiB; see PluginSandbox.maxHeapMiB. */
  maxHeapMiB?: number;
  /**
   * Runs each plugin as its own user and group, one id per plugin from this range; the host
   * must run as root. Default: the plugins run as the host's user.
   */
  pluginIds?: PluginIdRange;
}

/** How one plugin is confined, as its status shows it. */
export interface PluginSandboxStatus {
  /** Whether it runs under Node's permission model. */
  nodePermissions: boolean;
  /** What its manifest asks for beyond the permission model. */
  requestedPermissions: NodeCapability[];
  /** What of that it has: what it asks when an admin allows it, else nothing. */
  grantedPermissions: NodeCapability[];
  /** Its writable data folder. */
  dataDir?: string;
  /** The user and group id it runs as, when not the host's. */
  uid?: number;
}

export interface SandboxContext {
  policy: SandboxPolicy;
  /** Folder of the plugins' data folders, `<dataRoot>/<plugin id>`. */
  dataRoot?: string;
  /** The plugins' users, when policy.pluginIds is set. */
  users?: PluginUsers;
  /** The folder of installed bundles: a plugin in it is made readable by its own group. */
  pluginsDir?: string;
}

const capabilityFlags: Record<NodeCapability, keyof NonNullable<PluginSandbox["allow"]>> = {
  child_process: "childProcesses",
  worker_threads: "workerThreads",
  addons: "addons",
  wasi: "wasi",
};

/** The sandbox `manifest`'s plugin starts in, and how its status describes it. */
export async function pluginSandbox(
  manifest: PluginManifest,
  context: SandboxContext,
): Promise<{ sandbox: PluginSandbox; status: PluginSandboxStatus }> {
  const { policy, dataRoot, users, pluginsDir } = context;
  const { server } = manifest;
  if (server === undefined) {
    // A webapp-only plugin runs no process: there is nothing to confine.
    const none = { nodePermissions: false };
    return { sandbox: none, status: { ...none, requestedPermissions: [], grantedPermissions: [] } };
  }
  const nodePermissions = server.runtime === "node" && policy.nodePermissions !== false;
  const requestedPermissions = server.permissions ?? [];
  const allowed = policy.allowPermissions ?? [];
  const grantedPermissions =
    allowed.includes("*") || allowed.includes(manifest.id) ? requestedPermissions : [];
  const sandbox: PluginSandbox = { nodePermissions };
  if (policy.maxHeapMiB !== undefined) sandbox.maxHeapMiB = policy.maxHeapMiB;
  const status: PluginSandboxStatus = {
    nodePermissions,
    requestedPermissions,
    grantedPermissions,
  };
  if (dataRoot !== undefined) {
    sandbox.writableDir = join(dataRoot, manifest.id);
    status.dataDir = sandbox.writableDir;
  }
  if (nodePermissions) {
    sandbox.readablePaths = [
      ...(await moduleFolders([manifest.dir, dirname(server.executable)])),
      ...(policy.readablePaths ?? []),
    ];
    sandbox.allow = Object.fromEntries(
      grantedPermissions.map((capability) => [capabilityFlags[capability], true]),
    );
  }
  if (users !== undefined) {
    sandbox.user = await users.userFor(manifest.id);
    status.uid = sandbox.user.uid;
    if (pluginsDir !== undefined && !relative(pluginsDir, manifest.dir).startsWith("..")) {
      await grantGroupRead(manifest.dir, sandbox.user.gid);
    }
    await requireReadable(server.executable, sandbox.user);
  }
  return { sandbox, status };
}

/**
 * The folders a Node plugin's imports resolve to outside its own folder: every node_modules
 * folder above where it starts (Node's lookup), and where the packages linked there really are
 * (npm workspaces link packages; the permission model checks the real path).
 */
async function moduleFolders(starts: string[]): Promise<string[]> {
  const folders = new Set<string>();
  for (const start of starts) {
    for (let dir = start; ; dir = dirname(dir)) {
      const modules = join(dir, "node_modules");
      if (!folders.has(modules) && (await isFolder(modules))) {
        folders.add(modules);
        for (const linked of await linkedPackages(modules)) folders.add(linked);
      }
      if (dirname(dir) === dir) break;
    }
  }
  return [...folders];
}

/** The real paths of the symlinked packages in a node_modules folder, scoped ones included. */
async function linkedPackages(modules: string): Promise<string[]> {
  const linked: string[] = [];
  for (const entry of await readdir(modules, { withFileTypes: true }).catch(() => [])) {
    const path = join(modules, entry.name);
    if (entry.isSymbolicLink()) {
      const target = await realpath(path).catch(() => undefined);
      if (target !== undefined) linked.push(target);
    } else if (entry.isDirectory() && entry.name.startsWith("@")) {
      linked.push(...(await linkedPackages(path)));
    }
  }
  return linked;
}

/**
 * Throws, saying what to change, unless `user` can reach and read `file` as far as the modes
 * show; a plugin would otherwise fail with a puzzling "module not found".
 */
async function requireReadable(file: string, user: PluginUser): Promise<void> {
  const permits = async (path: string, bits: number) => {
    const stats = await stat(path);
    const shift = stats.uid === user.uid ? 6 : stats.gid === user.gid ? 3 : 0;
    return ((stats.mode >> shift) & bits) === bits;
  };
  for (let dir = dirname(file); ; dir = dirname(dir)) {
    if (!(await permits(dir, 0o1))) {
      throw new Error(
        `the plugin runs as user ${user.uid}, who cannot enter ${dir} on the way to ${file}; make the folder traversable (chmod o+x), or run plugins as the host's user (--plugin-uid-range off)`,
      );
    }
    if (dirname(dir) === dir) break;
  }
  if (!(await permits(file, 0o4))) {
    throw new Error(
      `the plugin runs as user ${user.uid}, who cannot read ${file}; make it readable (chmod o+r), or run plugins as the host's user (--plugin-uid-range off)`,
    );
  }
}

async function isFolder(path: string): Promise<boolean> {
  return lstat(path).then(
    (stats) => stats.isDirectory(),
    () => false,
  );
}

/**
 * Gives an installed plugin's folder to its group (read, and traverse folders) and closes it to
 * everyone else; the host keeps ownership, so the plugin cannot change its own code.
 */
async function grantGroupRead(dir: string, gid: number): Promise<void> {
  const stats = await lstat(dir);
  if (stats.isSymbolicLink()) return;
  await chown(dir, stats.uid, gid);
  if (stats.isDirectory()) {
    await chmod(dir, 0o750);
    for (const entry of await readdir(dir)) await grantGroupRead(join(dir, entry), gid);
  } else {
    // Execute bits stay as they are: an executable plugin stays executable by its group.
    await chmod(dir, (stats.mode & 0o750) | 0o040);
  }
}

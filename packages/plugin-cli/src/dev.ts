// `dev`: the plugin under a local Plugwire server that keeps running while esbuild watches
// src/: every rebuild restarts the plugin in place (a new process with the new bundle), and a
// build error leaves the running plugin as it was. The server keeps its data in .plugwire-dev/
// and has a demo admin, so the REST API and the console work at once.
import { join } from "node:path";
import { create } from "@bufbuild/protobuf";
import { createHost, type InspectorAddress, type LogEntry, startRestServer } from "@plugwire/host";
import { UserSchema } from "@plugwire/protocol";
import * as esbuild from "esbuild";
import { bundleOptions } from "./build.js";
import type { PluginProject } from "./project.js";

/** The demo admin dev creates on a fresh data folder. */
export const DEV_ADMIN = { username: "admin", password: "plugwire-demo" } as const;

export interface DevOptions {
  /** The REST port; 8065 by default, 0 for any free one. */
  port?: number;
  hostname?: string;
  /** Where the server keeps its data; `<project>/.plugwire-dev` by default. */
  dataDir?: string;
  /**
   * Starts the plugin's process (and each restart of it) with Node's inspector listening
   * there, e.g. `{ port: 9229 }` on 127.0.0.1, for a debugger to attach to.
   */
  inspector?: InspectorAddress;
  /** Gets each line dev prints. */
  print?: (line: string) => void;
}

/** A running dev session. */
export interface DevSession {
  /** The REST API's URL. */
  url: string;
  /** Resolves after the next rebuild has restarted the plugin (or failed to build). */
  nextRestart(): Promise<void>;
  close(): Promise<void>;
}

/** Starts the server, the plugin and the watch. */
export async function startDev(
  project: PluginProject,
  options: DevOptions = {},
): Promise<DevSession> {
  const print = options.print ?? ((line: string) => process.stdout.write(`${line}\n`));
  const pluginId = project.manifest.id;
  const host = await createHost({
    dataDir: options.dataDir ?? join(project.dir, ".plugwire-dev"),
    log: (entry: LogEntry) => print(formatEntry(entry)),
  });
  let waiters: (() => void)[] = [];
  const restarted = () => {
    for (const resolve of waiters) resolve();
    waiters = [];
  };
  // The watch builds once as it starts: that build is the plugin's first, not a restart.
  let firstBuild: ((result: esbuild.BuildResult) => void) | undefined;
  const firstBuilt = new Promise<esbuild.BuildResult>((resolve) => {
    firstBuild = resolve;
  });
  const context = await esbuild.context({
    ...bundleOptions(project),
    plugins: [
      {
        name: "plugwire-restart",
        setup(build) {
          build.onEnd(async (result) => {
            if (firstBuild !== undefined) {
              firstBuild(result);
              firstBuild = undefined;
              return;
            }
            if (result.errors.length > 0) {
              print(`build failed; ${pluginId} keeps running the last good build`);
              for (const error of result.errors) print(formatMessage(error));
              restarted();
              return;
            }
            const startedAt = performance.now();
            try {
              await host.disablePlugin(pluginId);
              await host.enablePlugin(pluginId);
              print(
                `rebuilt and restarted ${pluginId} in ${Math.round(performance.now() - startedAt)} ms`,
              );
            } catch (error) {
              print(`${pluginId} failed to start: ${(error as Error).message}`);
            }
            restarted();
          });
        },
      },
    ],
  });
  try {
    await context.watch();
    const first = await firstBuilt;
    if (first.errors.length > 0) throw new Error(first.errors.map(formatMessage).join("\n"));
    if ((await host.app.getUsers({ page: 0, perPage: 1 })).length === 0) {
      const admin = create(UserSchema, {
        username: DEV_ADMIN.username,
        email: "admin@localhost",
        emailVerified: true,
        roles: "system_admin system_user",
      });
      await host.app.createUser({}, admin, DEV_ADMIN.password);
    }
    const rest = await startRestServer(host, {
      port: options.port ?? 8065,
      hostname: options.hostname ?? "127.0.0.1",
    });
    await host.loadPlugin(project.dir, { inspector: options.inspector });
    await host.enablePlugin(pluginId);
    print(
      `${pluginId} is running under ${rest.url} (admin ${DEV_ADMIN.username} / ${DEV_ADMIN.password}).`,
    );
    print("Watching src/ for changes; Ctrl+C stops.");
    return {
      url: rest.url,
      nextRestart: () => new Promise<void>((resolve) => waiters.push(resolve)),
      async close() {
        await context.dispose();
        await rest.close();
        await host.close();
      },
    };
  } catch (error) {
    await context.dispose();
    await host.close();
    throw error;
  }
}

function formatEntry(entry: LogEntry): string {
  const fields = Object.keys(entry.fields).length > 0 ? ` ${JSON.stringify(entry.fields)}` : "";
  const who = entry.pluginId === undefined ? "" : `[${entry.pluginId}] `;
  return `${entry.level.toUpperCase()} ${who}${entry.msg}${fields}`;
}

function formatMessage(message: esbuild.Message): string {
  const where = message.location
    ? `${message.location.file}:${message.location.line}:${message.location.column}: `
    : "";
  return `  ${where}${message.text}`;
}

// `plugwire serve`: opens the data folder, bootstraps the first admin, loads the plugins, serves
// the REST API as soon as the store is open, starts the plugins (in parallel: a plugin slow to
// start, or one that never handshakes, delays only itself), and on SIGINT or SIGTERM takes it
// all down in reverse (REST server, then the plugins' OnDeactivate and Shutdown, then the store). What it prints on stdout
// is the story of the start: where the data is, which plugins were found and how each one
// started or why it did not, and the URL. The host's log goes to stderr.
import { randomBytes } from "node:crypto";
import { mkdir, readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { JsonObject } from "@bufbuild/protobuf";
import { openPostgresClusterBus } from "../cluster/open-postgres-cluster-bus.js";
import { createHost, type Host, type PluginStartResult } from "../host.js";
import { type MetricsServer, startMetricsServer } from "../http/metrics-server.js";
import { startRestServer } from "../http/rest/server.js";
import { LocalFileStore } from "../store/local-file-store.js";
import { redactUrl } from "../store/postgres/database-url.js";
import { openPostgresStore } from "../store/postgres-store.js";
import { PluginPidRegistry } from "../supervisor/plugin-pid-registry.js";
import { HOST_VERSION } from "../version.js";
import { bootstrapAdmin } from "./bootstrap-admin.js";
import { DEMO_ADMIN, demoInstructions, ensureDemoWorkspace, HELLO_PLUGIN_ID } from "./demo.js";
import type { ServeOptions } from "./serve-options.js";
import { textLogSink } from "./text-log-sink.js";

/** Where `serve` writes: `out` for the start-up story, `err` for the log and failures. */
export interface Terminal {
  out(line: string): void;
  err(line: string): void;
}

type Signal = "SIGINT" | "SIGTERM";

/** Exit codes of a second, forcing signal: 128 + the signal's number, as shells report them. */
const forcedExitCode: Record<Signal, number> = { SIGINT: 130, SIGTERM: 143 };

/** Serves until SIGINT or SIGTERM; resolves with the exit code once everything is closed. */
export async function serve(options: ServeOptions, terminal: Terminal): Promise<number> {
  const { out } = terminal;
  const startedAt = Date.now();
  out(`Plugwire ${HOST_VERSION}`);
  for (const folder of options.pluginFolders) await requireFolder(folder);
  // What the host creates is its own: the database, uploaded files, its records.
  process.umask(0o077);
  await mkdir(options.dataDir, { recursive: true });
  // A host killed with SIGKILL can't stop its plugins: end what the last run left running.
  const pidRegistry = new PluginPidRegistry(join(options.dataDir, "plugin-pids"));
  for (const { pid, pluginId } of await pidRegistry.endLeftovers()) {
    out(`Ended plugin ${pluginId} (pid ${pid}), left running by an earlier run of this server`);
  }
  const { databaseUrl } = options;
  const store = databaseUrl ? await openPostgresStore({ url: databaseUrl }) : undefined;
  // Every host on one PostgreSQL database is a node of one cluster (see "A cluster of hosts").
  const cluster = databaseUrl
    ? await openPostgresClusterBus({
        url: databaseUrl,
        log: (line) => terminal.err(`plugwire: ${line}`),
      })
    : undefined;
  const host = await createHost({
    dataDir: options.dataDir,
    ...(store && { store }),
    ...(cluster && { cluster }),
    ...(options.filesDir && { files: new LocalFileStore(options.filesDir) }),
    pidRegistry,
    hookTimeoutMs: options.hookTimeoutMs,
    sandbox: options.sandbox,
    ...(options.maxLoginAttempts !== undefined && { maxLoginAttempts: options.maxLoginAttempts }),
    allowExternalIntegrationUrls: options.allowExternalIntegrationUrls,
    pluginsDir: join(options.dataDir, "plugins"),
    log: textLogSink(options.logLevel, terminal.err),
    serverConfig: serverConfig(options),
    ...(options.publicLinks && { publicLinkSalt: await publicLinkSalt(options.dataDir) }),
  });
  out(`Data folder: ${options.dataDir}`);
  out(
    `  database:           ${databaseUrl ? redactUrl(databaseUrl) : join(options.dataDir, "plugwire.db")}`,
  );
  out(`  uploaded files:     ${options.filesDir ?? join(options.dataDir, "files")}`);
  out(`  installed bundles:  ${host.pluginsDir}`);
  if (cluster)
    out(`  cluster node:       ${host.app.hostId} (with the other hosts on this database)`);

  const stop = stopSignal(terminal);
  let rest: Awaited<ReturnType<typeof startRestServer>> | undefined;
  let metrics: MetricsServer | undefined;
  let exitCode = 0;
  try {
    const adminLines = await bootstrapAdminStory(host, options);
    for (const line of adminLines) out(line);
    const shipped = await loadPlugins(host, options, terminal);
    if (!stop.requested) {
      rest = await startRestServer(host, {
        port: options.port,
        hostname: options.hostname,
        siteUrl: options.siteUrl,
        rateLimits: options.rateLimits,
      });
      // Without --site-url the URL is known only now (with --port 0, the port too).
      const siteUrl = options.siteUrl ?? rest.url;
      if (options.siteUrl === undefined) host.setSiteUrl(siteUrl);
      if (options.metrics) metrics = await startMetricsServer(host, options.metrics);
      out("");
      out(
        `Plugwire is serving the REST API on ${rest.url} (started in ${Date.now() - startedAt} ms).`,
      );
      out(`The admin console is at ${rest.url}/console (system admins sign in there).`);
      if (metrics) out(`Prometheus metrics: ${metrics.url}/metrics`);
      // A signal while plugins start stops at once: closing the host cancels their starts.
      const started = startPlugins(host, shipped, terminal).then(async () => {
        if (stop.requested) return;
        if (options.demo) await printDemo(host, options, siteUrl, terminal);
        out("");
        out("Press Ctrl+C to stop.");
      });
      await Promise.race([stop.signalled, started.then(() => stop.signalled)]);
    } else {
      await stop.signalled;
    }
  } catch (error) {
    terminal.err(`plugwire: ${describeStartFailure(error, options)}`);
    exitCode = 1;
  } finally {
    stop.shuttingDown();
    if (metrics !== undefined) {
      await metrics.close();
      out("  metrics server closed");
    }
    if (rest !== undefined) {
      await rest.close();
      out("  REST server closed");
    }
    await host.close();
    await cluster?.close();
    out("  plugins deactivated and shut down, store closed");
    out("Stopped.");
  }
  return exitCode;
}

/**
 * The settings of the server configuration the command line fixes for this run (Mattermost's
 * config shape): where it listens, its database and files, rate limits, and the settings whose
 * flags were given. The others that can change at run time come from the saved configuration.
 */
function serverConfig(options: ServeOptions): JsonObject {
  const api = options.rateLimits.api;
  return {
    ServiceSettings: {
      ListenAddress: `${options.hostname}:${options.port}`,
      ...(options.siteUrl !== undefined && { SiteURL: options.siteUrl }),
    },
    SqlSettings: options.databaseUrl
      ? { DriverName: "postgres", DataSource: options.databaseUrl }
      : { DriverName: "sqlite3", DataSource: join(options.dataDir, "plugwire.db") },
    FileSettings: { Directory: options.filesDir ?? join(options.dataDir, "files") },
    EmailSettings: { ...options.smtp },
    RateLimitSettings: api
      ? {
          Enable: true,
          PerSec: api.perSec,
          MaxBurst: api.maxBurst,
          VaryByUser: api.varyByUser ?? false,
        }
      : { Enable: false },
  };
}

async function bootstrapAdminStory(host: Host, options: ServeOptions): Promise<string[]> {
  const credentials = options.admin ?? (options.demo ? DEMO_ADMIN : undefined);
  const result = await bootstrapAdmin(host, credentials);
  switch (result.outcome) {
    case "created":
      return [
        `Created the system admin "${result.user.username}" (first start: there were no users).`,
      ];
    case "no-credentials":
      return [
        "No users yet, and no admin to create: pass --admin-username and --admin-password (or set",
        "PLUGWIRE_ADMIN_USERNAME and PLUGWIRE_ADMIN_PASSWORD) to create a system admin.",
      ];
    case "users-exist":
      return [];
  }
}

/** Loads every plugin folder; returns the ids of plugins shipped in --plugins folders. */
async function loadPlugins(host: Host, options: ServeOptions, terminal: Terminal) {
  const { out } = terminal;
  const shipped: string[] = [];
  const sources = [
    ...options.pluginFolders.map((folder) => ({ folder, installed: false })),
    { folder: host.pluginsDir as string, installed: true },
  ];
  out("Plugins:");
  let found = 0;
  for (const { folder, installed } of sources) {
    const { loaded, failed } = await host.loadPluginsFrom(folder);
    for (const manifest of loaded) {
      if (!installed) shipped.push(manifest.id);
      out(`  ${manifest.id} ${manifest.version}  ${manifest.dir}`);
    }
    for (const { dir, error } of failed) out(`  ✗ ${dir} was not loaded: ${error.message}`);
    found += loaded.length + failed.length;
  }
  if (found === 0) {
    out(`  none found in ${sources.map((source) => source.folder).join(", ")}`);
  }
  return shipped;
}

async function startPlugins(host: Host, shipped: string[], terminal: Terminal): Promise<void> {
  const { out } = terminal;
  if (host.statuses().length > 0) out("Starting plugins …");
  const startedAt = Date.now();
  await host.restoreEnabledPlugins({
    enableByDefault: shipped,
    onResult: (result) => out(`  ${describeResult(result, Date.now() - startedAt)}`),
  });
}

function describeResult(result: PluginStartResult, elapsedMs: number): string {
  switch (result.outcome) {
    case "enabled":
      return `${result.pluginId}: active (${elapsedMs} ms)`;
    case "disabled":
      return `${result.pluginId}: disabled (an admin disabled it; POST /api/v4/plugins/${result.pluginId}/enable enables it)`;
    case "failed":
      return `${result.pluginId}: failed to start: ${result.error?.message}`;
  }
}

async function printDemo(
  host: Host,
  options: ServeOptions,
  siteUrl: string,
  terminal: Terminal,
): Promise<void> {
  const { out } = terminal;
  const username = options.admin?.username ?? DEMO_ADMIN.username;
  const workspace = await ensureDemoWorkspace(host, username);
  out("");
  if (workspace === undefined) {
    out(`Demo: no user "${username}" in this data folder, so no demo team and channel.`);
    return;
  }
  out(
    `Demo: team "${workspace.team.name}" (${workspace.team.id}), channel "${workspace.channel.name}" (${workspace.channel.id}).`,
  );
  if (host.statuses().find((status) => status.id === HELLO_PLUGIN_ID)?.state !== "active") {
    out(`The Hello plugin (${HELLO_PLUGIN_ID}) is not active, so its commands below won't answer.`);
  }
  for (const line of demoInstructions({
    siteUrl,
    username,
    demoPassword: options.admin === undefined ? DEMO_ADMIN.password : undefined,
    channelId: workspace.channel.id,
  })) {
    out(line);
  }
}

/**
 * Resolves `signalled` at the first SIGINT or SIGTERM; a second one exits at once. Until
 * shuttingDown() the signal only sets `requested`, so start-up stops at its next step.
 */
function stopSignal(terminal: Terminal) {
  let resolveSignalled: () => void = () => undefined;
  const state = {
    requested: false,
    signalled: new Promise<void>((resolve) => {
      resolveSignalled = resolve;
    }),
    shuttingDown: () => {
      if (!state.requested) {
        state.requested = true;
        terminal.out("Shutting down …");
      }
    },
  };
  const onSignal = (signal: Signal) => {
    if (state.requested) {
      terminal.err(`plugwire: ${signal} again: exiting without finishing the shutdown`);
      process.exit(forcedExitCode[signal]);
    }
    state.requested = true;
    terminal.out("");
    terminal.out(`${signal} received: shutting down (send it again to exit at once) …`);
    resolveSignalled();
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  return state;
}

async function requireFolder(folder: string): Promise<void> {
  const isFolder = await stat(folder).then(
    (stats) => stats.isDirectory(),
    () => false,
  );
  if (!isFolder) {
    throw new Error(
      `--plugins ${folder}: no such folder; give a folder whose subfolders are plugins`,
    );
  }
}

function describeStartFailure(error: unknown, options: ServeOptions): string {
  const code = (error as NodeJS.ErrnoException).code;
  // The listener that failed: the metrics one when its port is the one named.
  const failedPort = (error as { port?: number }).port;
  const metrics = options.metrics !== undefined && failedPort === options.metrics.port;
  const port = metrics ? options.metrics?.port : options.port;
  const hostname = metrics ? options.metrics?.hostname : options.hostname;
  const flag = metrics ? "--metrics-port" : "--port";
  if (code === "EADDRINUSE") {
    return `port ${port} on ${hostname} is in use; stop what is using it or pass another ${flag}`;
  }
  if (code === "EACCES") {
    return `no permission to listen on port ${port}; use a port above 1023 for ${flag}`;
  }
  return error instanceof Error ? error.message : String(error);
}

/**
 * The salt of public file links, kept in the data folder so that links outlive a restart: made
 * once, 32 random letters and digits as Mattermost's PublicLinkSalt.
 */
async function publicLinkSalt(dataDir: string): Promise<string> {
  const path = join(dataDir, "public-link-salt");
  const kept = await readFile(path, "utf8").catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return undefined;
    throw error;
  });
  if (kept !== undefined && kept.trim().length >= 32) return kept.trim();
  const salt = randomBytes(24).toString("base64url");
  await writeFile(path, `${salt}\n`, { mode: 0o600 });
  return salt;
}

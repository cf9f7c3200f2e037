// One start of one plugin process, after go-plugin's client.go: a private folder, a per-start
// token and the plugin's PluginAPI server; the spawn with a minimal environment; the handshake;
// the gRPC connection, the health check, Implemented and OnActivate; and the way down:
// OnDeactivate, Shutdown, a grace period, SIGKILL, and removal of everything the start made.
// Every wait has a deadline, so a hung plugin cannot hang the host. Restarts are the
// supervisor's business: a PluginProcess is started once and stopped once.
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chown, mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import type { JsonObject } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import { asPluginAPIError } from "@plugwire/errors";
import {
  APP_PROTOCOL_VERSIONS,
  CheckResponse_ServingStatus,
  DIRECT_CHANNEL_PROTOCOL_VERSION,
  HEALTH_SERVICE_NAME,
  parseHandshake,
} from "@plugwire/protocol";
import { directChannelPath } from "@plugwire/protocol/grpc";
import type { LogLevel, LogSink } from "../log.js";
import type { ServerPluginManifest } from "../manifest/manifest.js";
import { pluginEnvironment } from "./environment.js";
import { HookClient } from "./hook-client.js";
import type { OutputLimits } from "./output-budget.js";
import { connectToPlugin, type PluginConnection } from "./plugin-connection.js";
import { PluginOutput } from "./plugin-output.js";
import type { PluginPidRegistry } from "./plugin-pid-registry.js";
import { type PluginPhase, PluginProcessError } from "./plugin-process-error.js";
import { type InspectorAddress, type PluginSandbox, spawnCommand } from "./spawn-command.js";

/** The plugin's PluginAPI server, as serveApi started it. */
export interface PluginApiServer {
  close(): Promise<void>;
}

/** Starts the PluginAPI server one plugin start calls, on `socketPath`, accepting `token`. */
export type ServeApi = (init: {
  socketPath: string;
  token: string;
  pluginId: string;
}) => Promise<PluginApiServer>;

export interface PluginProcessOptions {
  serveApi: ServeApi;
  /**
   * The plugin's configuration, as its GetPluginConfig answers it: sent with OnActivate, so
   * the plugin needs no API call to have it. Default: none sent (the plugin asks).
   */
  activationConfig?: () => Promise<JsonObject>;
  /** Receives every line the plugin logs, with its id. */
  log: LogSink;
  /** Lowest level the plugin's logger writes. Default "info". */
  logLevel?: LogLevel;
  /** How long the plugin has to print its handshake line. Default 10 s. */
  startTimeoutMs?: number;
  /** Deadline of each hook call, Implemented and OnActivate included. Default 30 s. */
  hookTimeoutMs?: number;
  /** Deadline of each health check. Default 5 s. */
  healthCheckTimeoutMs?: number;
  /** How long the plugin has to exit after Shutdown before it is killed. Default 5 s. */
  stopGracePeriodMs?: number;
  /** How much of the plugin's output is logged; see OutputLimits for the defaults. */
  output?: OutputLimits;
  /**
   * Whether the kernel kills the plugin when the host dies (see spawn-command.ts). Default: on
   * Linux when setpriv is on PATH.
   */
  killWithHost?: boolean;
  /** Where the running plugin processes are recorded, for the next host start to end. */
  pidRegistry?: PluginPidRegistry;
  /**
   * What confines the plugin (see spawn-command.ts): Node's permission model, its writable
   * data folder (created 0700, and given to the plugin's user), the user it runs as.
   */
  sandbox?: PluginSandbox;
  /** Starts the plugin with Node's inspector listening there (see spawn-command.ts). */
  inspector?: InspectorAddress;
}

/** How a plugin process ended. */
export interface PluginExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** E.g. "exited with code 1", "was killed by SIGKILL", "could not be spawned: …". */
  description: string;
}

type Settings = Required<
  Omit<
    PluginProcessOptions,
    | "serveApi"
    | "activationConfig"
    | "log"
    | "output"
    | "killWithHost"
    | "pidRegistry"
    | "sandbox"
    | "inspector"
  >
>;

/** Unix socket paths are limited to 104 bytes on macOS; this leaves room for the socket's name. */
const MAX_SOCKET_DIR_BYTES = 80;

/** Deadline of a hook call unless the host says otherwise. */
export const DEFAULT_HOOK_TIMEOUT_MS = 30_000;
/** Once the process exited, how long to wait for the rest of its output before reporting. */
const OUTPUT_DRAIN_MS = 200;

export class PluginProcess {
  readonly pluginId: string;
  private readonly settings: Settings;
  private phase: PluginPhase = "start";
  private socketDir: string | undefined;
  private api: PluginApiServer | undefined;
  private child: ChildProcessWithoutNullStreams | undefined;
  private output: PluginOutput | undefined;
  private exit: Promise<PluginExit> | undefined;
  private connection: PluginConnection | undefined;
  private hookClient: HookClient | undefined;
  private released: Promise<void> | undefined;
  /** Settles once the process is no longer in the pid registry. */
  private unregistered: Promise<void> = Promise.resolve();

  /**
   * Starts a plugin and resolves once it is active. Fails with a PluginProcessError, after
   * killing the process and removing what the start made. Aborting `signal` cancels the start.
   */
  static async start(
    manifest: ServerPluginManifest,
    options: PluginProcessOptions,
    signal?: AbortSignal,
  ): Promise<PluginProcess> {
    const plugin = new PluginProcess(manifest.id, options);
    try {
      await plugin.launch(manifest, signal);
      return plugin;
    } catch (reason) {
      await plugin.kill();
      // Built again after the kill, so that the error quotes everything the process printed.
      if (reason instanceof PluginProcessError) {
        throw plugin.failure(reason.phase, reason.reason, reason.cause);
      }
      throw plugin.failure(
        plugin.phase,
        reason instanceof Error ? reason.message : String(reason),
        reason,
      );
    }
  }

  private constructor(
    pluginId: string,
    private readonly options: PluginProcessOptions,
  ) {
    this.pluginId = pluginId;
    this.settings = {
      logLevel: options.logLevel ?? "info",
      startTimeoutMs: options.startTimeoutMs ?? 10_000,
      hookTimeoutMs: options.hookTimeoutMs ?? DEFAULT_HOOK_TIMEOUT_MS,
      healthCheckTimeoutMs: options.healthCheckTimeoutMs ?? 5_000,
      stopGracePeriodMs: options.stopGracePeriodMs ?? 5_000,
    };
  }

  /** The operating system's process id. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Dispatches the hooks the plugin implements. */
  get hooks(): HookClient {
    if (this.hookClient === undefined) {
      throw new Error(`plugin "${this.pluginId}" is not active`);
    }
    return this.hookClient;
  }

  /** Settles when the process has ended, whoever ended it. */
  get exited(): Promise<PluginExit> {
    return this.exit ?? Promise.resolve({ code: null, signal: null, description: "never ran" });
  }

  /** The last lines the process printed, as "stream: line". */
  lastOutput(): string[] {
    return this.output?.lastLines() ?? [];
  }

  /** Throws a PluginProcessError of phase "health" unless the plugin reports SERVING in time. */
  async checkHealth(signal?: AbortSignal): Promise<void> {
    const timeoutMs = this.settings.healthCheckTimeoutMs;
    let status: CheckResponse_ServingStatus;
    try {
      ({ status } = await this.connected().health.check(
        { service: HEALTH_SERVICE_NAME },
        { timeoutMs, signal },
      ));
    } catch (reason) {
      throw this.failure("health", describeCallFailure("Health/Check", reason, timeoutMs), reason);
    }
    if (status !== CheckResponse_ServingStatus.SERVING) {
      const name = CheckResponse_ServingStatus[status] ?? String(status);
      throw this.failure(
        "health",
        `Health/Check of service "${HEALTH_SERVICE_NAME}" answered ${name}, expected SERVING`,
      );
    }
  }

  /**
   * Deactivates and ends the process: OnDeactivate (if implemented) under the hook deadline,
   * then GRPCController/Shutdown, then SIGKILL if the process has not exited within the grace
   * period; then removes what the start made. An OnDeactivate failure is logged, not thrown.
   */
  async stop(): Promise<void> {
    const connection = this.connection;
    if (connection !== undefined && this.released === undefined) {
      const { hookTimeoutMs, stopGracePeriodMs } = this.settings;
      if (this.hookClient?.implements("OnDeactivate")) {
        try {
          await connection.hooks.onDeactivate({}, { timeoutMs: hookTimeoutMs });
        } catch (reason) {
          this.options.log({
            level: "warn",
            msg: describeCallFailure("OnDeactivate", reason, hookTimeoutMs),
            pluginId: this.pluginId,
            fields: { phase: "stop" },
            time: new Date(),
          });
        }
      }
      const graceEnds = Date.now() + stopGracePeriodMs;
      // A plugin may exit before its answer arrives, so a failed Shutdown says nothing: only
      // whether the process exits within the grace period counts.
      await connection.controller
        .shutdown({}, { timeoutMs: stopGracePeriodMs })
        .catch(() => undefined);
      const cancelWait = new AbortController();
      await Promise.race([
        this.exited,
        delay(Math.max(0, graceEnds - Date.now()), undefined, { signal: cancelWait.signal }).catch(
          () => undefined,
        ),
      ]);
      cancelWait.abort();
    }
    await this.kill();
  }

  /** Kills the process at once (SIGKILL) and removes what the start made. Safe to call twice. */
  kill(): Promise<void> {
    this.released ??= this.release();
    return this.released;
  }

  private async release(): Promise<void> {
    this.connection?.close();
    const child = this.child;
    if (child !== undefined && child.exitCode === null && child.signalCode === null) {
      child.kill("SIGKILL");
    }
    await this.exit;
    await this.unregistered;
    await this.api?.close();
    if (this.socketDir !== undefined) {
      await rm(this.socketDir, { recursive: true, force: true });
    }
  }

  private async launch(
    manifest: ServerPluginManifest,
    signal: AbortSignal | undefined,
  ): Promise<void> {
    const { pluginId, settings } = this;
    this.socketDir = await mkdtemp(join(tmpdir(), "pw-"));
    if (Buffer.byteLength(this.socketDir) > MAX_SOCKET_DIR_BYTES) {
      throw this.failure(
        "start",
        `the socket folder ${this.socketDir} is longer than ${MAX_SOCKET_DIR_BYTES} bytes, too long for Unix socket paths; set TMPDIR to a shorter folder`,
      );
    }
    const apiSocketPath = join(this.socketDir, "api.sock");
    const token = randomBytes(32).toString("base64url");
    this.api = await this.options.serveApi({ socketPath: apiSocketPath, token, pluginId });
    signal?.throwIfAborted();

    const { sandbox = {}, killWithHost, inspector } = this.options;
    const { user, writableDir } = sandbox;
    if (writableDir !== undefined) {
      await mkdir(writableDir, { recursive: true, mode: 0o700 });
    }
    if (user !== undefined) {
      // The plugin's user creates its socket in the folder and connects to the API's sockets;
      // the folder stays closed to everyone else.
      for (const path of [this.socketDir, apiSocketPath, writableDir]) {
        if (path !== undefined) {
          await chown(path, user.uid, user.gid);
        }
      }
      // An API server of serveApi's own may not offer the direct call channel: the plugin's
      // calls then go per call.
      await chown(directChannelPath(apiSocketPath), user.uid, user.gid).catch(
        (error: NodeJS.ErrnoException) => {
          if (error.code !== "ENOENT") throw error;
        },
      );
    }
    const { command, args } = spawnCommand(manifest, { killWithHost, sandbox, inspector });
    const child = spawn(command, args, {
      cwd: manifest.dir,
      env: pluginEnvironment({
        pluginId,
        socketDir: this.socketDir,
        apiSocketPath,
        token,
        logLevel: settings.logLevel,
        hookTimeoutMs: settings.hookTimeoutMs,
        dataDir: writableDir,
      }),
      // stdin stays open and unused: it reaches end-of-file when the host dies.
      stdio: ["pipe", "pipe", "pipe"],
    });
    this.child = child;
    this.exit = watchExit(child);
    const registry = this.options.pidRegistry;
    if (registry !== undefined && child.pid !== undefined) {
      const pid = child.pid;
      const recorded = registry.record(pid, pluginId).catch((reason: unknown) => {
        this.options.log({
          level: "warn",
          msg: `could not record the plugin's pid ${pid} in ${registry.dir}: ${(reason as Error).message}`,
          pluginId,
          fields: { phase: "start" },
          time: new Date(),
        });
      });
      this.unregistered = this.exit
        .then(() => recorded)
        .then(() => registry.forget(pid))
        .catch(() => undefined);
    }
    const output = new PluginOutput(pluginId, child, this.options.log, this.options.output);
    this.output = output;

    this.phase = "handshake";
    const handshake = await this.readHandshake(output, signal);
    this.connection = connectToPlugin(handshake.address, token, {
      directChannel: handshake.appVersion >= DIRECT_CHANNEL_PROTOCOL_VERSION,
    });

    // Implemented and the configuration are asked for with the health check, not after it:
    // each round trip waits for the plugin to be scheduled, which is most of a start's time
    // when many plugins start at once. A failed health check is still what is reported.
    const { hookTimeoutMs } = settings;
    const answered = this.connection.hooks.implemented({}, { timeoutMs: hookTimeoutMs, signal });
    const activationConfig = this.options.activationConfig?.();
    answered.catch(() => undefined);
    activationConfig?.catch(() => undefined);

    this.phase = "health";
    await this.checkHealth(signal);

    this.phase = "activate";
    let implemented: string[];
    try {
      ({ hooks: implemented } = await answered);
    } catch (reason) {
      throw this.failure(
        "activate",
        describeCallFailure("Implemented", reason, hookTimeoutMs),
        reason,
      );
    }
    this.hookClient = new HookClient(
      pluginId,
      this.connection.hooks,
      implemented,
      hookTimeoutMs,
      this.connection.http,
    );
    if (this.hookClient.implements("OnActivate")) {
      const config = await activationConfig;
      try {
        await this.connection.hooks.onActivate({ config }, { timeoutMs: hookTimeoutMs, signal });
      } catch (reason) {
        throw this.failure(
          "activate",
          describeCallFailure("OnActivate", reason, hookTimeoutMs),
          reason,
        );
      }
    }
  }

  /** The first stdout line, parsed; the process must print it within the start timeout. */
  private async readHandshake(output: PluginOutput, signal: AbortSignal | undefined) {
    const timeoutMs = this.settings.startTimeoutMs;
    const stopWaiting = new AbortController();
    const cancel = AbortSignal.any(signal ? [stopWaiting.signal, signal] : [stopWaiting.signal]);
    try {
      const outcome = await Promise.race([
        output.handshakeLine.then((line) => ({ line })),
        this.exited.then((exit) => ({ exit })),
        delay(timeoutMs, { timedOut: true } as const, { signal: cancel }),
      ]);
      if ("exit" in outcome) {
        throw this.child?.pid === undefined
          ? this.failure("start", `the process ${outcome.exit.description}`)
          : this.failure(
              "handshake",
              `the process ${outcome.exit.description} before printing its handshake`,
            );
      }
      if ("timedOut" in outcome) {
        throw this.failure("handshake", `no handshake line on stdout within ${timeoutMs} ms`);
      }
      try {
        return parseHandshake(outcome.line, APP_PROTOCOL_VERSIONS);
      } catch (reason) {
        throw this.failure("handshake", (reason as Error).message, reason);
      }
    } catch (reason) {
      if (signal?.aborted && !(reason instanceof PluginProcessError)) {
        throw this.failure("handshake", "the start was cancelled", reason);
      }
      throw reason;
    } finally {
      stopWaiting.abort();
    }
  }

  private connected(): PluginConnection {
    if (this.connection === undefined) {
      throw this.failure(this.phase, "there is no connection to the plugin yet");
    }
    return this.connection;
  }

  private failure(phase: PluginPhase, reason: string, cause?: unknown): PluginProcessError {
    return new PluginProcessError(this.pluginId, phase, reason, this.lastOutput(), { cause });
  }
}

/**
 * Settles when the process has ended and its output has been read, or shortly after it ended
 * if a descendant keeps its pipes open.
 */
function watchExit(child: ChildProcessWithoutNullStreams): Promise<PluginExit> {
  return new Promise((resolve) => {
    child.on("error", (error) => {
      if (child.pid === undefined) {
        resolve({
          code: null,
          signal: null,
          description: `could not be spawned: ${error.message}`,
        });
      }
    });
    child.once("exit", (code, signal) => {
      const description =
        signal !== null ? `was killed by ${signal}` : `exited with code ${code ?? "unknown"}`;
      const settle = () => resolve({ code, signal, description });
      child.once("close", settle);
      setTimeout(settle, OUTPUT_DRAIN_MS).unref();
    });
  });
}

/** Why a call to the plugin failed, in the plugin's own words when it sent an error. */
function describeCallFailure(rpc: string, reason: unknown, timeoutMs: number): string {
  if (reason instanceof ConnectError && reason.code === Code.DeadlineExceeded) {
    return `${rpc} did not answer within ${timeoutMs} ms`;
  }
  const message = asPluginAPIError(reason).message;
  // The SDK already names the hook that failed; say it once.
  const prefix = `${rpc} failed: `;
  return message.startsWith(prefix) ? message : prefix + message;
}

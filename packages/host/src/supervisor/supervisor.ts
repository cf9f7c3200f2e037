// Keeps one plugin running: starts it, checks its health periodically, restarts it with
// backoff when it crashes (it exits on its own, fails a health check, or its hooks keep timing
// out), gives up after too many crashes, and stops it. Its state is observable, and it
// dispatches hooks to whichever process is current, answering UnavailableError while there is
// none or while the hook's circuit is open (see hook-circuit.ts).
import { setTimeout as delay } from "node:timers/promises";
import { UnavailableError } from "@plugwire/errors";
import type { HookName } from "@plugwire/protocol";
import { hasServer, type PluginManifest } from "../manifest/manifest.js";
import type { CallStatsRow } from "../metrics/call-stats.js";
import { HookActivity } from "./hook-activity.js";
import { HookCircuit, type HookCircuitPolicy } from "./hook-circuit.js";
import {
  type FileUploadAnswer,
  type FileUploadHead,
  type HookCallOptions,
  type HookDispatcher,
  type HookRequest,
  type HookResponse,
  type HTTPRequestHeadInit,
  type HTTPResponse,
  isHookDeadline,
  type UnaryHookName,
} from "./hook-client.js";
import { PluginProcess, type PluginProcessOptions } from "./plugin-process.js";
import { PluginProcessError } from "./plugin-process-error.js";

/**
 * - "starting": the first start is in progress;
 * - "active": the plugin is running and answers hooks;
 * - "restarting": it crashed and is waiting for, or going through, a restart;
 * - "failed": it could not start, or crashed too often; `lastError` says why;
 * - "stopped": not started yet, or stopped.
 */
export type PluginState = "starting" | "active" | "restarting" | "failed" | "stopped";

export interface PluginStateChange {
  pluginId: string;
  state: PluginState;
  previous: PluginState;
  /** The crash behind "restarting", the failure behind "failed". */
  error?: PluginProcessError;
}

/** When to restart a crashed plugin. The defaults follow Mattermost's 3 crashes an hour. */
export interface RestartPolicy {
  /** Wait before a restart; doubles with each restart in the window. Default 250 ms. */
  initialBackoffMs?: number;
  /** Longest wait before a restart. Default 30 s. */
  maxBackoffMs?: number;
  /** Restarts allowed within `windowMs`; the next crash marks the plugin failed. Default 3. */
  maxRestarts?: number;
  /** Default 1 hour. */
  windowMs?: number;
}

export interface SupervisorOptions extends PluginProcessOptions {
  /** Time between health checks of an active plugin. Default 30 s. */
  healthCheckIntervalMs?: number;
  restart?: RestartPolicy;
  /** When a plugin whose hooks time out is skipped, and restarted. */
  hookCircuit?: HookCircuitPolicy;
  /** Where each hook call's outcome and duration is counted for the host's metrics, by hook. */
  hookStats?: CallStatsRow;
}

/** How long a failed health check waits for the process's exit, which explains more. */
const EXIT_NOTICE_MS = 500;

export class PluginSupervisor implements HookDispatcher {
  readonly pluginId: string;
  private currentState: PluginState = "stopped";
  private error: PluginProcessError | undefined;
  private readonly listeners = new Set<(change: PluginStateChange) => void>();
  private current: PluginProcess | undefined;
  private implemented: ReadonlySet<HookName> = new Set();
  /** Aborted by stop(): cancels a start, a backoff or a restart in progress. */
  private lifecycle = new AbortController();
  /** Set by stop() until the next start(). */
  private stopping: Promise<void> | undefined;
  /** The start or restart in progress; it never rejects. */
  private transition: Promise<void> = Promise.resolve();
  private healthTimer: NodeJS.Timeout | undefined;
  /** Whether a health check of the current process is running. */
  private checkingHealth = false;
  /** The hook circuit of the current process. */
  private circuit: HookCircuit;
  /** When each restart in the current window began. */
  private restarts: number[] = [];
  private readonly healthCheckIntervalMs: number;
  private readonly restartPolicy: Required<RestartPolicy>;
  /** When the current process became active. */
  private activeAt: Date | undefined;
  /** Restarts after crashes since the last start(). */
  private restartTotal = 0;
  /** What the last process printed last, kept after it is gone. */
  private lastProcess: PluginProcess | undefined;
  /** Calls, failures, timeouts and latencies of the hooks over the last minutes. */
  readonly activity = new HookActivity();

  constructor(
    readonly manifest: PluginManifest,
    private readonly options: SupervisorOptions,
  ) {
    this.pluginId = manifest.id;
    this.healthCheckIntervalMs = options.healthCheckIntervalMs ?? 30_000;
    this.restartPolicy = {
      initialBackoffMs: options.restart?.initialBackoffMs ?? 250,
      maxBackoffMs: options.restart?.maxBackoffMs ?? 30_000,
      maxRestarts: options.restart?.maxRestarts ?? 3,
      windowMs: options.restart?.windowMs ?? 60 * 60_000,
    };
    this.circuit = new HookCircuit(options.hookCircuit);
  }

  get state(): PluginState {
    return this.currentState;
  }

  /** Why the plugin last crashed or failed; cleared by start(). */
  get lastError(): PluginProcessError | undefined {
    return this.error;
  }

  /** When the running process became active; undefined while none is. */
  get activeSince(): Date | undefined {
    return this.currentState === "active" ? this.activeAt : undefined;
  }

  /** How many times the plugin was restarted after a crash since it was last started. */
  get restartCount(): number {
    return this.restartTotal;
  }

  /** The last lines the current (or, once it is gone, the last) process printed, oldest first. */
  lastOutput(): string[] {
    if (this.current !== undefined) return this.current.lastOutput();
    const failure = this.error?.lastOutput ?? [];
    return failure.length > 0 ? [...failure] : (this.lastProcess?.lastOutput() ?? []);
  }

  /** The process id of the active plugin. */
  get pid(): number | undefined {
    return this.current?.pid;
  }

  /** Calls `listener` on every change of state until the returned function is called. */
  onStateChange(listener: (change: PluginStateChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Starts the plugin from "stopped" or "failed" and resolves once it is active. Rejects with
   * the PluginProcessError that left it "failed"; the first start is not retried, since what
   * failed it (a bad handshake, an OnActivate error) would fail the next start the same way.
   */
  async start(): Promise<void> {
    const startable = this.currentState === "stopped" || this.currentState === "failed";
    if (!startable || (this.stopping !== undefined && this.currentState !== "stopped")) {
      const state = startable ? "stopping" : this.currentState;
      throw new Error(`plugin "${this.pluginId}" cannot start: it is ${state}`);
    }
    this.lifecycle = new AbortController();
    this.stopping = undefined;
    const { signal } = this.lifecycle;
    this.error = undefined;
    this.restarts = [];
    this.restartTotal = 0;
    this.setState("starting");
    const launching = this.launch(signal);
    this.transition = launching.catch(() => undefined);
    try {
      await launching;
    } catch (reason) {
      if (!signal.aborted) {
        this.fail(reason as PluginProcessError);
      }
      throw reason;
    }
  }

  /**
   * Stops the plugin from any state: cancels a start or restart in progress, or deactivates
   * and shuts down the running plugin (see PluginProcess.stop). Resolves once it is gone.
   */
  stop(): Promise<void> {
    if (this.currentState === "stopped") {
      return Promise.resolve();
    }
    this.stopping ??= this.shutDown();
    return this.stopping;
  }

  private async shutDown(): Promise<void> {
    this.lifecycle.abort();
    clearTimeout(this.healthTimer);
    const plugin = this.current;
    this.current = undefined;
    await this.transition;
    await plugin?.stop();
    this.setState("stopped");
  }

  /** Whether the plugin's last activation named this hook; kept while it restarts. */
  implements(name: HookName): boolean {
    return this.implemented.has(name);
  }

  /** The hooks being skipped after they timed out, each with the calls skipped so far. */
  get skippedHooks(): Record<string, number> {
    return Object.fromEntries(this.circuit.open);
  }

  /**
   * Calls a hook of the active plugin; see HookClient.callHook. Throws UnavailableError for an
   * implemented hook while the plugin is not active, e.g. restarting, or while the hook's
   * circuit is open: it timed out and the plugin has not answered a health check since.
   */
  callHook<N extends UnaryHookName>(
    name: N,
    request: HookRequest<N>,
    options?: HookCallOptions,
  ): Promise<HookResponse<N> | undefined> {
    // Not an async function: every hook dispatch passes here, and the call's own promise is
    // returned through timed() without extra turns of the microtask queue.
    if (!this.implements(name)) {
      return Promise.resolve(undefined);
    }
    let plugin: PluginProcess;
    try {
      plugin = this.activeProcess(name);
    } catch (reason) {
      return Promise.reject(reason);
    }
    if (this.circuit.isOpen(name)) {
      this.circuit.skip(name);
      return Promise.reject(
        new UnavailableError({
          message: `plugin "${this.pluginId}" did not answer hook ${name} in time and has not answered a health check since; the call was skipped`,
          where: `PluginHooks.${name}`,
          params: { pluginId: this.pluginId, hook: name },
        }),
      );
    }
    return this.timed(name, () => plugin.hooks.callHook(name, request, options)).catch(
      (reason: unknown) => {
        if (isHookDeadline(reason) && this.current === plugin) {
          this.hookTimedOut(plugin, name);
        }
        throw reason;
      },
    );
  }

  /** Streams an HTTP request to the active plugin; see HookClient.serveHTTP and callHook. */
  async serveHTTP(
    head: HTTPRequestHeadInit,
    body: AsyncIterable<Uint8Array>,
    options?: HookCallOptions,
  ): Promise<HTTPResponse | undefined> {
    if (!this.implements("ServeHTTP")) {
      return undefined;
    }
    const plugin = this.activeProcess("ServeHTTP");
    return this.timed("ServeHTTP", () => plugin.hooks.serveHTTP(head, body, options));
  }

  /** Streams an upload through the active plugin's FileWillBeUploaded; see HookClient and callHook. */
  async fileWillBeUploaded(
    head: FileUploadHead,
    content: AsyncIterable<Uint8Array>,
    output: (replacement: AsyncIterable<Uint8Array>) => Promise<number>,
    options?: HookCallOptions,
  ): Promise<FileUploadAnswer | undefined> {
    const name = "FileWillBeUploaded";
    if (!this.implements(name)) {
      return undefined;
    }
    const plugin = this.activeProcess(name);
    if (this.circuit.isOpen(name)) {
      this.circuit.skip(name);
      throw new UnavailableError({
        message: `plugin "${this.pluginId}" did not answer hook ${name} in time and has not answered a health check since; the call was skipped`,
        where: `PluginHooks.${name}`,
        params: { pluginId: this.pluginId, hook: name },
      });
    }
    try {
      return await plugin.hooks.fileWillBeUploaded(head, content, output, options);
    } catch (reason) {
      if (isHookDeadline(reason) && this.current === plugin) {
        this.hookTimedOut(plugin, name);
      }
      throw reason;
    }
  }

  /**
   * Sends a request whose body is whole to the active plugin; see HookClient.serveHTTPOnce.
   * Not an async function: it is on every proxied request's path, and the call's own promise
   * is returned through timed() without extra turns of the microtask queue.
   */
  serveHTTPOnce(
    head: HTTPRequestHeadInit,
    body: Uint8Array,
    options?: HookCallOptions,
  ): Promise<HTTPResponse | undefined> {
    if (!this.implements("ServeHTTP")) {
      return Promise.resolve(undefined);
    }
    let plugin: PluginProcess;
    try {
      plugin = this.activeProcess("ServeHTTP");
    } catch (reason) {
      return Promise.reject(reason);
    }
    return this.timed("ServeHTTP", () => plugin.hooks.serveHTTPOnce(head, body, options));
  }

  /**
   * Runs a call of `hook`, recording its latency (to the answer) and outcome in `activity` and
   * in the host's metrics. Settles as the call does, in the same turn.
   */
  private timed<T>(hook: HookName, run: () => Promise<T>): Promise<T> {
    const stats = this.options.hookStats?.of(hook);
    const started = performance.now();
    let call: Promise<T>;
    try {
      call = run();
    } catch (reason) {
      call = Promise.reject(reason);
    }
    return call.then(
      (result) => {
        const ms = performance.now() - started;
        this.activity.record(hook, ms, "ok");
        stats?.succeeded(ms);
        return result;
      },
      (reason: unknown) => {
        const ms = performance.now() - started;
        const timedOut = isHookDeadline(reason);
        this.activity.record(hook, ms, timedOut ? "timeout" : "failed");
        stats?.failed(ms, timedOut);
        throw reason;
      },
    );
  }

  private activeProcess(hook: HookName): PluginProcess {
    if (this.currentState === "active" && this.current !== undefined) {
      return this.current;
    }
    const state = this.stopping === undefined ? this.currentState : "stopping";
    const why = this.error === undefined ? "" : `: ${this.error.reason}`;
    throw new UnavailableError({
      message: `plugin "${this.pluginId}" is not active (${state}${why}); hook ${hook} was not called`,
      where: `PluginHooks.${hook}`,
      params: { pluginId: this.pluginId, hook, state: this.currentState },
    });
  }

  /** Starts a plugin and makes it current, unless stop() came first. */
  private async launch(signal: AbortSignal): Promise<void> {
    if (!hasServer(this.manifest)) {
      // A webapp-only plugin: active at once, with no process, no hooks and no health checks;
      // the host serves its web app bundle while it is active.
      this.activeAt = new Date();
      this.implemented = new Set();
      this.setState("active");
      return;
    }
    const plugin = await PluginProcess.start(this.manifest, this.options, signal);
    if (signal.aborted) {
      await plugin.kill();
      throw new PluginProcessError(this.pluginId, "start", "stopped while starting");
    }
    this.activate(plugin);
  }

  private activate(plugin: PluginProcess): void {
    this.current = plugin;
    this.lastProcess = plugin;
    this.activeAt = new Date();
    this.circuit = new HookCircuit(this.options.hookCircuit);
    this.implemented = new Set(plugin.hooks.implementedHooks());
    this.setState("active");
    void plugin.exited.then((exit) => {
      if (this.current === plugin) {
        const reason = `the process ${exit.description}`;
        this.crash(
          plugin,
          new PluginProcessError(this.pluginId, "run", reason, plugin.lastOutput()),
        );
      }
    });
    this.scheduleHealthCheck(plugin);
  }

  /**
   * Opens the circuit on the first timeout, and checks the plugin's health soon, to close it
   * again; restarts the plugin once it timed out too often.
   */
  private hookTimedOut(plugin: PluginProcess, hook: UnaryHookName | "FileWillBeUploaded"): void {
    const wasOpen = this.circuit.open.size > 0;
    const { maxTimeouts, windowMs, probeDelayMs } = this.circuit.policy;
    if (this.circuit.timedOut(hook)) {
      this.crash(
        plugin,
        new PluginProcessError(
          this.pluginId,
          "run",
          `hooks timed out ${maxTimeouts} times within ${windowMs} ms (last: ${hook})`,
          plugin.lastOutput(),
        ),
      );
      return;
    }
    this.log(
      "warn",
      `hook ${hook} timed out: calls to it are skipped until the plugin answers a health check`,
      { hook },
    );
    if (!wasOpen && !this.checkingHealth) {
      clearTimeout(this.healthTimer);
      this.scheduleHealthCheck(plugin, probeDelayMs);
    }
  }

  private scheduleHealthCheck(plugin: PluginProcess, delayMs = this.healthCheckIntervalMs): void {
    this.healthTimer = setTimeout(async () => {
      this.checkingHealth = true;
      // Only a check that began after the last timeout shows that the plugin answers again.
      const generation = this.circuit.generation;
      try {
        await plugin.checkHealth(this.lifecycle.signal);
      } catch (reason) {
        // A process that has just died fails its health check too, but its exit says more:
        // if it ends meanwhile, the exit has been reported as the crash by the time this wakes.
        await Promise.race([plugin.exited, delay(EXIT_NOTICE_MS, undefined, { ref: false })]);
        if (this.current === plugin) {
          this.crash(plugin, reason as PluginProcessError);
        }
        return;
      } finally {
        this.checkingHealth = false;
      }
      if (this.current !== plugin) {
        return;
      }
      const closed = this.circuit.close(generation);
      if (closed.size > 0) {
        const skipped = [...closed].map(([hook, calls]) => `${calls} calls to ${hook}`).join(", ");
        this.log(
          "info",
          `the plugin answers its health check again: its hooks are called again (skipped: ${skipped})`,
          { skipped: Object.fromEntries(closed) },
        );
      }
      const probeAgain = this.circuit.open.size > 0;
      this.scheduleHealthCheck(plugin, probeAgain ? this.circuit.policy.probeDelayMs : undefined);
    }, delayMs);
    this.healthTimer.unref();
  }

  private log(level: "info" | "warn", msg: string, fields: Record<string, unknown>): void {
    this.options.log({ level, msg, pluginId: this.pluginId, fields, time: new Date() });
  }

  private crash(crashed: PluginProcess, error: PluginProcessError): void {
    this.current = undefined;
    clearTimeout(this.healthTimer);
    this.transition = this.restart(crashed, error).catch((reason: unknown) => {
      const message = reason instanceof Error ? reason.message : String(reason);
      this.fail(new PluginProcessError(this.pluginId, "run", `restart failed: ${message}`));
    });
  }

  /**
   * Restarts until a start succeeds, an activation fails, there were too many crashes, or
   * stop() is called. Runs synchronously up to the first state change.
   */
  private async restart(crashed: PluginProcess, error: PluginProcessError): Promise<void> {
    const { signal } = this.lifecycle;
    const { initialBackoffMs, maxBackoffMs, maxRestarts, windowMs } = this.restartPolicy;
    const killed = crashed.kill();
    let reason = error;
    for (;;) {
      const now = Date.now();
      this.restarts = this.restarts.filter((startedAt) => now - startedAt < windowMs);
      if (this.restarts.length >= maxRestarts) {
        this.fail(
          new PluginProcessError(
            this.pluginId,
            reason.phase,
            `crashed ${this.restarts.length + 1} times within ${windowMs} ms, giving up; last crash: ${reason.reason}`,
            reason.lastOutput,
            { cause: reason },
          ),
        );
        await killed;
        return;
      }
      this.restarts.push(now);
      this.restartTotal += 1;
      this.error = reason;
      this.setState("restarting");
      await killed;
      const backoffMs = Math.min(initialBackoffMs * 2 ** (this.restarts.length - 1), maxBackoffMs);
      try {
        await delay(backoffMs, undefined, { signal, ref: false });
        await this.launch(signal);
        return;
      } catch (failure) {
        if (signal.aborted) {
          return;
        }
        // The plugin's own refusal to activate is final, as on the first start.
        if ((failure as PluginProcessError).phase === "activate") {
          this.fail(failure as PluginProcessError);
          return;
        }
        reason = failure as PluginProcessError;
      }
    }
  }

  private fail(error: PluginProcessError): void {
    this.error = error;
    this.current = undefined;
    this.setState("failed");
  }

  private setState(state: PluginState): void {
    const previous = this.currentState;
    if (state === previous) {
      return;
    }
    this.currentState = state;
    const error = state === "restarting" || state === "failed" ? this.error : undefined;
    for (const listener of this.listeners) {
      listener({ pluginId: this.pluginId, state, previous, error });
    }
  }
}

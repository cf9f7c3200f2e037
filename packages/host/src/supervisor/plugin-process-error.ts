// The one error a plugin process fails with, after go-plugin's rule: it says which plugin,
// in which phase of its life, what went wrong, and what the process printed last.

/**
 * The phases of one plugin process:
 * - "start": preparing its folder and API server, spawning it;
 * - "handshake": waiting for and reading the first line of its stdout;
 * - "health": grpc.health.v1 checks, at start and periodically;
 * - "activate": PluginHooks/Implemented and OnActivate;
 * - "run": while active, e.g. it exited on its own.
 */
export type PluginPhase = "start" | "handshake" | "health" | "activate" | "run";

/** A plugin process failed; the message names the plugin and phase and quotes its last output. */
export class PluginProcessError extends Error {
  override name = "PluginProcessError";
  /** The reason alone, without the plugin, phase and output around it. */
  readonly reason: string;

  constructor(
    readonly pluginId: string,
    readonly phase: PluginPhase,
    reason: string,
    /** The process's last lines of stdout and stderr, oldest first, as "stream: line". */
    readonly lastOutput: readonly string[] = [],
    options?: { cause?: unknown },
  ) {
    super(formatMessage(pluginId, phase, reason, lastOutput), options);
    this.reason = reason;
  }
}

function formatMessage(
  pluginId: string,
  phase: PluginPhase,
  reason: string,
  lastOutput: readonly string[],
): string {
  const output =
    lastOutput.length === 0
      ? "the process printed nothing"
      : `last output:\n${lastOutput.map((line) => `  ${line}`).join("\n")}`;
  return `plugin "${pluginId}" failed in phase ${phase}: ${reason}\n${output}`;
}

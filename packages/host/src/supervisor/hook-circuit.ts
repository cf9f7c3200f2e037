// The breaker between the host and a plugin whose hooks stop answering. A hook that runs past
// its deadline opens the circuit: the plugin's hooks are skipped (the caller gets an
// UnavailableError at once, which message and login hooks treat as "fail open") until the
// plugin answers a health check again. Too many deadlines within a window mean the plugin is
// stuck, not slow: it is restarted. So a hung MessageWillBePosted costs one deadline, not one
// per post.

/** When a plugin's hooks are skipped, and when it is restarted for timing out. */
export interface HookCircuitPolicy {
  /** How soon after a hook timed out the plugin's health is checked, to close the circuit. Default 1 s. */
  probeDelayMs?: number;
  /** Hook timeouts within `windowMs` after which the plugin is restarted. Default 3. */
  maxTimeouts?: number;
  /** Default 1 minute. */
  windowMs?: number;
}

export const defaultHookCircuitPolicy: Required<HookCircuitPolicy> = {
  probeDelayMs: 1_000,
  maxTimeouts: 3,
  windowMs: 60_000,
};

/** Why the circuit is open. */
export interface OpenCircuit {
  /** The hook that timed out. */
  hook: string;
  /** Hook calls skipped since. */
  skipped: number;
}

/** The circuit of one plugin process. */
export class HookCircuit {
  readonly policy: Required<HookCircuitPolicy>;
  private openCircuit: OpenCircuit | undefined;
  /** When each timeout in the window happened. */
  private timeouts: number[] = [];

  constructor(
    policy: HookCircuitPolicy = {},
    private readonly now: () => number = Date.now,
  ) {
    this.policy = { ...defaultHookCircuitPolicy, ...policy };
  }

  /** Set while hooks are skipped. */
  get open(): OpenCircuit | undefined {
    return this.openCircuit;
  }

  /** Opens the circuit; answers whether the plugin timed out too often and must restart. */
  timedOut(hook: string): boolean {
    const now = this.now();
    this.timeouts = this.timeouts.filter((at) => now - at < this.policy.windowMs);
    this.timeouts.push(now);
    this.openCircuit ??= { hook, skipped: 0 };
    return this.timeouts.length >= this.policy.maxTimeouts;
  }

  /** Counts a skipped call. */
  skip(): void {
    if (this.openCircuit !== undefined) {
      this.openCircuit.skipped++;
    }
  }

  /** Closes the circuit: the plugin answered a health check. */
  close(): void {
    this.openCircuit = undefined;
  }
}

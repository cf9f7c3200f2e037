// The breaker between the host and a plugin whose hooks stop answering. A hook that runs past
// its deadline opens the circuit for that hook: calls to it are skipped (the caller gets an
// UnavailableError at once, which message and login hooks treat as "fail open") until the
// plugin answers a health check again. Its other hooks are still called: a handler waiting
// forever says nothing about the others, and a plugin that is stuck as a whole fails its health
// check and is restarted. Too many deadlines within a window mean the plugin is stuck, not
// slow: it is restarted. So a hung MessageWillBePosted costs one deadline, not one per post.

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

/** The circuit of one plugin process. */
export class HookCircuit {
  readonly policy: Required<HookCircuitPolicy>;
  /** The hooks that timed out, each with the calls to it skipped since. */
  private readonly skipped = new Map<string, number>();
  /** Counts the timeouts, so that a health check can tell whether one came while it ran. */
  private timeoutCount = 0;
  /** When each timeout in the window happened. */
  private timeouts: number[] = [];

  constructor(
    policy: HookCircuitPolicy = {},
    private readonly now: () => number = Date.now,
  ) {
    this.policy = { ...defaultHookCircuitPolicy, ...policy };
  }

  /** The hooks being skipped, each with the calls skipped so far; empty while closed. */
  get open(): ReadonlyMap<string, number> {
    return this.skipped;
  }

  /** How many timeouts there have been; see `close`. */
  get generation(): number {
    return this.timeoutCount;
  }

  /** Whether calls to `hook` are skipped. */
  isOpen(hook: string): boolean {
    return this.skipped.has(hook);
  }

  /** Opens the circuit for `hook`; answers whether the plugin timed out too often and must restart. */
  timedOut(hook: string): boolean {
    const now = this.now();
    this.timeoutCount++;
    this.timeouts = this.timeouts.filter((at) => now - at < this.policy.windowMs);
    this.timeouts.push(now);
    if (!this.skipped.has(hook)) {
      this.skipped.set(hook, 0);
    }
    return this.timeouts.length >= this.policy.maxTimeouts;
  }

  /** Counts a skipped call to `hook`. */
  skip(hook: string): void {
    const skipped = this.skipped.get(hook);
    if (skipped !== undefined) {
      this.skipped.set(hook, skipped + 1);
    }
  }

  /**
   * Closes the circuit for every hook, because the plugin answered a health check that began at
   * `generation`; a timeout since then keeps it open. Answers the hooks it closed, with their
   * skipped calls.
   */
  close(generation: number): Map<string, number> {
    if (generation !== this.timeoutCount) {
      return new Map();
    }
    const closed = new Map(this.skipped);
    this.skipped.clear();
    return closed;
  }
}

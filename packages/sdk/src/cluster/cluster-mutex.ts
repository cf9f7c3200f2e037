// A mutex across every copy of a plugin in a cluster, as Mattermost's pluginapi/cluster Mutex:
// held while the KV key "mutex_<name>" exists. Taking it is an atomic write that succeeds only
// when the key is absent (or expired); the key expires LOCK_TTL_SECONDS after its last write,
// and the holder writes it again every REFRESH_MS (half the TTL), so a holder that dies frees it
// within the TTL and a live one keeps it. Unlike Mattermost's, whose value is always the byte 1,
// the value is a random id of this holder, and the refresh and the delete are compare-and-set
// on it: a holder whose lock expired cannot renew or free the lock another copy took since.
import { randomUUID } from "node:crypto";
import type { PluginAPIClient } from "../api/plugin-api-client.js";
import type { Logger } from "../logger/logger.js";
import { nextWaitMs, sleep } from "./wait.js";

/** The prefix of a lock's KV key, as Mattermost's, apart from the plugin's other keys. */
export const MUTEX_PREFIX = "mutex_";
/** Seconds after its last refresh that a lock whose holder died frees itself. */
export const LOCK_TTL_SECONDS = 15;
/** How often a holder renews its lock: half the TTL, as Mattermost's. */
export const REFRESH_MS = (LOCK_TTL_SECONDS * 1_000) / 2;

/** A held cluster lock; unlock() frees it. */
export interface ClusterLock {
  readonly name: string;
  /** Whether this copy still holds it (false once unlocked, or if a renewal failed). */
  readonly held: boolean;
  /** Frees the lock if this copy still holds it; a second call does nothing. */
  unlock(): Promise<void>;
}

export interface LockOptions {
  /** Gives up waiting when aborted; lock() then rejects with the signal's reason. */
  signal?: AbortSignal;
}

const encoder = new TextEncoder();

export class ClusterMutex implements ClusterLock {
  private readonly key: string;
  private readonly value = encoder.encode(randomUUID());
  private refresher: NodeJS.Timeout | undefined;
  #held = false;

  constructor(
    private readonly api: PluginAPIClient,
    private readonly logger: Logger,
    readonly name: string,
    private readonly released: (mutex: ClusterMutex) => void = () => undefined,
  ) {
    if (name === "") throw new RangeError("a cluster lock needs a name");
    this.key = MUTEX_PREFIX + name;
  }

  get held(): boolean {
    return this.#held;
  }

  /** Takes the lock if it is free; answers whether it did. Rejects if the host did not answer. */
  async tryLock(): Promise<boolean> {
    if (this.#held) return false;
    const taken = await this.api.kvSetWithOptions(this.key, this.value, {
      atomic: true,
      expireInSeconds: LOCK_TTL_SECONDS,
    });
    if (taken) {
      this.#held = true;
      this.refresher = setInterval(() => void this.refresh(), REFRESH_MS);
      this.refresher.unref();
    }
    return taken;
  }

  /**
   * Waits until the lock is taken: tries at once, then about once a second while another copy
   * holds it; while the host fails to answer, logs it and waits twice as long each time (up to
   * five minutes), as Mattermost's LockWithContext.
   */
  async lock(options: LockOptions = {}): Promise<void> {
    for (let wait = 0; ; ) {
      options.signal?.throwIfAborted();
      let failed = false;
      try {
        if (await this.tryLock()) return;
      } catch (error) {
        failed = true;
        this.logger.error("failed to lock cluster mutex", {
          lock_key: this.key,
          err: String(error),
        });
      }
      wait = nextWaitMs(wait, failed);
      await sleep(wait, options.signal);
    }
  }

  async unlock(): Promise<void> {
    if (!this.#held) return;
    this.stop();
    // Deleted only while it still holds this holder's value. If that fails the key still
    // expires, so the lock frees itself anyway.
    await this.api
      .kvSetWithOptions(this.key, undefined, { atomic: true, oldValue: this.value })
      .catch((error: unknown) => {
        this.logger.warn("failed to unlock cluster mutex", {
          lock_key: this.key,
          err: String(error),
        });
      });
  }

  private stop(): void {
    this.#held = false;
    clearInterval(this.refresher);
    this.released(this);
  }

  private async refresh(): Promise<void> {
    let kept: boolean;
    try {
      kept = await this.api.kvSetWithOptions(this.key, this.value, {
        atomic: true,
        oldValue: this.value,
        expireInSeconds: LOCK_TTL_SECONDS,
      });
    } catch (error) {
      // The host is briefly away: try again at the next refresh, still within the TTL.
      this.logger.warn("failed to refresh cluster mutex", {
        lock_key: this.key,
        err: String(error),
      });
      return;
    }
    if (!kept && this.#held) {
      // It expired (this copy stalled longer than the TTL) and another copy may hold it now.
      this.logger.error("lost cluster mutex: it expired before it was refreshed", {
        lock_key: this.key,
      });
      this.stop();
    }
  }
}

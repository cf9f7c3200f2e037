// A mutex across every copy of a plugin in a cluster, as Mattermost's pluginapi/cluster Mutex:
// held while the KV key "mutex_<name>" holds this holder's random value. Taking it is an
// atomic write that succeeds only when the key is absent; the key expires LOCK_TTL_SECONDS
// after the last write, and the holder writes it again (compare-and-set on its own value) every
// REFRESH_MS, so a holder that dies frees it within the TTL and a live one keeps it.
import { randomUUID } from "node:crypto";
import type { PluginAPIClient } from "../api/plugin-api-client.js";

/** Seconds after its last refresh that a lock whose holder died frees itself. */
export const LOCK_TTL_SECONDS = 15;
/** How often a holder renews its lock. */
export const REFRESH_MS = 5_000;
/** The first wait between attempts of lock(); it doubles up to MAX_POLL_MS. */
const MIN_POLL_MS = 10;
const MAX_POLL_MS = 500;

/** A held cluster lock; unlock() frees it. */
export interface ClusterLock {
  readonly name: string;
  /** Frees the lock (only if still held: after an expiry another holder's lock stays). */
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
  private held = false;

  constructor(
    private readonly api: PluginAPIClient,
    readonly name: string,
    private readonly released: (mutex: ClusterMutex) => void,
  ) {
    this.key = `mutex_${name}`;
  }

  /** Takes the lock if it is free; answers whether it did. */
  async tryLock(): Promise<boolean> {
    const taken = await this.api.kvSetWithOptions(this.key, this.value, {
      atomic: true,
      expireInSeconds: LOCK_TTL_SECONDS,
    });
    if (taken) {
      this.held = true;
      this.refresher = setInterval(() => void this.refresh(), REFRESH_MS);
      this.refresher.unref();
    }
    return taken;
  }

  /** Waits until the lock is taken (polling, backing off up to half a second). */
  async lock(options: LockOptions = {}): Promise<void> {
    for (let wait = MIN_POLL_MS; ; wait = Math.min(MAX_POLL_MS, wait * 2)) {
      options.signal?.throwIfAborted();
      if (await this.tryLock()) return;
      await sleep(wait, options.signal);
    }
  }

  async unlock(): Promise<void> {
    if (!this.held) return;
    this.held = false;
    clearInterval(this.refresher);
    this.released(this);
    // Deleted only while it still holds this holder's value.
    await this.api.kvSetWithOptions(this.key, undefined, { atomic: true, oldValue: this.value });
  }

  private async refresh(): Promise<void> {
    const kept = await this.api
      .kvSetWithOptions(this.key, this.value, {
        atomic: true,
        oldValue: this.value,
        expireInSeconds: LOCK_TTL_SECONDS,
      })
      .catch(() => true); // The host is briefly away: try again at the next refresh.
    if (!kept) {
      // It expired and someone else took it: this holder no longer has it.
      this.held = false;
      clearInterval(this.refresher);
      this.released(this);
    }
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(done, ms);
    function done() {
      signal?.removeEventListener("abort", aborted);
      resolve();
    }
    function aborted() {
      clearTimeout(timer);
      reject(signal?.reason);
    }
    signal?.addEventListener("abort", aborted, { once: true });
  });
}

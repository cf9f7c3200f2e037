// How long a copy waits before it tries again, as Mattermost's pluginapi/cluster does: about a
// second between attempts while someone else holds a lock, doubling from there up to five
// minutes while the host fails to answer, always give or take a quarter second so that copies
// which started together drift apart instead of colliding at every attempt.

/** The wait after the first failed attempt, and between attempts on a held lock. */
export const POLL_MS = 1_000;
/** The longest wait while the host keeps failing. */
export const MAX_WAIT_MS = 5 * 60_000;
/** The spread around each wait: ± half of it. */
const JITTER_MS = POLL_MS / 2;

/** The wait after `lastMs` (0 for the first) when the attempt found the lock held or `failed`. */
export function nextWaitMs(lastMs: number, failed: boolean): number {
  const base = failed ? Math.min(MAX_WAIT_MS, Math.max(lastMs, POLL_MS) * 2) : POLL_MS;
  return base + Math.floor(Math.random() * JITTER_MS) - JITTER_MS / 2;
}

/** Resolves after `ms`, or rejects with the signal's reason as soon as it is aborted. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
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

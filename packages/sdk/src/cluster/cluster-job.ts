// A job that runs once per interval across every copy of a plugin in a cluster, as Mattermost's
// pluginapi/cluster Schedule: the KV key "cron_<name>" records when the job last finished; each
// copy waits until the next run is due, takes the mutex "cron_<name>", reads the record again
// (another copy may have run it meanwhile) and runs the job only if it is still due, then
// records the time it finished. A copy that loses the race waits for the next interval.
import type { PluginAPIClient } from "../api/plugin-api-client.js";
import type { Logger } from "../logger/logger.js";
import { ClusterMutex } from "./cluster-mutex.js";

/** A scheduled job; close() stops it (a run in progress finishes). */
export interface ClusterJob {
  readonly name: string;
  close(): Promise<void>;
}

/** How long a copy that did not get the job's mutex waits before it looks again, at most. */
const MAX_RETRY_MS = 1_000;

interface JobRecord {
  /** When the job last finished, ms since the epoch. */
  lastFinished: number;
}

export class ScheduledJob implements ClusterJob {
  private readonly key: string;
  private closed = false;
  private wake: (() => void) | undefined;
  private readonly running: Promise<void>;

  constructor(
    private readonly api: PluginAPIClient,
    private readonly logger: Logger,
    readonly name: string,
    private readonly everyMs: number,
    private readonly run: () => unknown,
  ) {
    this.key = `cron_${name}`;
    this.running = this.loop();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.wake?.();
    await this.running;
  }

  private async loop(): Promise<void> {
    while (!this.closed) {
      try {
        const due = (await this.lastFinished()) + this.everyMs - Date.now();
        if (due > 0) {
          await this.sleep(due);
          continue;
        }
        const mutex = new ClusterMutex(this.api, this.key, () => undefined);
        if (!(await mutex.tryLock())) {
          await this.sleep(Math.min(this.everyMs, MAX_RETRY_MS));
          continue;
        }
        try {
          // Another copy may have run it between the read above and the lock.
          if ((await this.lastFinished()) + this.everyMs <= Date.now() && !this.closed) {
            // A run that fails counts as run: it is tried again at the next interval.
            await Promise.resolve()
              .then(this.run)
              .catch((error: unknown) => {
                this.logger.warn(`cluster job ${this.name} failed`, { error: String(error) });
              });
            await this.api.kvSetJSON(this.key, { lastFinished: Date.now() } satisfies JobRecord);
          }
        } finally {
          await mutex.unlock();
        }
      } catch (error) {
        // The host did not answer (KV): look again a little later.
        this.logger.warn(`cluster job ${this.name}: ${String(error)}`);
        await this.sleep(Math.min(this.everyMs, MAX_RETRY_MS));
      }
    }
  }

  private async lastFinished(): Promise<number> {
    return (await this.api.kvGetJSON<JobRecord>(this.key))?.lastFinished ?? 0;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      const wake = () => {
        clearTimeout(timer);
        done();
      };
      this.wake = wake;
      function done() {
        resolve();
      }
    });
  }
}

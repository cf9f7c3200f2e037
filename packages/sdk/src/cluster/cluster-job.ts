// A job that runs once per interval across every copy of a plugin in a cluster, as Mattermost's
// pluginapi/cluster Schedule with MakeWaitForInterval: the KV key "cron_<name>" holds the job's
// metadata, `{"LastFinished": "<RFC 3339 time>"}` as Mattermost's JobMetadata writes it, so a
// copy that restarts (or a copy on another host) waits for the interval since the last run
// anywhere instead of running at once. Each copy sleeps until the next run is due, takes the
// mutex "cron_<name>" (KV key "mutex_cron_<name>", held and renewed for the whole run), reads
// the metadata again (another copy may have run the job meanwhile) and runs the job only if it
// is still due, then records when it finished. A copy that finds the mutex taken looks again
// about a second later, by when the metadata says the run is done.
import type { PluginAPIClient } from "../api/plugin-api-client.js";
import type { Logger } from "../logger/logger.js";
import { ClusterMutex } from "./cluster-mutex.js";
import { nextWaitMs, sleep } from "./wait.js";

/** The prefix of a job's KV key (and of its mutex's name), as Mattermost's. */
export const CRON_PREFIX = "cron_";

/** A scheduled job; close() stops it on this copy (a run in progress finishes first). */
export interface ClusterJob {
  readonly name: string;
  close(): Promise<void>;
}

/** The job's metadata as stored, in the shape of Mattermost's JobMetadata. */
interface JobMetadata {
  /** When the job last finished anywhere in the cluster. */
  LastFinished?: string;
}

export class ScheduledJob implements ClusterJob {
  private readonly key: string;
  private readonly mutex: ClusterMutex;
  private readonly stopping = new AbortController();
  private readonly running: Promise<void>;

  constructor(
    private readonly api: PluginAPIClient,
    private readonly logger: Logger,
    readonly name: string,
    private readonly everyMs: number,
    private readonly run: () => unknown,
  ) {
    if (name === "") throw new RangeError("a cluster job needs a name");
    this.key = CRON_PREFIX + name;
    this.mutex = new ClusterMutex(api, logger, this.key);
    this.running = this.loop();
  }

  async close(): Promise<void> {
    this.stopping.abort();
    await this.running;
  }

  private async loop(): Promise<void> {
    const { signal } = this.stopping;
    let wait = 0;
    let backoff = 0; // the last wait after a failure, 0 while the host answers
    while (!signal.aborted) {
      try {
        await sleep(wait, signal);
      } catch {
        return; // closed
      }
      try {
        // Not due yet: sleep until it is, without touching the mutex.
        wait = this.untilDue(await this.lastFinished());
        backoff = 0;
        if (wait > 0) continue;
        if (!(await this.mutex.tryLock())) {
          wait = Math.min(this.everyMs, nextWaitMs(0, false));
          continue;
        }
        try {
          // Another copy may have run it between the read above and the lock.
          wait = this.untilDue(await this.lastFinished());
          if (wait > 0 || signal.aborted) continue;
          await this.runOnce();
          await this.api.kvSetJSON(this.key, {
            LastFinished: new Date().toISOString(),
          } satisfies JobMetadata);
          wait = this.everyMs;
        } finally {
          await this.mutex.unlock();
        }
      } catch (error) {
        // The host did not answer: look again later, waiting longer each time it fails.
        this.logger.error("cluster job failed to read or write its metadata", {
          key: this.key,
          err: String(error),
        });
        backoff = nextWaitMs(backoff, true);
        wait = backoff;
      }
    }
  }

  /** A run that throws is logged and counts as run: it is tried again at the next interval. */
  private async runOnce(): Promise<void> {
    try {
      await this.run();
    } catch (error) {
      this.logger.error("cluster job failed", { key: this.key, err: String(error) });
    }
  }

  /** Ms until the job is due after a run that finished at `lastFinished` (0: due now). */
  private untilDue(lastFinished: number): number {
    return Math.max(0, lastFinished + this.everyMs - Date.now());
  }

  /** When the job last finished anywhere, in ms since the epoch; 0 if it never ran. */
  private async lastFinished(): Promise<number> {
    const metadata = await this.api.kvGetJSON<JobMetadata>(this.key);
    const time = Date.parse(metadata?.LastFinished ?? "");
    return Number.isNaN(time) ? 0 : time;
  }
}

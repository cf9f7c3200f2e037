// `this.cluster` of every plugin: what a plugin needs when the host is one node of a cluster
// and each node runs its own copy of it (Mattermost's pluginapi/cluster), built only on the
// atomic KV store, so it works the same on one host. Every lock taken and job scheduled
// through it is released and stopped when the plugin stops (after OnDeactivate, or at
// Shutdown), and a lock() still waiting then gives up.
import type { PluginAPIClient } from "../api/plugin-api-client.js";
import type { Logger } from "../logger/logger.js";
import { type ClusterJob, ScheduledJob } from "./cluster-job.js";
import { type ClusterLock, ClusterMutex, type LockOptions } from "./cluster-mutex.js";

export type { ClusterJob } from "./cluster-job.js";
export type { ClusterLock, LockOptions } from "./cluster-mutex.js";

export class Cluster {
  private readonly locks = new Set<ClusterMutex>();
  private readonly jobs = new Set<ClusterJob>();
  private stopping = new AbortController();

  constructor(
    private readonly api: PluginAPIClient,
    private readonly logger: Logger,
  ) {}

  /**
   * Waits until this copy holds the cluster-wide lock `name` (KV key `mutex_<name>`), then
   * resolves with it. Another holder is polled about once a second. While held the lock is
   * renewed every 7.5 s; if this copy dies it frees itself 15 s after the last renewal. Rejects
   * when `options.signal` is aborted or the plugin stops first.
   */
  async lock(name: string, options: LockOptions = {}): Promise<ClusterLock> {
    const mutex = this.mutex(name);
    const signal =
      options.signal === undefined
        ? this.stopping.signal
        : AbortSignal.any([options.signal, this.stopping.signal]);
    try {
      await mutex.lock({ signal });
    } catch (error) {
      this.locks.delete(mutex);
      throw error;
    }
    return mutex;
  }

  /** The lock `name` if it is free now, else undefined; rejects if the host did not answer. */
  async tryLock(name: string): Promise<ClusterLock | undefined> {
    const mutex = this.mutex(name);
    try {
      if (await mutex.tryLock()) return mutex;
    } catch (error) {
      this.locks.delete(mutex);
      throw error;
    }
    this.locks.delete(mutex);
    return undefined;
  }

  /**
   * Runs `job` once every `everyMs` across the whole cluster: whichever copy finds it due first
   * runs it (under the lock `cron_<name>`), the others skip that interval. When the job last
   * finished is kept in KV (key `cron_<name>`), so a copy that starts waits for the interval
   * since the last run anywhere; a job never run runs at once. A run that throws is logged and
   * counts as run.
   */
  schedule(name: string, everyMs: number, job: () => unknown): ClusterJob {
    if (!(everyMs > 0) || !Number.isFinite(everyMs)) {
      throw new RangeError(
        `cluster.schedule("${name}"): the interval must be a positive number of ms`,
      );
    }
    const scheduled = new ScheduledJob(this.api, this.logger, name, everyMs, job);
    const tracked: ClusterJob = {
      name,
      close: async () => {
        this.jobs.delete(tracked);
        await scheduled.close();
      },
    };
    this.jobs.add(tracked);
    return tracked;
  }

  /**
   * Stops every job, frees every lock taken through this object and makes waiting lock() calls
   * give up; the SDK calls it when the plugin stops. The object can be used again afterwards
   * (a plugin activated again).
   */
  async close(): Promise<void> {
    this.stopping.abort(new Error("the plugin is stopping"));
    this.stopping = new AbortController();
    await Promise.allSettled([
      ...[...this.jobs].map((job) => job.close()),
      ...[...this.locks].map((lock) => lock.unlock()),
    ]);
  }

  private mutex(name: string): ClusterMutex {
    const mutex = new ClusterMutex(this.api, this.logger, name, (released) =>
      this.locks.delete(released),
    );
    this.locks.add(mutex);
    return mutex;
  }
}

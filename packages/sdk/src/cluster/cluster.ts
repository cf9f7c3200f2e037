// `this.cluster` of every plugin: what a plugin needs when the host is one node of a cluster
// and each node runs its own copy of it (Mattermost's pluginapi/cluster), built only on the
// atomic KV store, so it works the same on one host. Every lock taken and job scheduled
// through it is released and stopped when the plugin stops (OnDeactivate, or Shutdown).
import type { PluginAPIClient } from "../api/plugin-api-client.js";
import type { Logger } from "../logger/logger.js";
import { type ClusterJob, ScheduledJob } from "./cluster-job.js";
import { type ClusterLock, ClusterMutex, type LockOptions } from "./cluster-mutex.js";

export type { ClusterJob } from "./cluster-job.js";
export type { ClusterLock, LockOptions } from "./cluster-mutex.js";

export class Cluster {
  private readonly locks = new Set<ClusterMutex>();
  private readonly jobs = new Set<ClusterJob>();

  constructor(
    private readonly api: PluginAPIClient,
    private readonly logger: Logger,
  ) {}

  /**
   * Waits until this copy holds the cluster-wide lock `name`, then resolves with it. While held
   * it is renewed every 5 s; if this copy dies it frees itself 15 s after the last renewal.
   */
  async lock(name: string, options: LockOptions = {}): Promise<ClusterLock> {
    const mutex = this.mutex(name);
    try {
      await mutex.lock(options);
    } catch (error) {
      this.locks.delete(mutex);
      throw error;
    }
    return mutex;
  }

  /** The lock `name` if it is free now, else undefined. */
  async tryLock(name: string): Promise<ClusterLock | undefined> {
    const mutex = this.mutex(name);
    if (await mutex.tryLock()) return mutex;
    this.locks.delete(mutex);
    return undefined;
  }

  /**
   * Runs `job` once every `everyMs` across the whole cluster: whichever copy finds it due first
   * runs it, the others skip that interval. A run that throws is logged and counts as run.
   */
  schedule(name: string, everyMs: number, job: () => unknown): ClusterJob {
    if (!(everyMs > 0)) {
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

  /** Stops every job and frees every lock taken through this object; the SDK calls it at stop. */
  async close(): Promise<void> {
    await Promise.allSettled([
      ...[...this.jobs].map((job) => job.close()),
      ...[...this.locks].map((lock) => lock.unlock()),
    ]);
  }

  private mutex(name: string): ClusterMutex {
    if (name === "") throw new RangeError("a cluster lock needs a name");
    const mutex = new ClusterMutex(this.api, name, (released) => this.locks.delete(released));
    this.locks.add(mutex);
    return mutex;
  }
}

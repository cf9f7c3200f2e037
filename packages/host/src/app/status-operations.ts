// Statuses as Mattermost keeps them: "online", "away", "dnd" or "offline", with `manual` set when
// the user (or a plugin for them) chose it. Presence comes from live connections: a first
// connection makes a user online and the last one leaving offline, and a user connected but idle
// longer than the away timeout becomes away; none of these automatic changes touch a manual
// status. A timed do-not-disturb ends by itself and restores the status before it. Statuses are
// saved in the store and cached here (as Mattermost's status cache), and every change goes out
// as status_change. On a cluster, presence is the cluster's: each host records in the store
// which users it has connections of, and a user whose last connection to one host ends stays
// online while another host (seen lately) has one.
import { create } from "@bufbuild/protobuf";
import { ValidationError } from "@plugwire/errors";
import { type CustomStatus, type Status, StatusSchema, UserSchema } from "@plugwire/protocol";
import type { Actor } from "./actor.js";
import type { AppCore } from "./app-core.js";
import { CLUSTER_NODE_TTL_MS } from "./cluster-operations.js";
import { KeyedQueue } from "./keyed-queue.js";
import type { Users } from "./user-operations.js";

export const STATUS_ONLINE = "online";
export const STATUS_AWAY = "away";
export const STATUS_DND = "dnd";
export const STATUS_OFFLINE = "offline";
/** Mattermost's default TeamSettings.UserStatusAwayTimeout (300 s), in ms. */
export const DEFAULT_USER_STATUS_AWAY_TIMEOUT_MS = 300_000;
/** Mattermost's StatusMinUpdateTime: while the status stays, activity is saved at most this often. */
const STATUS_MIN_UPDATE_MS = 120_000;
/** The user prop holding the custom status as JSON, as in Mattermost. */
export const CUSTOM_STATUS_PROP = "customStatus";
const DEFAULT_CUSTOM_STATUS_EMOJI = "speech_balloon";
const CUSTOM_STATUS_TEXT_MAX_LENGTH = 100;
const CUSTOM_STATUS_DURATIONS = new Set([
  "",
  "thirty_minutes",
  "one_hour",
  "four_hours",
  "today",
  "this_week",
  "date_and_time",
]);
/** How Go writes a zero time.Time, which Mattermost sends for a custom status without an end. */
const NO_EXPIRY = "0001-01-01T00:00:00Z";

export interface StatusOperations {
  /** The user's status; "offline" for a user never seen; NotFoundError for an unknown user. */
  getUserStatus(userId: string): Promise<Status>;
  /** One status per id, in order; "offline" for ids never seen. */
  getUserStatusesByIds(userIds: readonly string[]): Promise<Status[]>;
  /**
   * Sets the status by hand, as Mattermost's UpdateUserStatus: online, offline, away, or dnd
   * (until `dndEndTime`, in seconds, when it is set). ValidationError for any other status.
   */
  updateUserStatus(
    actor: Actor,
    userId: string,
    status: string,
    dndEndTime?: bigint,
  ): Promise<Status>;
  /** Do-not-disturb until `endTime` (seconds since the epoch, truncated to the minute). */
  setUserStatusTimedDND(actor: Actor, userId: string, endTime: bigint): Promise<Status>;
  /** Sets the user's custom status (user prop customStatus); emoji or text is required. */
  updateUserCustomStatus(actor: Actor, userId: string, customStatus: CustomStatus): Promise<void>;
  /** Clears the user's custom status. */
  removeUserCustomStatus(actor: Actor, userId: string): Promise<void>;
  /** A live connection of the user opened. */
  userConnected(userId: string): Promise<void>;
  /** A live connection of the user closed. */
  userDisconnected(userId: string): Promise<void>;
  /** The user did something on a live connection. */
  userActive(userId: string): Promise<void>;
  /**
   * A client says whether its user is active (Mattermost's user_update_active_status): online
   * when active, away when not (by hand when `manual`, else only once idle for the timeout).
   */
  userActiveStatus(userId: string, active: boolean, manual: boolean): Promise<void>;
  /** The users with a live connection to this host. */
  connectedUserIds(): string[];
  /** Makes idle connected users away and ends timed do-not-disturbs that are over. */
  checkStatuses(): Promise<void>;
}

export class Statuses implements StatusOperations {
  /** The statuses read or written so far, by user. */
  private readonly cache = new Map<string, Status>();
  private readonly connections = new Map<string, number>();
  /** Changes of one user's status never overlap. */
  private readonly queue = new KeyedQueue();

  constructor(
    private readonly core: AppCore,
    private readonly users: Users,
    private readonly awayTimeoutMs = DEFAULT_USER_STATUS_AWAY_TIMEOUT_MS,
  ) {}

  async getUserStatus(userId: string): Promise<Status> {
    await this.core.store.getUser(userId);
    const [status] = await this.getUserStatusesByIds([userId]);
    return status as Status;
  }

  async getUserStatusesByIds(userIds: readonly string[]): Promise<Status[]> {
    const missing = userIds.filter((userId) => !this.cache.has(userId));
    for (const status of await this.core.store.getStatuses([...new Set(missing)])) {
      if (!this.cache.has(status.userId)) this.cache.set(status.userId, status);
    }
    const statuses: Status[] = [];
    for (const userId of userIds) {
      const status = this.cache.get(userId);
      statuses.push(
        status === undefined
          ? offline(userId, false, 0n)
          : await this.queue.run(userId, () => this.endedDnd(status)),
      );
    }
    return statuses;
  }

  async updateUserStatus(
    _actor: Actor,
    userId: string,
    status: string,
    dndEndTime = 0n,
  ): Promise<Status> {
    await this.core.store.getUser(userId);
    switch (status) {
      case STATUS_ONLINE:
        await this.setOnline(userId, true);
        break;
      case STATUS_OFFLINE:
        await this.setOffline(userId, true);
        break;
      case STATUS_AWAY:
        await this.setAwayIfNeeded(userId, true);
        break;
      case STATUS_DND:
        await this.setDnd(userId, dndEndTime);
        break;
      default:
        throw new ValidationError({
          id: "plugin.api.update_user_status.bad_status",
          message: `"${status}" is not a status; use online, away, dnd or offline.`,
          params: { field: "status" },
        });
    }
    return this.getUserStatus(userId);
  }

  async setUserStatusTimedDND(_actor: Actor, userId: string, endTime: bigint): Promise<Status> {
    await this.core.store.getUser(userId);
    if (endTime <= BigInt(Math.floor(this.core.now() / 1000))) {
      throw new ValidationError({
        id: "app.status.set_timed_dnd.end_time.app_error",
        message: `end_time ${endTime} is not in the future; give seconds since the epoch.`,
        params: { field: "end_time" },
      });
    }
    await this.setDnd(userId, endTime);
    return this.getUserStatus(userId);
  }

  async updateUserCustomStatus(
    actor: Actor,
    userId: string,
    customStatus: CustomStatus,
  ): Promise<void> {
    const { emoji, text, duration, expiresAt } = customStatus;
    const invalid = (field: string, message: string) =>
      new ValidationError({
        id: "api.custom_status.set_custom_statuses.update.app_error",
        message,
        params: { field },
      });
    if (!emoji && !text) throw invalid("custom_status", "custom_status needs an emoji or a text.");
    if ([...text].length > CUSTOM_STATUS_TEXT_MAX_LENGTH) {
      throw invalid(
        "custom_status.text",
        `custom_status.text may have at most ${CUSTOM_STATUS_TEXT_MAX_LENGTH} characters.`,
      );
    }
    if (!CUSTOM_STATUS_DURATIONS.has(duration)) {
      throw invalid(
        "custom_status.duration",
        `custom_status.duration "${duration}" is not one of ${[...CUSTOM_STATUS_DURATIONS].filter(Boolean).join(", ")}.`,
      );
    }
    if (expiresAt && Number.isNaN(Date.parse(expiresAt))) {
      throw invalid("custom_status.expires_at", "custom_status.expires_at is an RFC 3339 time.");
    }
    await this.setCustomStatusProp(
      actor,
      userId,
      JSON.stringify({
        emoji: emoji || DEFAULT_CUSTOM_STATUS_EMOJI,
        text: text.trim(),
        duration,
        expires_at: expiresAt || NO_EXPIRY,
      }),
    );
  }

  removeUserCustomStatus(actor: Actor, userId: string): Promise<void> {
    return this.setCustomStatusProp(actor, userId, "");
  }

  async userConnected(userId: string): Promise<void> {
    const count = (this.connections.get(userId) ?? 0) + 1;
    this.connections.set(userId, count);
    if (count === 1 && this.clustered) {
      await this.core.store.setUserConnected(this.core.options.hostId, userId, true);
    }
    await this.setOnline(userId, false);
  }

  async userDisconnected(userId: string): Promise<void> {
    const left = (this.connections.get(userId) ?? 0) - 1;
    if (left > 0) {
      this.connections.set(userId, left);
      return;
    }
    this.connections.delete(userId);
    if (this.clustered) {
      const { store, options } = this.core;
      await store.setUserConnected(options.hostId, userId, false);
      // Still connected to another host of the cluster: still online, as on one host.
      const since = BigInt(this.core.now() - CLUSTER_NODE_TTL_MS);
      const elsewhere = await store.getUserConnectedNodes(userId, since);
      if (elsewhere.some((hostId) => hostId !== options.hostId)) return;
    }
    await this.setOffline(userId, false);
  }

  /** Whether other hosts share the store, so that presence is the cluster's, not this host's. */
  private get clustered(): boolean {
    return this.core.options.cluster !== undefined;
  }

  async userActive(userId: string): Promise<void> {
    await this.setOnline(userId, false);
  }

  userActiveStatus(userId: string, active: boolean, manual: boolean): Promise<void> {
    return active ? this.setOnline(userId, manual) : this.setAwayIfNeeded(userId, manual);
  }

  connectedUserIds(): string[] {
    return [...this.connections.keys()];
  }

  async checkStatuses(): Promise<void> {
    for (const userId of this.connectedUserIds()) await this.setAwayIfNeeded(userId, false);
    for (const status of [...this.cache.values()]) {
      if (status.status === STATUS_DND && status.dndEndTime !== 0n) {
        await this.queue.run(status.userId, () => this.endedDnd(status));
      }
    }
  }

  /** Mattermost's SetStatusOnline: a manual status stays unless this is manual too. */
  private setOnline(userId: string, manual: boolean): Promise<void> {
    return this.queue.run(userId, async () => {
      const old = await this.current(userId);
      const now = BigInt(this.core.now());
      if (old?.manual && !manual) {
        // The status stays, but the activity counts (Mattermost's UpdateLastActivityAtIfNeeded).
        if (now - old.lastActivityAt > BigInt(STATUS_MIN_UPDATE_MS)) {
          await this.save(create(StatusSchema, { ...old, lastActivityAt: now }), false);
        }
        return;
      }
      const status = create(StatusSchema, {
        ...(old ?? { userId }),
        status: STATUS_ONLINE,
        manual: false,
        lastActivityAt: now,
      });
      const changed = old?.status !== STATUS_ONLINE || old.manual;
      if (changed || now - (old?.lastActivityAt ?? 0n) > BigInt(STATUS_MIN_UPDATE_MS)) {
        await this.save(status, changed);
      } else {
        this.cache.set(userId, status);
      }
    });
  }

  /** Mattermost's SetStatusOffline: a manual status stays unless this is manual too. */
  private setOffline(userId: string, manual: boolean): Promise<void> {
    return this.queue.run(userId, async () => {
      const old = await this.current(userId);
      if (old?.manual && !manual) return;
      if (old?.status === STATUS_OFFLINE && old.manual === manual) return;
      await this.save(offline(userId, manual, BigInt(this.core.now())), true);
    });
  }

  /**
   * Mattermost's SetStatusAwayIfNeeded: by hand at once; automatically only for a user online
   * (not by hand) and idle for the away timeout.
   */
  private setAwayIfNeeded(userId: string, manual: boolean): Promise<void> {
    return this.queue.run(userId, async () => {
      const old = (await this.current(userId)) ?? offline(userId, false, 0n);
      if (!manual) {
        if (old.manual || old.status !== STATUS_ONLINE) return;
        if (this.core.now() - Number(old.lastActivityAt) < this.awayTimeoutMs) return;
      }
      await this.save(
        create(StatusSchema, { ...old, status: STATUS_AWAY, manual, activeChannel: "" }),
        true,
      );
    });
  }

  /** Do-not-disturb by hand, until `endTime` (seconds) when it is not 0. */
  private setDnd(userId: string, endTime: bigint): Promise<void> {
    return this.queue.run(userId, async () => {
      const old = (await this.current(userId)) ?? offline(userId, false, 0n);
      await this.save(
        create(StatusSchema, {
          ...old,
          status: STATUS_DND,
          manual: true,
          prevStatus: old.status === STATUS_DND ? old.prevStatus : old.status,
          dndEndTime: endTime - (endTime % 60n),
        }),
        true,
      );
    });
  }

  /** The user's status as saved, with a timed do-not-disturb that is over ended. */
  private async current(userId: string): Promise<Status | undefined> {
    let status = this.cache.get(userId);
    if (status === undefined) {
      [status] = await this.core.store.getStatuses([userId]);
      if (status === undefined) return undefined;
      this.cache.set(userId, status);
    }
    return this.endedDnd(status);
  }

  /** Ends a timed do-not-disturb whose time is over, restoring the status before it. */
  private async endedDnd(status: Status): Promise<Status> {
    const nowSeconds = BigInt(Math.floor(this.core.now() / 1000));
    if (
      status.status !== STATUS_DND ||
      status.dndEndTime === 0n ||
      status.dndEndTime > nowSeconds
    ) {
      return status;
    }
    const restored = create(StatusSchema, {
      ...status,
      status: status.prevStatus || STATUS_ONLINE,
      prevStatus: STATUS_DND,
      manual: false,
      dndEndTime: 0n,
    });
    await this.save(restored, true);
    return restored;
  }

  /** Drops the cached status of `userId` (another host changed it), or every one. */
  forget(userId?: string): void {
    if (userId === undefined) this.cache.clear();
    else this.cache.delete(userId);
  }

  private async save(status: Status, broadcast: boolean): Promise<void> {
    await this.core.store.saveStatus(status);
    this.cache.set(status.userId, status);
    this.core.broadcast({ type: "status_changed", userId: status.userId });
    if (broadcast) this.core.emit("statusChanged", status);
  }

  private async setCustomStatusProp(actor: Actor, userId: string, value: string): Promise<void> {
    const user = await this.core.store.getUser(userId);
    await this.users.updateUser(
      actor,
      create(UserSchema, { ...user, props: { ...user.props, [CUSTOM_STATUS_PROP]: value } }),
    );
  }
}

function offline(userId: string, manual: boolean, lastActivityAt: bigint): Status {
  return create(StatusSchema, { userId, status: STATUS_OFFLINE, manual, lastActivityAt });
}

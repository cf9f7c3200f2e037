// What every area of the application layer shares: the store and file bytes it changes, the
// plugins it fires hooks at, the listeners it tells, and the bookkeeping of notification hooks
// still running. Notification hooks run after the write commits, in the background: they
// never delay or undo it, and their failures are logged.
import { randomUUID } from "node:crypto";
import { create, type JsonObject } from "@bufbuild/protobuf";
import { PluginAPIError } from "@plugwire/errors";
import { type PluginContext, PluginContextSchema, type User } from "@plugwire/protocol";
import type { Logger } from "../log.js";
import type { FileStore } from "../store/file-store.js";
import type { Store } from "../store/store.js";
import {
  type HookRequest,
  shareHookRequest,
  type UnaryHookName,
} from "../supervisor/hook-client.js";
import type { Actor } from "./app.js";
import type { AppEvents } from "./app-events.js";
import type { ClusterBus, ClusterMessage } from "./cluster-bus.js";
import type { HookTargets } from "./plugin-hooks.js";
import { ServerConfig } from "./server-config.js";

export interface HostAppOptions {
  store: Store;
  /** Where uploaded file bytes live. */
  files: FileStore;
  hooks: HookTargets;
  log: Logger;
  events?: AppEvents;
  cluster?: ClusterBus;
  hostId: string;
  /** The clock (ms since the epoch) of statuses; Date.now unless set. */
  now?: () => number;
  /** How long a connected user may be idle before they are away; 5 minutes unless set. */
  userStatusAwayTimeoutMs?: number;
  /**
   * The settings fixed for this run, in Mattermost's config shape (server-config.ts lists
   * them); the live settings left out come from the store, or their defaults.
   */
  serverConfig?: JsonObject;
  /**
   * Whether slash commands, post actions and dialogs may call URLs other than plugin routes
   * (outbound HTTP requests to any host). Off unless set.
   */
  allowExternalIntegrationUrls?: boolean;
  /**
   * The salt of public file links (Mattermost's FileSettings.PublicLinkSalt); public links are
   * served only when it is set (EnablePublicLink).
   */
  publicLinkSalt?: string;
}

export class AppCore {
  readonly store: Store;
  readonly files: FileStore;
  readonly hooks: HookTargets;
  readonly log: Logger;
  readonly now: () => number;
  /** The server configuration now; replaced whole by a save. */
  config: ServerConfig;
  private readonly pending = new Set<Promise<void>>();
  private readonly listeners = new Set<AppEvents>();

  constructor(readonly options: HostAppOptions) {
    this.store = options.store;
    this.files = options.files;
    this.hooks = options.hooks;
    this.log = options.log;
    this.now = options.now ?? Date.now;
    this.config = ServerConfig.create(options.serverConfig);
    if (options.events) this.listeners.add(options.events);
  }

  /** Adds a listener of the app's events; returns a function that removes it. */
  subscribe(events: AppEvents): () => void {
    this.listeners.add(events);
    return () => this.listeners.delete(events);
  }

  /** Resolves once every notification hook started so far has finished. */
  async settled(): Promise<void> {
    while (this.pending.size > 0) {
      await Promise.all(this.pending);
    }
  }

  /** Tells the other hosts of the cluster (or only targetHostId), when there is a cluster. */
  broadcast(message: ClusterMessage, targetHostId?: string): void {
    this.options.cluster?.publish(this.options.hostId, message, targetHostId);
  }

  /**
   * Fires a notification hook at every plugin implementing it, without waiting; they run
   * concurrently. The request is encoded once for all of them, so it must not change afterwards.
   */
  notify<N extends UnaryHookName>(hook: N, request: HookRequest<N>): void {
    const targets = this.hooks.implementing(hook);
    if (targets.length > 1) shareHookRequest(hook, request);
    for (const target of targets) {
      this.track(
        target.callHook(hook, request).then(
          () => undefined,
          (error: unknown) => this.hookFailed(hook, target.pluginId, error),
        ),
      );
    }
  }

  /** Tells every listener; a listener's failure is logged and stops neither the others nor the operation. */
  emit<E extends keyof AppEvents>(event: E, ...args: Parameters<NonNullable<AppEvents[E]>>): void {
    for (const listener of this.listeners) {
      try {
        (listener[event] as ((...a: typeof args) => void) | undefined)?.call(listener, ...args);
      } catch (error) {
        this.log.warn(`a listener of ${event} failed: ${(error as Error).message}`, { event });
      }
    }
  }

  track(work: Promise<void>): void {
    this.pending.add(work);
    void work.finally(() => this.pending.delete(work));
  }

  hookFailed(hook: string, pluginId: string, error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    this.log.warn(`hook ${hook} failed in plugin ${pluginId}: ${message}`, {
      pluginId,
      hook,
      errorId: error instanceof PluginAPIError ? error.id : undefined,
    });
  }

  /** The acting user for membership hooks: unset when users act on themselves. */
  async actorUser(actor: Actor, subjectUserId: string): Promise<User | undefined> {
    if (!actor.userId || actor.userId === subjectUserId) {
      return undefined;
    }
    return this.store.getUser(actor.userId);
  }
}

/** The request context hooks get: the actor's own, or a new one naming the acting user. */
export function contextOf(actor: Actor): PluginContext {
  return (
    actor.context ??
    create(PluginContextSchema, { requestId: randomUUID(), userId: actor.userId ?? "" })
  );
}

// The plugins' recent log entries, kept in memory and handed to whoever follows them live (the
// console's Logs page, GET /api/v4/plugins/{plugin_id}/logs). It sits in front of the host's log
// sink, so it sees every entry the sink does, whatever level the sink keeps.
import type { LogEntry, LogSink } from "./log.js";

/** Entries kept per plugin. */
const KEPT_ENTRIES = 200;

export type LogListener = (entry: LogEntry) => void;

export class LogFeed {
  /** Give this to whatever logs: it writes to the feed, then to the sink behind it. */
  readonly sink: LogSink;
  private readonly kept = new Map<string, LogEntry[]>();
  private readonly listeners = new Map<string, Set<LogListener>>();

  constructor(next: LogSink) {
    this.sink = (entry) => {
      if (entry.pluginId !== undefined) this.add(entry.pluginId, entry);
      next(entry);
    };
  }

  /** The plugin's last entries, oldest first. */
  recent(pluginId: string): LogEntry[] {
    return [...(this.kept.get(pluginId) ?? [])];
  }

  /** Calls `listener` with each new entry of the plugin until the returned function is called. */
  follow(pluginId: string, listener: LogListener): () => void {
    let set = this.listeners.get(pluginId);
    if (set === undefined) {
      set = new Set();
      this.listeners.set(pluginId, set);
    }
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.listeners.delete(pluginId);
    };
  }

  private add(pluginId: string, entry: LogEntry): void {
    let entries = this.kept.get(pluginId);
    if (entries === undefined) {
      entries = [];
      this.kept.set(pluginId, entries);
    }
    entries.push(entry);
    if (entries.length > KEPT_ENTRIES) entries.shift();
    for (const listener of this.listeners.get(pluginId) ?? []) {
      try {
        listener(entry);
      } catch {
        // A follower that fails does not stop the log.
      }
    }
  }
}

import { describe, expect, it } from "vitest";
import type { LogEntry } from "./log.js";
import { LogFeed } from "./log-feed.js";

const entry = (msg: string, pluginId?: string): LogEntry => ({
  level: "info",
  msg,
  time: new Date(0),
  pluginId,
  fields: {},
});

describe("LogFeed", () => {
  it("passes every entry on to its sink and keeps each plugin's last ones", () => {
    const passed: string[] = [];
    const feed = new LogFeed((e) => passed.push(e.msg));
    feed.sink(entry("host only"));
    feed.sink(entry("a1", "a"));
    feed.sink(entry("b1", "b"));
    expect(passed).toEqual(["host only", "a1", "b1"]);
    expect(feed.recent("a").map((e) => e.msg)).toEqual(["a1"]);
    expect(feed.recent("missing")).toEqual([]);
  });

  it("keeps at most 200 entries a plugin, dropping the oldest", () => {
    const feed = new LogFeed(() => {});
    for (let i = 0; i < 250; i += 1) feed.sink(entry(`m${i}`, "a"));
    const recent = feed.recent("a");
    expect(recent).toHaveLength(200);
    expect(recent[0]?.msg).toBe("m50");
  });

  it("hands new entries to followers of that plugin until they stop, and survives a failing one", () => {
    const feed = new LogFeed(() => {});
    const seen: string[] = [];
    feed.follow("a", () => {
      throw new Error("broken follower");
    });
    const stop = feed.follow("a", (e) => seen.push(e.msg));
    feed.sink(entry("one", "a"));
    feed.sink(entry("other plugin", "b"));
    stop();
    feed.sink(entry("two", "a"));
    expect(seen).toEqual(["one"]);
  });
});

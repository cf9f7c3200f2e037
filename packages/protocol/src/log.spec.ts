// The log contract the SDK and the host share: the Logger, levels, and the JSON line a plugin
// writes on stderr for the host to read.
import { describe, expect, it } from "vitest";
import {
  formatJsonLine,
  formatLogValue,
  jsonLineSink,
  type LogEntry,
  Logger,
  levelEnabled,
  parseLogLevel,
} from "./log.js";

function capture(minimum?: Parameters<typeof parseLogLevel>[1]) {
  const entries: LogEntry[] = [];
  return { entries, logger: new Logger((entry) => entries.push(entry), minimum) };
}

describe("Logger", () => {
  it("writes level, message, time and fields", () => {
    const { entries, logger } = capture("debug");
    const before = Date.now();
    logger.info("plugin activated", { version: "1.2.3" });
    logger.info("no fields");
    expect(entries).toHaveLength(2);
    expect(entries[0]).toMatchObject({
      level: "info",
      msg: "plugin activated",
      fields: { version: "1.2.3" },
    });
    expect(entries[0]?.time.getTime()).toBeGreaterThanOrEqual(before);
    expect(entries[1]?.fields).toEqual({});
    expect(entries[1]).not.toHaveProperty("pluginId");
  });

  it("names its plugin on every entry when it has one", () => {
    const entries: LogEntry[] = [];
    new Logger((entry) => entries.push(entry), "info", "com.example").warn("w");
    expect(entries[0]?.pluginId).toBe("com.example");
  });

  it("drops entries below its minimum level", () => {
    const { entries, logger } = capture("warn");
    logger.debug("d");
    logger.info("i");
    logger.warn("w");
    logger.error("e");
    expect(entries.map((e) => e.level)).toEqual(["warn", "error"]);
    expect(logger.enabled("info")).toBe(false);
    expect(logger.enabled("error")).toBe(true);
  });

  it("defaults to info", () => {
    const { entries, logger } = capture();
    logger.debug("d");
    logger.info("i");
    expect(entries.map((e) => e.msg)).toEqual(["i"]);
  });
});

describe("levelEnabled", () => {
  it("passes a level at or above the minimum", () => {
    expect(levelEnabled("warn", "info")).toBe(true);
    expect(levelEnabled("info", "info")).toBe(true);
    expect(levelEnabled("debug", "info")).toBe(false);
  });
});

describe("parseLogLevel", () => {
  it("reads the four levels in any case and falls back otherwise", () => {
    expect(parseLogLevel("debug")).toBe("debug");
    expect(parseLogLevel(" WARN ")).toBe("warn");
    expect(parseLogLevel(undefined)).toBe("info");
    expect(parseLogLevel("verbose")).toBe("info");
    expect(parseLogLevel("", "error")).toBe("error");
    expect(parseLogLevel("toString")).toBe("info");
  });
});

const time = new Date("2026-01-01T00:00:00.000Z");

describe("jsonLineSink", () => {
  it("writes one JSON line per entry with the fields flat and level, msg, time first", () => {
    const lines: string[] = [];
    const logger = new Logger(
      jsonLineSink((line) => lines.push(line)),
      "debug",
    );
    logger.warn("slow hook", { hook: "MessageWillBePosted", ms: 812 });
    expect(lines).toHaveLength(1);
    const line = lines[0] ?? "";
    expect(line.endsWith("\n")).toBe(true);
    expect(line.slice(0, -1)).not.toContain("\n");
    expect(Object.keys(JSON.parse(line))).toEqual(["level", "msg", "time", "hook", "ms"]);
    expect(JSON.parse(line)).toMatchObject({ level: "warn", msg: "slow hook", ms: 812 });
  });

  it("drops entries below its minimum level, and writes all by default", () => {
    const lines: string[] = [];
    const entry: LogEntry = { level: "debug", msg: "d", time: new Date(), fields: {} };
    jsonLineSink((line) => lines.push(line), "info")(entry);
    jsonLineSink((line) => lines.push(line))(entry);
    expect(lines).toHaveLength(1);
  });

  it("never lets a field replace level, msg, time or pluginId", () => {
    const line = formatJsonLine({
      level: "info",
      msg: "real",
      time: new Date("2026-01-01T00:00:00.000Z"),
      pluginId: "com.example",
      fields: { msg: "fake", level: "error", time: "x", pluginId: "other", other: 1 },
    });
    expect(JSON.parse(line)).toEqual({
      level: "info",
      msg: "real",
      time: "2026-01-01T00:00:00.000Z",
      pluginId: "com.example",
      other: 1,
    });
  });

  it("writes a pluginId field when the entry names no plugin", () => {
    const line = formatJsonLine({ level: "info", msg: "m", time, fields: { pluginId: "p" } });
    expect(JSON.parse(line)).toMatchObject({ pluginId: "p" });
  });

  it("writes an Error as its name, message and stack, at any depth", () => {
    const error = new TypeError("x is undefined");
    const line = formatJsonLine({
      level: "error",
      msg: "failed",
      time,
      fields: { error, nested: { cause: new RangeError("r") } },
    });
    expect(JSON.parse(line)).toMatchObject({
      error: { name: "TypeError", message: "x is undefined", stack: error.stack },
      nested: { cause: { name: "RangeError", message: "r" } },
    });
  });

  it("writes bigints as decimal strings, exactly, however large", () => {
    const line = formatJsonLine({
      level: "info",
      msg: "m",
      time,
      fields: { createAt: 12n, huge: 2n ** 64n + 1n, negative: -5n },
    });
    expect(JSON.parse(line)).toMatchObject({
      createAt: "12",
      huge: "18446744073709551617",
      negative: "-5",
    });
  });

  it("keeps the message when the fields cannot be written", () => {
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    const throwing = {
      toJSON() {
        throw new Error("no");
      },
    };
    for (const fields of [circular, { throwing }]) {
      const fallback = JSON.parse(formatJsonLine({ level: "info", msg: "m", time, fields }));
      expect(fallback).toMatchObject({ level: "info", msg: "m", time: time.toISOString() });
      expect(fallback.logError).toContain("fields not written");
    }
  });

  it("writes the current time for an invalid one rather than throwing", () => {
    const line = formatJsonLine({
      level: "info",
      msg: "m",
      time: new Date(Number.NaN),
      fields: {},
    });
    expect(Number.isNaN(Date.parse(JSON.parse(line).time))).toBe(false);
  });
});

describe("formatLogValue", () => {
  it("writes one value as the JSON line would, and anything else as its String()", () => {
    expect(formatLogValue(12n)).toBe('"12"');
    expect(JSON.parse(formatLogValue(new Error("e")))).toMatchObject({
      name: "Error",
      message: "e",
    });
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    expect(formatLogValue(circular)).toBe("[object Object]");
    expect(formatLogValue(() => 1)).toBe("() => 1");
  });
});

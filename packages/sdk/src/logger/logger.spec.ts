import { describe, expect, it } from "vitest";
import { formatJsonLine, jsonLineSink } from "./json-line-sink.js";
import { type LogEntry, Logger, parseLogLevel } from "./logger.js";

function capture(minimum?: Parameters<typeof parseLogLevel>[1]) {
  const entries: LogEntry[] = [];
  return { entries, logger: new Logger((entry) => entries.push(entry), minimum) };
}

describe("Logger", () => {
  it("writes level, message, ISO time and fields", () => {
    const { entries, logger } = capture("debug");
    logger.info("plugin activated", { version: "1.2.3" });
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      level: "info",
      msg: "plugin activated",
      fields: { version: "1.2.3" },
    });
    expect(new Date(entries[0]?.time ?? "").toISOString()).toBe(entries[0]?.time);
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

  it("never lets a field replace level, msg or time", () => {
    const line = formatJsonLine({
      level: "info",
      msg: "real",
      time: "2026-01-01T00:00:00.000Z",
      fields: { msg: "fake", level: "error", time: "x", other: 1 },
    });
    expect(JSON.parse(line)).toEqual({
      level: "info",
      msg: "real",
      time: "2026-01-01T00:00:00.000Z",
      other: 1,
    });
  });

  it("writes errors and bigints readably and survives circular fields", () => {
    const time = "2026-01-01T00:00:00.000Z";
    const line = formatJsonLine({
      level: "error",
      msg: "failed",
      time,
      fields: { error: new TypeError("x is undefined"), createAt: 12n },
    });
    expect(JSON.parse(line)).toMatchObject({ error: "TypeError: x is undefined", createAt: "12" });

    const circular: Record<string, unknown> = {};
    circular.self = circular;
    const fallback = JSON.parse(
      formatJsonLine({ level: "info", msg: "m", time, fields: circular }),
    );
    expect(fallback).toMatchObject({ level: "info", msg: "m", time });
    expect(fallback.logError).toContain("fields not written");
  });
});

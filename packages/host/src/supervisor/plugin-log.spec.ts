import { describe, expect, it } from "vitest";
import { logEntryFromLine } from "./plugin-log.js";

const now = new Date("2030-01-01T00:00:00Z");

describe("logEntryFromLine", () => {
  it("keeps the level, message, time and fields of a structured line", () => {
    const line = '{"level":"error","msg":"boom","time":"2029-05-06T07:08:09Z","userId":"u1"}';

    expect(logEntryFromLine(line, "stderr", "p", now)).toEqual({
      level: "error",
      msg: "boom",
      pluginId: "p",
      fields: { userId: "u1" },
      time: new Date("2029-05-06T07:08:09Z"),
    });
  });

  it("logs under the host's plugin id, whatever the line claims", () => {
    const entry = logEntryFromLine('{"level":"info","msg":"m","pluginId":"other"}', "stdout", "p");
    expect(entry.pluginId).toBe("p");
  });

  it("reads a time in milliseconds and falls back to now for a missing or bad time", () => {
    expect(
      logEntryFromLine('{"level":"debug","msg":"m","time":0}', "stderr", "p", now).time,
    ).toEqual(new Date(0));
    expect(logEntryFromLine('{"level":"debug","msg":"m"}', "stderr", "p", now).time).toBe(now);
    expect(
      logEntryFromLine('{"level":"debug","msg":"m","time":"soon"}', "stderr", "p", now).time,
    ).toBe(now);
  });

  it.each([
    ["plain text", "plain text"],
    ["an unknown level", '{"level":"fatal","msg":"m"}'],
    ["no message", '{"level":"info"}'],
    ["broken JSON", '{"level":"info",'],
    ["a JSON array", '["level"]'],
  ])("logs a line with %s as raw output: stdout at info, stderr at warn", (_what, line) => {
    expect(logEntryFromLine(line, "stdout", "p", now)).toEqual({
      level: "info",
      msg: line,
      pluginId: "p",
      fields: { stream: "stdout" },
      time: now,
    });
    expect(logEntryFromLine(line, "stderr", "p", now)).toMatchObject({
      level: "warn",
      fields: { stream: "stderr" },
    });
  });
});

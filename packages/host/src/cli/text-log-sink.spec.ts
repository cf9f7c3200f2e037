import { describe, expect, it } from "vitest";
import { formatEntry } from "./text-log-sink.js";

describe("formatEntry", () => {
  it("writes time, level, plugin, message and fields, bigints and Errors included", () => {
    const line = formatEntry({
      level: "warn",
      msg: "slow hook",
      time: new Date("2026-01-01T12:34:56.789Z"),
      pluginId: "com.example",
      fields: {
        hook: "MessageWillBePosted",
        createAt: 12n,
        error: new Error("boom"),
        none: undefined,
      },
    });
    expect(line).toMatch(
      /^12:34:56\.789 WARN {2}\[com\.example\] slow hook hook=MessageWillBePosted createAt="12" error=\{"name":"Error","message":"boom","stack":/,
    );
    expect(line).not.toContain("none=");
  });
});

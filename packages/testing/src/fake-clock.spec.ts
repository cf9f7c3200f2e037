import { describe, expect, it } from "vitest";
import { FakeClock } from "./fake-clock.js";

describe("FakeClock", () => {
  it("stands still until advanced", () => {
    const clock = new FakeClock(new Date("2026-01-01T00:00:00Z"));
    const start = clock.now();
    expect(clock.now()).toBe(start);
    clock.advance(1_500);
    expect(clock.now()).toBe(start + 1_500);
    clock.set(new Date("2026-02-01T00:00:00Z"));
    expect(new Date(clock.now()).toISOString()).toBe("2026-02-01T00:00:00.000Z");
  });

  it("only moves forward", () => {
    const clock = new FakeClock(1_000);
    expect(() => clock.advance(-1)).toThrow(RangeError);
    expect(() => clock.set(999)).toThrow("time only moves forward");
  });
});

import { ValidationError } from "@plugwire/errors";
import { describe, expect, it } from "vitest";
import { jsonObject } from "./json-payload.js";

describe("jsonObject", () => {
  it("passes JSON through and turns values with toJSON into what it returns", () => {
    const at = new Date(Date.UTC(2026, 0, 2));
    expect(jsonObject({ a: 1, b: [true, null, "x"], c: { d: -0.5 }, at }, "payload")).toEqual({
      a: 1,
      b: [true, null, "x"],
      c: { d: -0.5 },
      at: "2026-01-02T00:00:00.000Z",
    });
    // The same object twice is not a cycle.
    const shared = { n: 1 };
    expect(jsonObject({ x: shared, y: shared }, "payload")).toEqual({ x: { n: 1 }, y: { n: 1 } });
  });

  it.each([
    ["a bigint", { count: 1n }, "payload.count"],
    ["a function", { f: () => 1 }, "payload.f"],
    ["undefined in a list", { list: [1, undefined] }, "payload.list[1]"],
    ["NaN", { deep: { n: Number.NaN } }, "payload.deep.n"],
    ["Infinity", { n: Number.POSITIVE_INFINITY }, "payload.n"],
    ["a Map", { m: new Map() }, "payload.m"],
    ["a symbol", { s: Symbol("s") }, "payload.s"],
  ])("refuses %s, naming where it is", (_what, value, field) => {
    try {
      jsonObject(value, "payload");
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).params).toEqual({ field });
      expect((error as ValidationError).message).toContain(field);
    }
  });

  it("refuses a cycle and a value that is not an object", () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => jsonObject(cyclic, "payload")).toThrow(/payload\.self refers back to itself/);
    expect(() => jsonObject([1], "payload")).toThrow(/payload must be an object/);
  });
});

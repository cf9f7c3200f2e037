import { describe, expect, it } from "vitest";
import { newId } from "./ids.js";

describe("newId", () => {
  it("is 26 characters of Mattermost's lower-case base32 alphabet", () => {
    for (let i = 0; i < 100; i++) {
      expect(newId()).toMatch(/^[ybndrfg8ejkmcpqxot1uwisza345h769]{26}$/);
    }
  });

  it("does not repeat", () => {
    const ids = new Set(Array.from({ length: 10_000 }, newId));
    expect(ids.size).toBe(10_000);
  });

  it("pads the 3 bits of the last character with 2 zero bits, like Go's base32 encoder", () => {
    const lastValues = new Set(
      Array.from({ length: 1000 }, () =>
        "ybndrfg8ejkmcpqxot1uwisza345h769".indexOf(newId()[25] ?? ""),
      ),
    );
    for (const value of lastValues) {
      expect(value % 4).toBe(0);
    }
  });
});

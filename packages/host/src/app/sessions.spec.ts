import { describe, expect, it } from "vitest";
import { csrfTokenOf, hashSessionToken, newSessionToken } from "./sessions.js";

describe("session tokens", () => {
  it("are 26 random characters of Mattermost's base32", () => {
    const tokens = new Set(Array.from({ length: 100 }, newSessionToken));
    expect(tokens.size).toBe(100);
    for (const token of tokens) expect(token).toMatch(/^[a-z0-9]{26}$/);
  });

  it("are stored as their hex SHA-256 only", () => {
    expect(hashSessionToken("abc")).toBe(
      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
    );
  });

  it("have a CSRF token of their own, the same each time and unlike the token and its hash", () => {
    const token = newSessionToken();
    const csrf = csrfTokenOf(token);
    expect(csrf).toMatch(/^[\w-]{26}$/);
    expect(csrfTokenOf(token)).toBe(csrf);
    expect(csrf).not.toBe(token);
    expect(hashSessionToken(token)).not.toContain(csrf);
    expect(csrfTokenOf(newSessionToken())).not.toBe(csrf);
  });
});

import { describe, expect, it } from "vitest";
import { plainPluginTarget, pluginTarget } from "./plugin-target.js";

const parsed = (target: string) => pluginTarget(new URL(target, "http://localhost"));

describe("plugin targets", () => {
  it("reads a plain target off the string exactly as the URL parser reads it", () => {
    for (const target of [
      "/plugins/com.example.p",
      "/plugins/com.example.p/",
      "/plugins/com.example.p/json",
      "/plugins/p/a/b/c?x=1&y=two",
      "/plugins/p//double?",
      "/plugins/p/a.b/.well-known/x",
      "/plugins/p/x?q=%20encoded&r=a/b?c",
      "/plugins/my_plugin-2/api/v1/items;matrix=1",
    ]) {
      expect(plainPluginTarget(target), target).toEqual(parsed(target));
    }
  });

  it("leaves every target the URL parser would change to the parser", () => {
    for (const target of [
      "/plugins/../api/v4/users",
      "/plugins/p/../q/x",
      "/plugins/p/a/./b",
      "/plugins/p/a/..",
      "/plugins/p/%2e%2e/x",
      "/plugins/p/a%20b",
      "/plugins/p/a\\b",
      "/plugins/p/x?q='quoted'",
      "/plugins/p/x?q=a b",
      "/plugins/p/x#fragment",
      "/plugins/p/{x}",
      "/plugins//x",
      "http://example.com/plugins/p/x",
      "/api/v4/users/me",
    ]) {
      expect(plainPluginTarget(target), target).toBeUndefined();
    }
  });
});

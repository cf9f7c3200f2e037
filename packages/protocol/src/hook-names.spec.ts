import { describe, expect, it } from "vitest";
import { PluginHooks } from "./gen/plugwire/v1/hooks_pb.js";
import { HookName, isHookName } from "./hook-names.js";

describe("HookName", () => {
  it("names every PluginHooks RPC except Implemented", () => {
    const rpcs = PluginHooks.methods.map((m) => m.name).filter((n) => n !== "Implemented");
    expect(Object.keys(HookName).sort()).toEqual(rpcs.sort());
    expect(HookName.MessageWillBePosted).toBe("MessageWillBePosted");
    expect(HookName.ServeHTTP).toBe("ServeHTTP");
  });

  it("tells hook names from other strings", () => {
    expect(isHookName("OnActivate")).toBe(true);
    expect(isHookName("Implemented")).toBe(false);
    expect(isHookName("onActivate")).toBe(false);
  });
});

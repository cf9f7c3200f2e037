import { allow, reject } from "@plugwire/sdk";
import {
  createPluginHarness,
  makeCommandArgs,
  makePost,
  makeUser,
  type PluginHarness,
} from "@plugwire/testing";
import { afterEach, describe, expect, it } from "vitest";
import { MyPlugin, TRIGGER } from "../src/plugin.js";

const alice = makeUser({ username: "alice" });
let t: PluginHarness<MyPlugin>;

afterEach(async () => {
  await t?.close();
});

describe("MyPlugin", () => {
  it("greets with the configured greeting", async () => {
    t = await createPluginHarness(MyPlugin, {
      fixtures: { users: [alice] },
      config: { greeting: "Howdy" },
    });
    await t.activate();
    const answer = await t.hooks.ExecuteCommand(
      { userId: alice.id },
      makeCommandArgs({ command: `/${TRIGGER}`, userId: alice.id }),
    );
    expect(answer.text).toBe("Howdy, @alice!");
  });

  it("keeps a post of only '...' out", async () => {
    t = await createPluginHarness(MyPlugin);
    expect(await t.hooks.MessageWillBePosted(makePost({ message: "..." }))).toEqual(
      reject("Say a little more than that."),
    );
    expect(await t.hooks.MessageWillBePosted(makePost({ message: "hi" }))).toEqual(allow());
  });

  it("serves GET /api/greeting", async () => {
    t = await createPluginHarness(MyPlugin, { config: { greeting: "Hi" } });
    await t.activate();
    const response = await t.http("/api/greeting", { userId: alice.id });
    expect(await response.json()).toEqual({ greeting: "Hi", user_id: alice.id });
  });
});

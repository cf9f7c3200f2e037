import { describe, expect, it } from "vitest";
import { makeChannel, makeCommandArgs, makePost, makeTeam, makeUser } from "./builders.js";

const id = /^[a-z0-9]{26}$/;

describe("builders", () => {
  it("give every model a fresh 26-character id and the fields a host requires", () => {
    const user = makeUser();
    expect(user.id).toMatch(id);
    expect(user.email).toBe(`${user.username}@example.com`);
    expect(makeUser().id).not.toBe(user.id);
    expect(makeTeam()).toMatchObject({ id: expect.stringMatching(id), type: "O" });
    expect(makeChannel()).toMatchObject({ teamId: expect.stringMatching(id), type: "O" });
    expect(makePost()).toMatchObject({ channelId: expect.stringMatching(id), message: "Hello" });
    expect(makeCommandArgs()).toMatchObject({
      command: "/test",
      userId: expect.stringMatching(id),
    });
  });

  it("let overrides win, and derive what depends on them", () => {
    expect(makeUser({ username: "alice" }).email).toBe("alice@example.com");
    expect(makeUser({ username: "alice", email: "a@x.org" }).email).toBe("a@x.org");
    expect(makeTeam({ name: "core" }).displayName).toBe("core");
    expect(makePost({ message: "hi", channelId: "c" })).toMatchObject({
      message: "hi",
      channelId: "c",
    });
  });
});

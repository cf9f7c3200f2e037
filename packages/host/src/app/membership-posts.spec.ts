// The system posts of membership changes, as Mattermost writes them.
import { create } from "@bufbuild/protobuf";
import { UserSchema } from "@plugwire/protocol";
import { describe, expect, it } from "vitest";
import { joinedPost, leftPost } from "./membership-posts.js";

const ada = create(UserSchema, { id: "ada-id", username: "ada", roles: "system_user" });
const bob = create(UserSchema, { id: "bob-id", username: "bob", roles: "system_user" });
const guest = create(UserSchema, { id: "gil-id", username: "gil", roles: "system_guest" });

describe("joinedPost", () => {
  it("is a join by the user themselves, an add by anyone else", () => {
    for (const by of [undefined, ada]) {
      expect(joinedPost("channel", "c", ada, by)).toMatchObject({
        channelId: "c",
        userId: "ada-id",
        type: "system_join_channel",
        message: "ada joined the channel.",
        props: { username: "ada" },
      });
    }
    expect(joinedPost("team", "square", ada, bob)).toMatchObject({
      channelId: "square",
      userId: "bob-id",
      type: "system_add_to_team",
      message: "ada added to the team by bob.",
      props: { userId: "bob-id", username: "bob", addedUserId: "ada-id", addedUsername: "ada" },
    });
  });

  it("has the guest types for a guest account in a channel, not in a team", () => {
    expect(joinedPost("channel", "c", guest)).toMatchObject({
      type: "system_guest_join_channel",
      message: "gil joined the channel as a guest.",
    });
    expect(joinedPost("channel", "c", guest, bob)).toMatchObject({
      userId: "bob-id",
      type: "system_add_guest_to_chan",
      message: "gil added to the channel as a guest by bob.",
      props: { addedUserId: "gil-id", addedUsername: "gil" },
    });
    expect(joinedPost("team", "square", guest).type).toBe("system_join_team");
  });
});

describe("leftPost", () => {
  it("is a leave by the user themselves, a removal by anyone else, naming them with @", () => {
    expect(leftPost("channel", "c", ada)).toMatchObject({
      userId: "ada-id",
      type: "system_leave_channel",
      message: "@ada left the channel.",
      props: { username: "ada" },
    });
    expect(leftPost("team", "square", ada, bob)).toMatchObject({
      userId: "bob-id",
      type: "system_remove_from_team",
      message: "@ada was removed from the team.",
      props: { userId: "bob-id", removedUserId: "ada-id", removedUsername: "ada" },
    });
  });
});

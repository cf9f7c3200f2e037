// The Plugin API's reactions, preferences and statuses called from a real plugin process (the
// social test plugin, over its socket, through the SDK's typed methods): each goes through the
// app as the REST routes do, so hooks and websocket events follow, and bad input comes back as
// the error class naming the field.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ClientSocket } from "../../test-fixtures/rest/mattermost-client.js";
import type { RestChannel, RestFixture, RestUser } from "../../test-fixtures/rest/rest-fixture.js";
import {
  type PluginApiCalls,
  SOCIAL_ID,
  startSocialFixture,
} from "../../test-fixtures/social/social-plugin.js";

let f: RestFixture;
let ann: RestUser;
let bob: RestUser;
let channel: RestChannel;
/** The Plugin API of the social plugin, each call made in its process. */
let api: PluginApiCalls;

beforeAll(async () => {
  ({ f, api } = await startSocialFixture());
  ann = await f.newUser("ann");
  bob = await f.newUser("bob");
  const team = await f.newTeam(ann, [bob]);
  channel = await f.newChannel(team, ann, { name: "talk", displayName: "Talk" }, [bob]);
});
afterAll(async () => {
  await f?.close();
});

describe("reactions", () => {
  it("AddReaction, GetReactions and RemoveReaction, with the hooks and the channel's events", async () => {
    const { body: post } = await f.call("POST", "/api/v4/posts", {
      token: ann.token,
      json: { channel_id: channel.id, message: "hello" },
    });
    const socket = await ClientSocket.connect(f.url, bob.token);
    try {
      const added = socket.next("reaction_added");
      const reaction = { userId: bob.id, postId: post.id, emojiName: "wave" };
      const { result } = await api.addReaction(reaction);
      expect(result).toMatchObject({ ...reaction, channelId: channel.id });
      expect(JSON.parse((await added).data.reaction)).toMatchObject({ emoji_name: "wave" });
      expect((await api.getReactions(post.id)).result).toMatchObject([reaction]);

      const removed = socket.next("reaction_removed");
      expect(await api.removeReaction(reaction)).toEqual({ result: null });
      await removed;
      expect((await api.getReactions(post.id)).result).toEqual([]);
    } finally {
      socket.close();
    }
    const records = await f.takeRecords(undefined, SOCIAL_ID);
    expect(records.map((r) => r.hook)).toEqual(["ReactionHasBeenAdded", "ReactionHasBeenRemoved"]);
  });

  it("refuses a reaction to an unknown post and a malformed emoji name", async () => {
    const unknown = await api.addReaction({
      userId: bob.id,
      postId: "p".repeat(26),
      emojiName: "wave",
    });
    expect(unknown.error?.name).toBe("NotFoundError");
    const malformed = await api.addReaction({
      userId: bob.id,
      postId: "p".repeat(26),
      emojiName: "not an emoji",
    });
    expect(malformed.error).toMatchObject({
      name: "ValidationError",
      params: { field: "emoji_name" },
    });
  });
});

describe("preferences", () => {
  it("UpdatePreferencesForUser, GetPreferenceForUser, GetPreferencesForUser, DeletePreferencesForUser", async () => {
    const socket = await ClientSocket.connect(f.url, ann.token);
    try {
      const preference = { userId: ann.id, category: "display_settings", name: "x", value: "1" };
      const changed = socket.next("preferences_changed");
      await api.updatePreferencesForUser(ann.id, [preference]);
      expect(JSON.parse((await changed).data.preferences)).toEqual([
        { user_id: ann.id, category: "display_settings", name: "x", value: "1" },
      ]);
      expect(
        (await api.getPreferenceForUser(ann.id, "display_settings", "x")).result,
      ).toMatchObject(preference);
      expect((await api.getPreferencesForUser(ann.id)).result).toMatchObject([preference]);
      await api.deletePreferencesForUser(ann.id, [preference]);
      expect((await api.getPreferencesForUser(ann.id)).result).toEqual([]);
      const missing = await api.getPreferenceForUser(ann.id, "display_settings", "x");
      expect(missing.error?.name).toBe("NotFoundError");
    } finally {
      socket.close();
    }
    const [record] = await f.takeRecords("PreferencesHaveChanged", SOCIAL_ID);
    expect(record?.args.preferences).toMatchObject([{ userId: ann.id, name: "x" }]);
  });

  it("refuses a preference of another user than the one named", async () => {
    const { error } = await api.updatePreferencesForUser(ann.id, [
      { userId: bob.id, category: "c", name: "n", value: "v" },
    ]);
    expect(error).toMatchObject({
      name: "PermissionDeniedError",
      params: { field: "preferences[0].user_id" },
    });
  });
});

describe("statuses", () => {
  it("UpdateUserStatus, GetUserStatus, GetUserStatusesByIds, SetUserStatusTimedDND", async () => {
    const socket = await ClientSocket.connect(f.url, bob.token);
    try {
      const change = socket.next("status_change", (e) => e.data.status === "away");
      expect((await api.updateUserStatus(bob.id, "away")).result).toMatchObject({
        userId: bob.id,
        status: "away",
        manual: true,
      });
      await change;
      expect((await api.getUserStatus(bob.id)).result.status).toBe("away");
      const both = (await api.getUserStatusesByIds([bob.id, ann.id])).result;
      expect(both.map((s: { status: string }) => s.status)).toEqual(["away", "offline"]);
      const end = Math.floor(Date.now() / 1000) + 3600;
      const dnd = (await api.setUserStatusTimedDND(bob.id, end)).result;
      expect(dnd).toMatchObject({
        status: "dnd",
        prevStatus: "away",
        dndEndTime: end - (end % 60),
      });
    } finally {
      socket.close();
    }
    const bad = await api.updateUserStatus(bob.id, "busy");
    expect(bad.error).toMatchObject({ name: "ValidationError", params: { field: "status" } });
    const unknown = await api.getUserStatus("u".repeat(26));
    expect(unknown.error?.name).toBe("NotFoundError");
  });

  it("UpdateUserCustomStatus and RemoveUserCustomStatus", async () => {
    await api.updateUserCustomStatus(ann.id, { emoji: "palm_tree", text: "Away" });
    const { body: user } = await f.call("GET", `/api/v4/users/${ann.id}`, { token: ann.token });
    expect(JSON.parse(user.props.customStatus)).toMatchObject({ emoji: "palm_tree", text: "Away" });
    await api.removeUserCustomStatus(ann.id);
    const { body: after } = await f.call("GET", `/api/v4/users/${ann.id}`, { token: ann.token });
    expect(after.props.customStatus).toBe("");
    const empty = await api.updateUserCustomStatus(ann.id, {});
    expect(empty.error).toMatchObject({ params: { field: "custom_status" } });
  });
});

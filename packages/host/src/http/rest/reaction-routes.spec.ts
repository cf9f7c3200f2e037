// Reactions over v4 through the official client: adding, reading and removing them, the post
// metadata they appear in, reaction_added/reaction_removed on a channel member's websocket, the
// hooks a real plugin process receives, and Mattermost's refusals.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ClientSocket, newClient4 } from "../../../test-fixtures/rest/mattermost-client.js";
import type {
  RestChannel,
  RestFixture,
  RestUser,
} from "../../../test-fixtures/rest/rest-fixture.js";
import { SOCIAL_ID, startSocialFixture } from "../../../test-fixtures/social/social-plugin.js";

let f: RestFixture;
let ann: RestUser;
let bob: RestUser;
let eve: RestUser;
let channel: RestChannel;

beforeAll(async () => {
  ({ f } = await startSocialFixture());
  ann = await f.newUser("ann");
  bob = await f.newUser("bob");
  eve = await f.newUser("eve");
  const team = await f.newTeam(ann, [bob, eve]);
  channel = await f.newChannel(team, ann, { name: "talk", displayName: "Talk" }, [bob]);
});
afterAll(async () => {
  await f?.close();
});

/** Mattermost's has_reactions, which the client's Post type leaves out. */
function hasReactions(post: object): unknown {
  return (post as { has_reactions?: boolean }).has_reactions;
}

async function newPost(author: RestUser, message = "react to me"): Promise<string> {
  const { status, body } = await f.call("POST", "/api/v4/posts", {
    token: author.token,
    json: { channel_id: channel.id, message },
  });
  expect(status).toBe(201);
  return body.id;
}

describe("reactions through Client4", () => {
  it("adds, lists and removes a reaction, marking the post and telling the channel", async () => {
    const postId = await newPost(ann);
    const client = newClient4(f.url, bob.token);
    const socket = await ClientSocket.connect(f.url, ann.token);
    try {
      const added = socket.next("reaction_added");
      const reaction = await client.addReaction(bob.id, postId, "smile");
      expect(reaction).toMatchObject({
        user_id: bob.id,
        post_id: postId,
        emoji_name: "smile",
        channel_id: channel.id,
        delete_at: 0,
      });
      expect(reaction.create_at).toBeGreaterThan(0);
      const event = await added;
      expect(event.broadcast.channel_id).toBe(channel.id);
      expect(JSON.parse(event.data.reaction)).toEqual(reaction);

      expect(await client.getReactionsForPost(postId)).toEqual([reaction]);
      const post = await client.getPost(postId);
      expect(hasReactions(post)).toBe(true);
      expect(post.update_at).toBeGreaterThanOrEqual(reaction.create_at);
      expect(post.metadata).toEqual({ reactions: [reaction] });

      const removed = socket.next("reaction_removed");
      expect(await client.removeReaction(bob.id, postId, "smile")).toEqual({ status: "OK" });
      expect(JSON.parse((await removed).data.reaction)).toMatchObject({
        user_id: bob.id,
        post_id: postId,
        emoji_name: "smile",
      });
      expect(await client.getReactionsForPost(postId)).toEqual([]);
      const after = await client.getPost(postId);
      expect(hasReactions(after)).toBe(false);
      expect(after.metadata).toEqual({});
    } finally {
      socket.close();
    }
  });

  it("fires ReactionHasBeenAdded and ReactionHasBeenRemoved in a real plugin process", async () => {
    const postId = await newPost(ann);
    await f.takeRecords(undefined, SOCIAL_ID);
    await f.call("POST", "/api/v4/reactions", {
      token: bob.token,
      json: { user_id: bob.id, post_id: postId, emoji_name: "+1" },
    });
    await f.call(
      "DELETE",
      `/api/v4/users/${bob.id}/posts/${postId}/reactions/${encodeURIComponent("+1")}`,
      {
        token: bob.token,
      },
    );
    const records = await f.takeRecords(undefined, SOCIAL_ID);
    expect(records.map((r) => [r.hook, r.args.reaction.emojiName, r.context.userId])).toEqual([
      ["ReactionHasBeenAdded", "+1", bob.id],
      ["ReactionHasBeenRemoved", "+1", bob.id],
    ]);
  });
});

describe("POST /posts/ids/reactions", () => {
  it("answers every post asked for, [] for one without reactions", async () => {
    const first = await newPost(ann);
    const second = await newPost(ann);
    await f.call("POST", "/api/v4/reactions", {
      token: ann.token,
      json: { user_id: ann.id, post_id: first, emoji_name: "tada" },
    });
    const { status, body } = await f.call("POST", "/api/v4/posts/ids/reactions", {
      token: bob.token,
      json: [first, second],
    });
    expect(status).toBe(200);
    expect(Object.keys(body).sort()).toEqual([first, second].sort());
    expect(body[first]).toMatchObject([{ user_id: ann.id, emoji_name: "tada" }]);
    expect(body[second]).toEqual([]);

    const denied = await f.call("POST", "/api/v4/posts/ids/reactions", {
      token: eve.token,
      json: [first],
    });
    expect(denied.status).toBe(403);
    const malformed = await f.call("POST", "/api/v4/posts/ids/reactions", {
      token: bob.token,
      json: { ids: [first] },
    });
    expect(malformed.status).toBe(400);
    expect(malformed.body.message).toContain("post_ids");
  });
});

describe("post metadata", () => {
  it("carries the files of a post and answers {} without any, in channel pages too", async () => {
    const form = new FormData();
    form.set("channel_id", channel.id);
    form.set("files", new Blob([new TextEncoder().encode("hello")]), "hello.txt");
    const upload = await f.call("POST", "/api/v4/files", { token: ann.token, body: form });
    expect(upload.status).toBe(201);
    const fileId = upload.body.file_infos[0].id;
    const created = await f.call("POST", "/api/v4/posts", {
      token: ann.token,
      json: { channel_id: channel.id, message: "with a file", file_ids: [fileId] },
    });
    expect(created.body.metadata).toMatchObject({
      files: [{ id: fileId, name: "hello.txt", post_id: created.body.id, user_id: ann.id }],
    });
    const plain = await newPost(ann, "plain");
    const page = await f.call("GET", `/api/v4/channels/${channel.id}/posts`, { token: bob.token });
    expect(page.body.posts[plain].metadata).toEqual({});
    expect(page.body.posts[created.body.id].metadata.files[0].id).toBe(fileId);
  });
});

describe("refusals", () => {
  it("404 for an unknown or deleted post", async () => {
    const unknown = "p".repeat(26);
    const save = await f.call("POST", "/api/v4/reactions", {
      token: bob.token,
      json: { user_id: bob.id, post_id: unknown, emoji_name: "smile" },
    });
    expect(save.status).toBe(404);
    expect(
      (await f.call("GET", `/api/v4/posts/${unknown}/reactions`, { token: bob.token })).status,
    ).toBe(404);
    const postId = await newPost(bob);
    await f.call("DELETE", `/api/v4/posts/${postId}`, { token: bob.token });
    expect(
      (await f.call("GET", `/api/v4/posts/${postId}/reactions`, { token: bob.token })).status,
    ).toBe(404);
  });

  it("403 for reacting as someone else, outside one's channels, or removing another's reaction but as an admin", async () => {
    const postId = await newPost(ann);
    const asAnn = await f.call("POST", "/api/v4/reactions", {
      token: bob.token,
      json: { user_id: ann.id, post_id: postId, emoji_name: "smile" },
    });
    expect(asAnn.status).toBe(403);
    const outsider = await f.call("POST", "/api/v4/reactions", {
      token: eve.token,
      json: { user_id: eve.id, post_id: postId, emoji_name: "smile" },
    });
    expect(outsider).toMatchObject({
      status: 403,
      body: { id: "api.context.permissions.app_error" },
    });
    expect(
      (await f.call("GET", `/api/v4/posts/${postId}/reactions`, { token: eve.token })).status,
    ).toBe(403);

    await f.call("POST", "/api/v4/reactions", {
      token: ann.token,
      json: { user_id: ann.id, post_id: postId, emoji_name: "smile" },
    });
    const others = await f.call(
      "DELETE",
      `/api/v4/users/${ann.id}/posts/${postId}/reactions/smile`,
      {
        token: bob.token,
      },
    );
    expect(others.status).toBe(403);
    const byAdmin = await f.call(
      "DELETE",
      `/api/v4/users/${ann.id}/posts/${postId}/reactions/smile`,
      {
        token: f.adminToken,
      },
    );
    expect(byAdmin.status).toBe(200); // a system admin may remove anyone's reaction
  });

  it("400 naming the field for a malformed reaction", async () => {
    const postId = await newPost(ann);
    const cases: [unknown, string][] = [
      [{ user_id: bob.id, post_id: "short", emoji_name: "smile" }, "post_id"],
      [{ user_id: bob.id, post_id: postId, emoji_name: 5 }, "emoji_name"],
      [{ user_id: bob.id, post_id: postId }, "emoji_name"],
      [{ user_id: bob.id, post_id: postId, emoji_name: "no spaces" }, "emoji_name"],
      [[1, 2], "body"],
    ];
    for (const [json, field] of cases) {
      const { status, body } = await f.call("POST", "/api/v4/reactions", {
        token: bob.token,
        json,
      });
      expect({ field, status }).toEqual({ field, status: 400 });
      expect(body.message).toContain(field);
    }
  });
});

// Posts as the Mattermost web app reads them, driven through the official Client4: channel
// pages and their cursors, before/after/since, threads, posts by ids, pinning, patching and
// search, and the `posted` event a second client's websocket receives.
import type { Client4 } from "@mattermost/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ClientSocket, newClient4 } from "../../test-fixtures/rest/mattermost-client.js";
import {
  PASSWORD,
  type RestChannel,
  RestFixture,
  type RestTeam,
  type RestUser,
} from "../../test-fixtures/rest/rest-fixture.js";

let f: RestFixture;
let alice: RestUser;
let bob: RestUser;
let outsider: RestUser;
let team: RestTeam;
let town: RestChannel;
let aliceClient: Client4;
let bobClient: Client4;

beforeAll(async () => {
  f = await RestFixture.start();
  alice = await f.newUser("alice");
  bob = await f.newUser("bob");
  outsider = await f.newUser("outsider");
  team = await f.newTeam(alice, [bob, outsider]);
  town = await f.newChannel(team, alice, { name: "town", displayName: "Town" }, [bob]);
  aliceClient = newClient4(f.url);
  await aliceClient.login("alice", PASSWORD);
  bobClient = newClient4(f.url);
  await bobClient.login("bob", PASSWORD);
});
afterAll(async () => {
  await f?.close();
});

/** Posts in order, each in a later millisecond than the last (cursors compare times). */
async function postAll(channelId: string, messages: string[], rootId = ""): Promise<string[]> {
  const ids: string[] = [];
  for (const message of messages) {
    await new Promise((resolve) => setTimeout(resolve, 3));
    const post = await aliceClient.createPost({
      channel_id: channelId,
      message,
      root_id: rootId,
    } as never);
    ids.push(post.id);
  }
  return ids;
}

async function newChannel(name: string) {
  return f.newChannel(team, alice, { name, displayName: name }, [bob]);
}

/** A channel of alice's alone, without the post that bob was added. */
async function aliceChannel(name: string) {
  return f.newChannel(team, alice, { name, displayName: name }, []);
}

describe("channel posts", () => {
  it("pages newest first with the ids on either side, as getPosts reads them", async () => {
    const channel = await aliceChannel("paging");
    const [one, two, three, four, five] = await postAll(channel.id, ["1", "2", "3", "4", "5"]);
    const first = await aliceClient.getPosts(channel.id, 0, 2);
    expect(first).toMatchObject({ order: [five, four], next_post_id: "", prev_post_id: three });
    expect(Object.keys(first.posts).sort()).toEqual([five, four].sort());
    expect(first.posts[five as string]).toMatchObject({ message: "5", channel_id: channel.id });
    expect((first as unknown as Record<string, unknown>).has_next).toBeUndefined();
    expect(await aliceClient.getPosts(channel.id, 1, 2)).toMatchObject({
      order: [three, two],
      next_post_id: four,
      prev_post_id: one,
    });
    expect(await aliceClient.getPosts(channel.id, 2, 2)).toMatchObject({
      order: [one],
      next_post_id: two,
      prev_post_id: "",
    });
    expect(await aliceClient.getPosts(channel.id, 3, 2)).toMatchObject({
      order: [],
      posts: {},
      next_post_id: "",
      prev_post_id: "",
    });
  });

  it("pages before and after a post, the post itself the cursor of the first page", async () => {
    const channel = await aliceChannel("around");
    const [one, two, three, four, five] = await postAll(channel.id, ["1", "2", "3", "4", "5"]);
    expect(await aliceClient.getPostsBefore(channel.id, four as string, 0, 2)).toMatchObject({
      order: [three, two],
      next_post_id: four,
      prev_post_id: one,
    });
    // A short page towards the start: nothing older.
    expect(await aliceClient.getPostsBefore(channel.id, two as string, 0, 2)).toMatchObject({
      order: [one],
      next_post_id: two,
      prev_post_id: "",
    });
    expect(await aliceClient.getPostsBefore(channel.id, five as string, 1, 2)).toMatchObject({
      order: [two, one],
      next_post_id: three,
      prev_post_id: "",
    });
    expect(await aliceClient.getPostsAfter(channel.id, one as string, 0, 2)).toMatchObject({
      order: [three, two],
      next_post_id: four,
      prev_post_id: one,
    });
    expect(await aliceClient.getPostsAfter(channel.id, three as string, 0, 5)).toMatchObject({
      order: [five, four],
      next_post_id: "",
      prev_post_id: three,
    });
  });

  it("brings threads along: a page's replies come with their root and the other replies", async () => {
    const channel = await newChannel("threads");
    const [root] = await postAll(channel.id, ["root"]);
    const [reply1] = await postAll(channel.id, ["reply 1"], root);
    const [other] = await postAll(channel.id, ["other"]);
    const [reply2] = await postAll(channel.id, ["reply 2"], root);
    const page = await aliceClient.getPosts(channel.id, 0, 1);
    expect(page.order).toEqual([reply2]);
    expect(Object.keys(page.posts).sort()).toEqual([root, reply1, reply2].sort());
    expect(page.posts[root as string]).toMatchObject({ reply_count: 2 });
    expect(page.posts[reply2 as string]).toMatchObject({ root_id: root, reply_count: 2 });
    expect(page.posts[root as string]?.last_reply_at).toBe(page.posts[reply2 as string]?.create_at);
    const skipped = await f.call(
      "GET",
      `/api/v4/channels/${channel.id}/posts?per_page=1&skipFetchThreads=true`,
      { token: alice.token },
    );
    expect(Object.keys(skipped.body.posts).sort()).toEqual([root, reply2].sort());
    expect(other).toBeDefined();
  });

  it("since: posts created, edited or deleted after a time, with the roots of changed replies", async () => {
    const channel = await newChannel("since");
    const [kept, edited, removed] = await postAll(channel.id, ["kept", "edited", "removed"]);
    const before = await aliceClient.getPost(kept as string);
    await new Promise((resolve) => setTimeout(resolve, 3));
    const since = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 3));
    await aliceClient.patchPost({ id: edited as string, message: "edited!" } as never);
    await aliceClient.deletePost(removed as string);
    const [reply] = await postAll(channel.id, ["reply"], kept);
    const changed = await aliceClient.getPostsSince(channel.id, since);
    expect(new Set(changed.order)).toEqual(new Set([edited, removed, reply, kept]));
    expect(changed).toMatchObject({ next_post_id: "", prev_post_id: "" });
    expect(changed.posts[edited as string]).toMatchObject({ message: "edited!" });
    expect(changed.posts[edited as string]?.edit_at).toBeGreaterThan(0);
    expect(changed.posts[removed as string]?.delete_at).toBeGreaterThan(0);
    // The root of the new reply changed too (its reply count), as Mattermost bumps it.
    expect(changed.posts[kept as string]?.update_at).toBeGreaterThan(before.update_at);
    expect(changed.posts[kept as string]).toMatchObject({ reply_count: 1 });
  });

  it("refuses malformed cursors, outsiders and unknown channels", async () => {
    const path = `/api/v4/channels/${town.id}/posts`;
    const bad = await f.call("GET", `${path}?before=nope`, { token: alice.token });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toContain("before");
    const badSince = await f.call("GET", `${path}?since=yesterday`, { token: alice.token });
    expect(badSince.status).toBe(400);
    expect(badSince.body.message).toContain("since");
    expect((await f.call("GET", path, { token: outsider.token })).status).toBe(403);
    const unknown = await f.call("GET", "/api/v4/channels/nosuchchannelnosuchchannel/posts", {
      token: f.adminToken,
    });
    expect(unknown.status).toBe(404);
  });
});

describe("threads", () => {
  it("answers the post first, then its thread; paged down as Client4 asks by default", async () => {
    const channel = await newChannel("thread-read");
    const [root] = await postAll(channel.id, ["root"]);
    const [r1, r2, r3] = await postAll(channel.id, ["r1", "r2", "r3"], root);
    const thread = await aliceClient.getPostThread(r2 as string);
    expect(thread.order).toEqual([r2, root, r1, r3]);
    expect((thread as unknown as { has_next: boolean }).has_next).toBe(false);
    const paged = await aliceClient.getPaginatedPostThread(root as string, { perPage: 2 });
    expect(paged.order).toEqual([root, r1]);
    expect((paged as unknown as { has_next: boolean }).has_next).toBe(true);
    const rest = await aliceClient.getPaginatedPostThread(
      root as string,
      {
        perPage: 2,
        fromPost: r1,
        fromCreateAt: paged.posts[r1 as string]?.create_at,
      } as never,
    );
    expect(rest.order).toEqual([root, r2, r3]);
    expect((rest as unknown as { has_next: boolean }).has_next).toBe(false);
    const whole = await f.call("GET", `/api/v4/posts/${root}/thread`, { token: alice.token });
    expect(whole.body.order).toEqual([root, r3, r2, r1]);
    expect(whole.body.has_next).toBe(false);
  });

  it("checks root_id: a root post of the same channel", async () => {
    const channel = await newChannel("thread-rules");
    const [root] = await postAll(channel.id, ["root"]);
    const [reply] = await postAll(channel.id, ["reply"], root);
    const toReply = await f.call("POST", "/api/v4/posts", {
      token: alice.token,
      json: { channel_id: channel.id, message: "x", root_id: reply },
    });
    expect(toReply.status).toBe(400);
    expect(toReply.body.message).toContain("root_id");
    const elsewhere = await f.call("POST", "/api/v4/posts", {
      token: alice.token,
      json: { channel_id: town.id, message: "x", root_id: root },
    });
    expect(elsewhere.status).toBe(400);
  });

  it("404 for an unknown post, 403 for a channel the user can't read, 400 for bad paging", async () => {
    const [root] = await postAll(town.id, ["town root"]);
    const unknown = await f.call("GET", `/api/v4/posts/${"x".repeat(26)}/thread`, {
      token: alice.token,
    });
    expect(unknown.status).toBe(404);
    const outsiders = await f.call("GET", `/api/v4/posts/${root}/thread`, {
      token: outsider.token,
    });
    expect(outsiders.status).toBe(403);
    const badDirection = await f.call("GET", `/api/v4/posts/${root}/thread?direction=sideways`, {
      token: alice.token,
    });
    expect(badDirection.status).toBe(400);
    expect(badDirection.body.message).toContain("direction");
  });
});

describe("posts by ids, pinning, patching", () => {
  it("answers the readable posts of the ids; 404 when none exists; 400 for a body that is no list", async () => {
    const secret = await f.newChannel(team, alice, { name: "secret", displayName: "Secret" });
    const [mine] = await postAll(secret.id, ["secret"]);
    const [shared] = await postAll(town.id, ["shared"]);
    const posts = await bobClient.getPostsByIds([mine as string, shared as string]);
    expect(posts.map((post) => post.id)).toEqual([shared]);
    const none = await f.call("POST", "/api/v4/posts/ids", {
      token: bob.token,
      json: ["y".repeat(26)],
    });
    expect(none.status).toBe(404);
    const malformed = await f.call("POST", "/api/v4/posts/ids", {
      token: bob.token,
      json: { ids: [shared] },
    });
    expect(malformed.status).toBe(400);
    expect(malformed.body.message).toContain("post_ids");
  });

  it("pins and unpins (post_edited to the channel), lists pinned posts, patches", async () => {
    const channel = await newChannel("pins");
    const [a, b] = await postAll(channel.id, ["a", "b"]);
    const socket = await ClientSocket.connect(f.url, bob.token);
    const edited = socket.next("post_edited");
    await bobClient.pinPost(a as string);
    const event = await edited;
    expect(JSON.parse(event.data.post)).toMatchObject({ id: a, is_pinned: true });
    await aliceClient.pinPost(b as string);
    expect((await aliceClient.getPinnedPosts(channel.id)).order).toEqual([b, a]);
    await aliceClient.unpinPost(b as string);
    const pinned = await aliceClient.getPinnedPosts(channel.id);
    expect(pinned.order).toEqual([a]);
    expect(pinned.posts[a as string]).toMatchObject({ is_pinned: true, edit_at: 0 });
    const patched = await aliceClient.patchPost({ id: b as string, message: "b!" } as never);
    expect(patched).toMatchObject({ message: "b!", is_pinned: false });
    socket.close();
    const outsiders = await f.call("POST", `/api/v4/posts/${a}/pin`, { token: outsider.token });
    expect(outsiders.status).toBe(403);
    const unknown = await f.call("POST", `/api/v4/posts/${"z".repeat(26)}/pin`, {
      token: alice.token,
    });
    expect(unknown.status).toBe(404);
  });
});

describe("search", () => {
  it("finds words and phrases in the channels the user is in, newest first, and pages", async () => {
    const channel = await newChannel("searching");
    const secret = await f.newChannel(team, alice, { name: "hidden", displayName: "Hidden" });
    const [apples, pears, both] = await postAll(channel.id, [
      "I like apples",
      "pears are better",
      "apples and pears together",
    ]);
    await postAll(secret.id, ["apples in secret"]);
    const found = await bobClient.searchPosts(team.id, "apples", false);
    expect(found.order).toEqual([both, apples]);
    expect(found.posts[apples as string]).toMatchObject({ message: "I like apples" });
    expect((found as unknown as { matches: null }).matches).toBeNull();
    expect((await bobClient.searchPosts(team.id, "apples pears", false)).order).toEqual([both]);
    expect((await bobClient.searchPosts(team.id, "apples pears", true)).order).toEqual([
      both,
      pears,
      apples,
    ]);
    expect((await bobClient.searchPosts(team.id, '"pears together"', false)).order).toEqual([both]);
    expect((await bobClient.searchPosts(team.id, "apples -pears", false)).order).toEqual([apples]);
    expect((await bobClient.searchPosts(team.id, "appl*", false)).order).toEqual([both, apples]);
    expect((await bobClient.searchPosts(team.id, "apples in:searching", false)).order).toEqual([
      both,
      apples,
    ]);
    expect((await bobClient.searchPosts(team.id, "apples from:bob", false)).order).toEqual([]);
    const page = await bobClient.searchPostsWithParams(team.id, {
      terms: "apples",
      is_or_search: false,
      page: 1,
      per_page: 1,
    } as never);
    expect(page.order).toEqual([apples]);
    expect((page as unknown as { has_next: boolean }).has_next).toBe(false);
    // Alice is in the two private channels the word is in; Bob in neither.
    expect((await aliceClient.searchPosts(team.id, "secret", false)).order).toHaveLength(2);
    expect((await bobClient.searchPosts(team.id, "secret", false)).order).toEqual([]);
  });

  it("refuses a search without terms (400 naming terms), and outsiders of the team (403)", async () => {
    const empty = await f.call("POST", `/api/v4/teams/${team.id}/posts/search`, {
      token: alice.token,
      json: { terms: "  " },
    });
    expect(empty.status).toBe(400);
    expect(empty.body.message).toContain("terms");
    const wrongType = await f.call("POST", `/api/v4/teams/${team.id}/posts/search`, {
      token: alice.token,
      json: { terms: "x", page: "one" },
    });
    expect(wrongType.status).toBe(400);
    expect(wrongType.body.message).toContain("page");
    const stranger = await f.newUser("stranger");
    const refused = await f.call("POST", `/api/v4/teams/${team.id}/posts/search`, {
      token: stranger.token,
      json: { terms: "apples" },
    });
    expect(refused.status).toBe(403);
  });
});

describe("the posted event", () => {
  it("carries the channel, the sender and the mentioned users, the post as a JSON string", async () => {
    const socket = await ClientSocket.connect(f.url, bob.token);
    const posted = socket.next("posted");
    const created = await aliceClient.createPost({
      channel_id: town.id,
      message: "hey @bob and @outsider, and @alice",
    } as never);
    const event = await posted;
    expect(event.data).toMatchObject({
      channel_display_name: "Town",
      channel_name: "town",
      channel_type: "O",
      sender_name: "@alice",
      team_id: team.id,
    });
    // Outsider is not a member of the channel and Alice is the sender: only Bob counts.
    expect(JSON.parse(event.data.mentions)).toEqual([bob.id]);
    expect(JSON.parse(event.data.post)).toMatchObject({ id: created.id, user_id: alice.id });
    const plain = socket.next("posted");
    await aliceClient.createPost({ channel_id: town.id, message: "no one" } as never);
    expect((await plain).data.mentions).toBeUndefined();
    socket.close();
  });
});

// The PluginAPI's post lists, search and ephemeral changes, called by a real plugin process
// (test-fixtures/rest/api-caller) through the SDK, against a host whose posts are made over
// REST; ephemeral changes are watched on a user's websocket through Client4's WebSocketClient.
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ClientSocket } from "../../test-fixtures/rest/mattermost-client.js";
import {
  type RestChannel,
  RestFixture,
  type RestTeam,
  type RestUser,
  recorderDir,
} from "../../test-fixtures/rest/rest-fixture.js";

const CALLER_ID = "test.apicaller";

let f: RestFixture;
let alice: RestUser;
let bob: RestUser;
let team: RestTeam;
let town: RestChannel;

beforeAll(async () => {
  f = await RestFixture.start();
  await f.host.loadPlugin(join(dirname(recorderDir), "rest", "api-caller"));
  await f.host.enablePlugin(CALLER_ID);
  alice = await f.newUser("alice");
  bob = await f.newUser("bob");
  team = await f.newTeam(alice, [bob]);
  town = await f.newChannel(team, alice, { name: "town", displayName: "Town" }, [bob]);
});
afterAll(async () => {
  await f?.close();
});

/** Has the plugin call `method` with `args`; the result, or the error it got. */
// biome-ignore lint/suspicious/noExplicitAny: specs assert on whatever the method answers
async function call(method: string, args: unknown[]): Promise<any> {
  const { status, body } = await f.call("POST", `/plugins/${CALLER_ID}/call`, {
    token: alice.token,
    json: { method, args },
  });
  expect(status).toBe(200);
  return body;
}

/** The plugin's PluginAPIClient, by method name: `plugin.getPostThread(id)` runs in the plugin. */
// biome-ignore lint/suspicious/noExplicitAny: specs assert on whatever the method answers
const plugin = new Proxy({} as Record<string, (...args: unknown[]) => Promise<any>>, {
  get:
    (_target, method) =>
    (...args: unknown[]) =>
      call(String(method), args),
});

async function postAll(messages: string[], rootId = ""): Promise<string[]> {
  const ids: string[] = [];
  for (const message of messages) {
    await new Promise((resolve) => setTimeout(resolve, 3));
    const { body } = await f.call("POST", "/api/v4/posts", {
      token: alice.token,
      json: { channel_id: town.id, message, root_id: rootId },
    });
    ids.push(body.id);
  }
  return ids;
}

describe("reads", () => {
  it("GetPostThread, GetPostsBefore/After, GetPostsSince, GetPostsByIds, GetPinnedPosts", async () => {
    const [root, other] = await postAll(["a root", "another"]);
    const [reply] = await postAll(["a reply"], root);
    const { result: thread } = await plugin.getPostThread(reply);
    expect(thread.order).toEqual([reply, root]);
    expect(thread.posts[root as string]).toMatchObject({ message: "a root", replyCount: 1 });

    const { result: before } = await plugin.getPostsBefore(town.id, reply, { perPage: 1 });
    expect(before.order).toEqual([other]);
    const { result: after } = await plugin.getPostsAfter(town.id, root, { perPage: 5 });
    expect(after.order).toEqual([reply, other]);
    expect(Object.keys(after.posts).sort()).toEqual([root, other, reply].sort());

    const rootPost = thread.posts[root as string];
    const { result: since } = await plugin.getPostsSince(town.id, rootPost.createAt);
    expect(new Set(since.order)).toEqual(new Set([other, reply, root]));

    const { result: byIds } = await plugin.getPostsByIds([root, reply]);
    expect(byIds.map((post: { id: string }) => post.id)).toEqual([reply, root]);

    await f.call("POST", `/api/v4/posts/${other}/pin`, { token: alice.token });
    const { result: pinned } = await plugin.getPinnedPosts(town.id);
    expect(pinned.order).toEqual([other]);
  });

  it("answers NotFoundError for unknown posts and channels, ValidationError for missing ids", async () => {
    const unknown = "u".repeat(26);
    expect((await plugin.getPostThread(unknown)).error).toMatchObject({ name: "NotFoundError" });
    expect((await plugin.getPostsSince(unknown, 0)).error).toMatchObject({
      name: "NotFoundError",
    });
    expect((await plugin.getPostsByIds([unknown])).error).toMatchObject({ name: "NotFoundError" });
    const missing = await plugin.getPostsAfter(town.id, "");
    expect(missing.error).toMatchObject({ name: "ValidationError", params: { field: "post_id" } });
    const none = await plugin.getPostsByIds([]);
    expect(none.error).toMatchObject({ name: "ValidationError", params: { field: "post_ids" } });
  });
});

describe("search", () => {
  it("SearchPostsInTeam searches every channel; SearchPostsInTeamForUser the user's own", async () => {
    const hidden = await f.newChannel(team, alice, { name: "hidden", displayName: "Hidden" });
    const { body: secret } = await f.call("POST", "/api/v4/posts", {
      token: alice.token,
      json: { channel_id: hidden.id, message: "kumquats in secret" },
    });
    const [open] = await postAll(["kumquats for all"]);
    const { result: all } = await plugin.searchPostsInTeam(team.id, [{ terms: "kumquats" }]);
    expect(all.map((post: { id: string }) => post.id)).toEqual([open, secret.id]);
    const { result: merged } = await plugin.searchPostsInTeam(team.id, [
      { terms: "secret" },
      { terms: "all" },
    ]);
    expect(merged.map((post: { id: string }) => post.id)).toEqual([open, secret.id]);
    const { result: named } = await plugin.searchPostsInTeam(team.id, [
      { terms: "kumquats", inChannels: ["hidden"] },
      { terms: "kumquats", fromUsers: ["bob"] },
    ]);
    expect(named.map((post: { id: string }) => post.id)).toEqual([secret.id]);

    const { result: bobs } = await plugin.searchPostsInTeamForUser(team.id, bob.id, {
      terms: "kumquats",
    });
    expect(bobs.postList.order).toEqual([open]);
    const { result: alices } = await plugin.searchPostsInTeamForUser(team.id, alice.id, {
      terms: "kumquats in:hidden",
    });
    expect(alices.postList.order).toEqual([secret.id]);
    const empty = await plugin.searchPostsInTeamForUser(team.id, alice.id, { terms: "" });
    expect(empty.error).toMatchObject({ name: "ValidationError", params: { field: "terms" } });
  });
});

describe("ephemeral posts", () => {
  it("UpdateEphemeralPost and DeleteEphemeralPost reach only the user's websocket", async () => {
    const bobSocket = await ClientSocket.connect(f.url, bob.token);
    const aliceSocket = await ClientSocket.connect(f.url, alice.token);
    const { result: sent } = await plugin.sendEphemeralPost(bob.id, {
      channelId: town.id,
      message: "working…",
    });
    const edited = bobSocket.next("post_edited");
    const { result: updated } = await plugin.updateEphemeralPost(bob.id, {
      id: sent.id,
      channelId: town.id,
      message: "done",
    });
    expect(updated).toMatchObject({ id: sent.id, message: "done", type: "system_ephemeral" });
    const editEvent = await edited;
    expect(editEvent.broadcast).toMatchObject({ user_id: bob.id, channel_id: town.id });
    expect(JSON.parse(editEvent.data.post)).toMatchObject({ id: sent.id, message: "done" });

    const deleted = bobSocket.next("post_deleted");
    expect((await plugin.deleteEphemeralPost(bob.id, sent.id)).error).toBeUndefined();
    const deleteEvent = await deleted;
    expect(deleteEvent.broadcast).toMatchObject({ user_id: bob.id, channel_id: "" });
    expect(JSON.parse(deleteEvent.data.post)).toMatchObject({
      id: sent.id,
      user_id: bob.id,
      type: "system_ephemeral",
    });
    expect(deleteEvent.data.post).toContain('"delete_at":');
    expect(
      aliceSocket.events.filter((e) => e.event === "post_edited" || e.event === "post_deleted"),
    ).toEqual([]);
    const unknownUser = await plugin.deleteEphemeralPost("v".repeat(26), sent.id);
    expect(unknownUser.error).toMatchObject({ name: "NotFoundError" });
    bobSocket.close();
    aliceSocket.close();
  });
});

// /api/v4/posts over real HTTP, with the recorder plugin as a real process deciding on posts.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RestFixture, type RestUser } from "../../../test-fixtures/rest/rest-fixture.js";

let f: RestFixture;
let alice: RestUser;
let bob: RestUser;
let outsider: RestUser;
let channelId: string;

beforeAll(async () => {
  f = await RestFixture.start();
  alice = await f.newUser("alice");
  bob = await f.newUser("bob");
  outsider = await f.newUser("outsider");
  const team = await f.newTeam(alice, [bob]);
  channelId = (await f.newChannel(team, alice, { name: "town", displayName: "Town" }, [bob])).id;
});
afterAll(async () => {
  await f?.close();
});

const post = (token: string, json: Record<string, unknown>) =>
  f.call("POST", "/api/v4/posts", { token, json: { channel_id: channelId, ...json } });

describe("POST /api/v4/posts", () => {
  it("stores the post as the caller, after MessageWillBePosted and before MessageHasBeenPosted", async () => {
    await f.takeRecords();
    const { status, body } = await post(alice.token, {
      message: "hello",
      props: { color: "blue", nested: { n: 1 } },
      pending_post_id: "pending-1",
      user_id: "someone-else",
    });
    expect(status).toBe(201);
    expect(body).toMatchObject({
      channel_id: channelId,
      user_id: alice.id,
      message: "hello",
      props: { color: "blue", nested: { n: 1 } },
      pending_post_id: "pending-1",
      delete_at: 0,
    });
    expect(body.create_at).toBeGreaterThan(0);
    const records = await f.takeRecords();
    expect(records.map((r) => r.hook)).toEqual(["MessageWillBePosted", "MessageHasBeenPosted"]);
    expect(records[0]?.args.post).toMatchObject({ message: "hello", userId: alice.id, id: "" });
    expect(records[1]?.args.post).toMatchObject({ id: body.id, message: "hello" });
    for (const record of records) expect(record.context.userId).toBe(alice.id);
  });

  it("stores the plugin's modification", async () => {
    const { status, body } = await post(alice.token, { message: "please modify-me" });
    expect(status).toBe(201);
    expect(body.message).toBe("please modify-me [modified]");
    const [posted] = await f.takeRecords("MessageHasBeenPosted");
    expect(posted?.args.post.message).toBe("please modify-me [modified]");
  });

  it("refuses a rejected post with the plugin's reason, storing nothing", async () => {
    await f.takeRecords();
    const { status, body } = await post(alice.token, { message: "reject-me now" });
    expect(status).toBe(400);
    expect(body).toMatchObject({
      id: "plugin.message_will_be_posted.rejected",
      message: "Post rejected by plugin. recorder rejects this post",
    });
    expect((await f.takeRecords()).map((r) => r.hook)).toEqual(["MessageWillBePosted"]);
    const list = await f.call("GET", `/api/v4/channels/${channelId}/posts`, { token: alice.token });
    expect(
      Object.values(list.body.posts).map((p) => (p as { message: string }).message),
    ).not.toContain("reject-me now");
  });

  it("answers 400 for a dismissed post", async () => {
    const { status, body } = await post(alice.token, { message: "dismiss-me" });
    expect(status).toBe(400);
    expect(body.id).toBe("plugin.message_will_be_posted.dismiss_post");
  });

  it("is for the channel's members only", async () => {
    await f.takeRecords();
    expect((await post(outsider.token, { message: "let me in" })).status).toBe(403);
    expect((await post("", { message: "anonymous" })).status).toBe(401);
    expect(await f.takeRecords()).toEqual([]);
  });

  it("refuses malformed posts, naming the field", async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ channel_id: "", message: "x" }, "channel_id"],
      [{ message: 5 }, "message"],
      [{ message: "x", props: "flat" }, "props"],
      [{ message: "x", file_ids: [1] }, "file_ids"],
      [{ message: "x", type: "system_join_channel" }, "type"],
      [{ message: "x".repeat(16384) }, "message"],
      [{ message: "x", file_ids: ["nosuchfile"] }, "file_ids"],
    ];
    for (const [json, field] of cases) {
      const { status, body } = await post(alice.token, json);
      expect({ field, status }).toEqual({ field, status: 400 });
      expect(body.params).toEqual({ field });
    }
  });
});

describe("GET /api/v4/posts/{post_id}", () => {
  it("answers the post to channel members only", async () => {
    const { body: created } = await post(alice.token, { message: "readable" });
    const read = await f.call("GET", `/api/v4/posts/${created.id}`, { token: bob.token });
    expect(read).toMatchObject({ status: 200, body: { id: created.id, message: "readable" } });
    expect(
      (await f.call("GET", `/api/v4/posts/${created.id}`, { token: outsider.token })).status,
    ).toBe(403);
    expect(
      (await f.call("GET", "/api/v4/posts/nosuchpost0000000000000000", { token: bob.token }))
        .status,
    ).toBe(404);
  });
});

describe("PUT /api/v4/posts/{post_id} and /patch", () => {
  it("update through MessageWillBeUpdated and MessageHasBeenUpdated, with the new and old post", async () => {
    const { body: created } = await post(alice.token, { message: "first", props: { a: "1" } });
    await f.takeRecords();
    const { status, body } = await f.call("PUT", `/api/v4/posts/${created.id}`, {
      token: alice.token,
      json: { ...created, message: "second", props: { b: "2" } },
    });
    expect(status).toBe(200);
    expect(body).toMatchObject({ id: created.id, message: "second", props: { b: "2" } });
    expect(body.edit_at).toBeGreaterThan(0);
    const records = await f.takeRecords();
    expect(records.map((r) => r.hook)).toEqual(["MessageWillBeUpdated", "MessageHasBeenUpdated"]);
    expect(records[0]?.args.newPost.message).toBe("second");
    expect(records[0]?.args.oldPost.message).toBe("first");
    expect(records[1]?.args.newPost).toMatchObject({ id: created.id, message: "second" });
    expect(records[1]?.context.userId).toBe(alice.id);

    const patched = await f.call("PUT", `/api/v4/posts/${created.id}/patch`, {
      token: alice.token,
      json: { is_pinned: true },
    });
    expect(patched.body).toMatchObject({ message: "second", props: { b: "2" }, is_pinned: true });
  });

  it("refuses an edit the plugin rejects, keeping the post", async () => {
    const { body: created } = await post(alice.token, { message: "keep me" });
    const { status, body } = await f.call("PUT", `/api/v4/posts/${created.id}/patch`, {
      token: alice.token,
      json: { message: "reject-edit" },
    });
    expect(status).toBe(400);
    expect(body.message).toContain("recorder rejects this edit");
    expect(
      (await f.call("GET", `/api/v4/posts/${created.id}`, { token: alice.token })).body.message,
    ).toBe("keep me");
  });

  it("let only the author (or a system admin) edit", async () => {
    const { body: created } = await post(alice.token, { message: "mine" });
    const denied = await f.call("PUT", `/api/v4/posts/${created.id}/patch`, {
      token: bob.token,
      json: { message: "yours now" },
    });
    expect(denied.status).toBe(403);
    const byAdmin = await f.call("PUT", `/api/v4/posts/${created.id}/patch`, {
      token: f.adminToken,
      json: { message: "moderated" },
    });
    expect(byAdmin).toMatchObject({
      status: 200,
      body: { message: "moderated", user_id: alice.id },
    });
  });

  it("refuse a PUT for another post id and wrong types, naming the field", async () => {
    const { body: created } = await post(alice.token, { message: "strict" });
    const otherId = await f.call("PUT", `/api/v4/posts/${created.id}`, {
      token: alice.token,
      json: { id: "another", message: "x" },
    });
    expect(otherId).toMatchObject({ status: 400, body: { params: { field: "id" } } });
    const wrongType = await f.call("PUT", `/api/v4/posts/${created.id}/patch`, {
      token: alice.token,
      json: { is_pinned: "yes" },
    });
    expect(wrongType).toMatchObject({ status: 400, body: { params: { field: "is_pinned" } } });
  });
});

describe("DELETE /api/v4/posts/{post_id}", () => {
  it("deletes the author's post, firing MessageHasBeenDeleted", async () => {
    const { body: created } = await post(bob.token, { message: "regret" });
    expect(
      (await f.call("DELETE", `/api/v4/posts/${created.id}`, { token: alice.token })).status,
    ).toBe(403);
    await f.takeRecords();
    const { status, body } = await f.call("DELETE", `/api/v4/posts/${created.id}`, {
      token: bob.token,
    });
    expect(status).toBe(200);
    expect(body).toEqual({ status: "OK" });
    const [deleted] = await f.takeRecords("MessageHasBeenDeleted");
    expect(deleted?.args.post).toMatchObject({ id: created.id, message: "regret" });
    expect(deleted?.args.post.deleteAt).toBeGreaterThan(0);
    expect(deleted?.context.userId).toBe(bob.id);
    expect((await f.call("GET", `/api/v4/posts/${created.id}`, { token: bob.token })).status).toBe(
      404,
    );
  });
});

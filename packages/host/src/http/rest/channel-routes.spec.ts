// /api/v4/channels over real HTTP, with the recorder plugin as a real process.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RestFixture, type RestUser } from "../../../test-fixtures/rest/rest-fixture.js";

let f: RestFixture;
let alice: RestUser;
let bob: RestUser;
let outsider: RestUser;
let teamId: string;
let town: { id: string; name: string };
let secret: { id: string; name: string };

beforeAll(async () => {
  f = await RestFixture.start();
  alice = await f.newUser("alice");
  bob = await f.newUser("bob");
  outsider = await f.newUser("outsider");
  teamId = (await f.newTeam(alice, [bob])).id;
});
afterAll(async () => {
  await f?.close();
});

describe("POST /api/v4/channels", () => {
  it("creates the channel with the creator as its first member, firing ChannelHasBeenCreated", async () => {
    await f.takeRecords();
    const { status, body } = await f.call("POST", "/api/v4/channels", {
      token: alice.token,
      json: {
        team_id: teamId,
        name: "town-square",
        display_name: "Town Square",
        type: "O",
        purpose: "chat",
      },
    });
    expect(status).toBe(201);
    expect(body).toMatchObject({
      team_id: teamId,
      name: "town-square",
      type: "O",
      purpose: "chat",
      creator_id: alice.id,
      total_msg_count: 0,
    });
    town = body;
    expect(await f.host.store.getChannelMember(town.id, alice.id)).toBeDefined();
    const records = await f.takeRecords();
    expect(records.map((r) => r.hook)).toEqual(["ChannelHasBeenCreated"]);
    expect(records[0]?.args.channel).toMatchObject({ id: town.id, creatorId: alice.id });
    expect(records[0]?.context.userId).toBe(alice.id);

    const priv = await f.call("POST", "/api/v4/channels", {
      token: alice.token,
      json: { team_id: teamId, name: "secret", display_name: "Secret", type: "P" },
    });
    expect(priv.status).toBe(201);
    secret = priv.body;
  });

  it("is for members of the team only", async () => {
    const { status } = await f.call("POST", "/api/v4/channels", {
      token: outsider.token,
      json: { team_id: teamId, name: "intruders", display_name: "Intruders", type: "O" },
    });
    expect(status).toBe(403);
  });

  it("refuses bad fields, naming them, and creates nothing", async () => {
    const valid = { team_id: teamId, name: "valid-name", display_name: "Valid", type: "O" };
    const cases: [Record<string, unknown>, string][] = [
      [{ ...valid, team_id: undefined }, "team_id"],
      [{ ...valid, name: "Bad Name" }, "name"],
      [{ ...valid, display_name: " " }, "display_name"],
      [{ ...valid, type: "D" }, "type"],
      [{ ...valid, header: ["not", "a", "string"] }, "header"],
    ];
    for (const [json, field] of cases) {
      const { status, body } = await f.call("POST", "/api/v4/channels", {
        token: alice.token,
        json,
      });
      expect({ field, status }).toEqual({ field, status: 400 });
      expect(body.params).toEqual({ field });
    }
    const lookup = await f.call("GET", `/api/v4/teams/${teamId}/channels/name/valid-name`, {
      token: alice.token,
    });
    expect(lookup.status).toBe(404);
  });

  it("answers 409 for a name taken in the team", async () => {
    const { status } = await f.call("POST", "/api/v4/channels", {
      token: bob.token,
      json: { team_id: teamId, name: "town-square", display_name: "Again", type: "O" },
    });
    expect(status).toBe(409);
  });
});

describe("GET /api/v4/channels/{channel_id} and /teams/{team_id}/channels/name/{name}", () => {
  it("show a public channel to the team's members", async () => {
    for (const path of [
      `/api/v4/channels/${town.id}`,
      `/api/v4/teams/${teamId}/channels/name/town-square`,
    ]) {
      const { status, body } = await f.call("GET", path, { token: bob.token });
      expect(status).toBe(200);
      expect(body).toMatchObject({ id: town.id, name: "town-square" });
    }
  });

  it("show a private channel to its members only, and nothing to people outside the team", async () => {
    expect(
      (await f.call("GET", `/api/v4/channels/${secret.id}`, { token: bob.token })).status,
    ).toBe(403);
    expect(
      (await f.call("GET", `/api/v4/channels/${secret.id}`, { token: alice.token })).status,
    ).toBe(200);
    expect(
      (await f.call("GET", `/api/v4/channels/${town.id}`, { token: outsider.token })).status,
    ).toBe(403);
    expect((await f.call("GET", `/api/v4/channels/${town.id}`)).status).toBe(401);
  });
});

describe("POST /api/v4/channels/{channel_id}/members", () => {
  it("lets a team member join a public channel, firing UserHasJoinedChannel without an actor", async () => {
    await f.takeRecords();
    const { status, body } = await f.call("POST", `/api/v4/channels/${town.id}/members`, {
      token: bob.token,
      json: { user_id: bob.id },
    });
    expect(status).toBe(201);
    expect(body).toMatchObject({
      channel_id: town.id,
      user_id: bob.id,
      notify_props: { desktop: "default" },
    });
    const [joined] = await f.takeRecords("UserHasJoinedChannel");
    expect(joined?.args.member).toMatchObject({ channelId: town.id, userId: bob.id });
    expect(joined?.args.actor).toBeUndefined();
  });

  it("lets members add a team member to a private channel, firing UserHasJoinedChannel with the adder", async () => {
    expect(
      (
        await f.call("POST", `/api/v4/channels/${secret.id}/members`, {
          token: bob.token,
          json: { user_id: bob.id },
        })
      ).status,
    ).toBe(403);
    await f.takeRecords();
    const { status } = await f.call("POST", `/api/v4/channels/${secret.id}/members`, {
      token: alice.token,
      json: { user_id: bob.id },
    });
    expect(status).toBe(201);
    const [joined] = await f.takeRecords("UserHasJoinedChannel");
    expect(joined?.args.member).toMatchObject({ channelId: secret.id, userId: bob.id });
    expect(joined?.args.actor).toMatchObject({ id: alice.id });
  });

  it("refuses people outside the team, and adding by non-members", async () => {
    const notInTeam = await f.call("POST", `/api/v4/channels/${town.id}/members`, {
      token: alice.token,
      json: { user_id: outsider.id },
    });
    expect(notInTeam).toMatchObject({ status: 400, body: { params: { field: "user_id" } } });
    const byOutsider = await f.call("POST", `/api/v4/channels/${town.id}/members`, {
      token: outsider.token,
      json: { user_id: outsider.id },
    });
    expect(byOutsider.status).toBe(403);
  });

  it("refuses a malformed body, naming the field", async () => {
    for (const [json, field] of [
      [{}, "user_id"],
      [{ user_id: 1 }, "user_id"],
    ] as const) {
      const { status, body } = await f.call("POST", `/api/v4/channels/${town.id}/members`, {
        token: alice.token,
        json,
      });
      expect(status).toBe(400);
      expect(body.params).toEqual({ field });
    }
  });
});

describe("DELETE /api/v4/channels/{channel_id}/members/{user_id}", () => {
  it("lets members remove others, firing UserHasLeftChannel with the remover as the actor", async () => {
    await f.takeRecords();
    const { status, body } = await f.call(
      "DELETE",
      `/api/v4/channels/${secret.id}/members/${bob.id}`,
      {
        token: alice.token,
      },
    );
    expect(status).toBe(200);
    expect(body).toEqual({ status: "OK" });
    const [left] = await f.takeRecords("UserHasLeftChannel");
    expect(left?.args.member).toMatchObject({ channelId: secret.id, userId: bob.id });
    expect(left?.args.actor).toMatchObject({ id: alice.id });
  });

  it("lets a user leave, and refuses removals by non-members", async () => {
    const denied = await f.call("DELETE", `/api/v4/channels/${secret.id}/members/${alice.id}`, {
      token: bob.token,
    });
    expect(denied.status).toBe(403);
    await f.takeRecords();
    const left = await f.call("DELETE", `/api/v4/channels/${town.id}/members/${bob.id}`, {
      token: bob.token,
    });
    expect(left.status).toBe(200);
    const [record] = await f.takeRecords("UserHasLeftChannel");
    expect(record?.args.actor).toBeUndefined();
  });
});

describe("the system posts of joining and leaving", () => {
  /** The channel's posts, oldest first, as [type, user id, props]. */
  async function systemPosts(channelId: string) {
    const posts = await f.host.store.getPostsForChannel(channelId, { page: 0, perPage: 60 });
    return posts.reverse().map((post) => [post.type, post.userId, post.props]);
  }

  it("posts that a user joined, was added, left or was removed, as Mattermost does", async () => {
    const { body: room } = await f.call("POST", "/api/v4/channels", {
      token: alice.token,
      json: { team_id: teamId, name: "room", display_name: "Room", type: "O" },
    });
    const member = (token: string, userId: string) =>
      f.call("POST", `/api/v4/channels/${room.id}/members`, { token, json: { user_id: userId } });
    const remove = (token: string, userId: string) =>
      f.call("DELETE", `/api/v4/channels/${room.id}/members/${userId}`, { token });
    expect((await member(bob.token, bob.id)).status).toBe(201);
    expect((await remove(bob.token, bob.id)).status).toBe(200);
    expect((await member(alice.token, bob.id)).status).toBe(201);
    expect((await remove(alice.token, bob.id)).status).toBe(200);
    expect(await systemPosts(room.id)).toEqual([
      ["system_join_channel", bob.id, { username: "bob" }],
      ["system_leave_channel", bob.id, { username: "bob" }],
      [
        "system_add_to_channel",
        alice.id,
        { userId: alice.id, username: "alice", addedUserId: bob.id, addedUsername: "bob" },
      ],
      [
        "system_remove_from_channel",
        alice.id,
        { userId: alice.id, username: "alice", removedUserId: bob.id, removedUsername: "bob" },
      ],
    ]);
    const { body: list } = await f.call("GET", `/api/v4/channels/${room.id}/posts`, {
      token: alice.token,
    });
    expect(list.posts[list.order[0]]).toMatchObject({
      type: "system_remove_from_channel",
      message: "@bob was removed from the channel.",
    });
  });

  it("posts joining and leaving a team in its town-square", async () => {
    const carol = await f.newUser("carol");
    const add = await f.call("POST", `/api/v4/teams/${teamId}/members`, {
      token: f.adminToken,
      json: { team_id: teamId, user_id: carol.id },
    });
    expect(add.status).toBe(201);
    const leave = await f.call("DELETE", `/api/v4/teams/${teamId}/members/${carol.id}`, {
      token: carol.token,
    });
    expect(leave.status).toBe(200);
    const posts = (await systemPosts(town.id)).filter(([type]) => String(type).endsWith("_team"));
    expect(posts).toEqual([
      [
        "system_add_to_team",
        f.adminId,
        expect.objectContaining({ addedUserId: carol.id, addedUsername: "carol" }),
      ],
      ["system_leave_team", carol.id, { username: "carol" }],
    ]);
  });
});

describe("GET /api/v4/channels/{channel_id}/posts", () => {
  it("pages posts newest first in v4's PostList shape, with the ids on either side", async () => {
    // A channel of its own, without the join and leave posts of the other cases.
    const { body: paged } = await f.call("POST", "/api/v4/channels", {
      token: alice.token,
      json: { team_id: teamId, name: "paged", display_name: "Paged", type: "O" },
    });
    const ids: string[] = [];
    for (const message of ["one", "two", "three", "four", "five"]) {
      // A later millisecond each: the cursors are the posts created just before and after.
      await new Promise((resolve) => setTimeout(resolve, 3));
      const { body } = await f.call("POST", "/api/v4/posts", {
        token: alice.token,
        json: { channel_id: paged.id, message },
      });
      ids.push(body.id);
    }
    const [one, two, three, four, five] = ids;
    const first = await f.call("GET", `/api/v4/channels/${paged.id}/posts?page=0&per_page=2`, {
      token: alice.token,
    });
    expect(first.status).toBe(200);
    expect(first.body).toEqual({
      order: [five, four],
      posts: {
        [five as string]: expect.objectContaining({
          id: five,
          message: "five",
          channel_id: paged.id,
        }),
        [four as string]: expect.objectContaining({ id: four, message: "four" }),
      },
      next_post_id: "",
      prev_post_id: three,
      first_inaccessible_post_time: 0,
    });
    const second = await f.call("GET", `/api/v4/channels/${paged.id}/posts?page=1&per_page=2`, {
      token: alice.token,
    });
    expect(second.body).toMatchObject({
      order: [three, two],
      next_post_id: four,
      prev_post_id: one,
    });
    const last = await f.call("GET", `/api/v4/channels/${paged.id}/posts?page=2&per_page=2`, {
      token: alice.token,
    });
    expect(last.body).toMatchObject({ order: [one], next_post_id: two, prev_post_id: "" });
    expect(last.body.posts[one as string]).toMatchObject({ props: {}, file_ids: [], edit_at: 0 });
  });

  it("is for the channel's members only", async () => {
    const { status } = await f.call("GET", `/api/v4/channels/${town.id}/posts`, {
      token: bob.token,
    });
    expect(status).toBe(403);
  });

  it("answers 404 for a channel that does not exist, to system admins too", async () => {
    for (const token of [alice.token, f.adminToken]) {
      const { status, body } = await f.call("GET", "/api/v4/channels/nosuchchannel/posts", {
        token,
      });
      expect(status).toBe(404);
      expect(body).toMatchObject({ status_code: 404 });
    }
  });
});

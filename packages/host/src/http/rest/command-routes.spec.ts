// POST /api/v4/commands/execute over real HTTP, with the recorder plugin's /recorder command.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RestFixture, type RestUser } from "../../../test-fixtures/rest/rest-fixture.js";

let f: RestFixture;
let alice: RestUser;
let outsider: RestUser;
let teamId: string;
let channelId: string;

beforeAll(async () => {
  f = await RestFixture.start();
  alice = await f.newUser("alice");
  outsider = await f.newUser("outsider");
  const team = await f.newTeam(alice);
  teamId = team.id;
  channelId = (await f.newChannel(team, alice, { name: "town", displayName: "Town" })).id;
});
afterAll(async () => {
  await f?.close();
});

const execute = (token: string, json: unknown) =>
  f.call("POST", "/api/v4/commands/execute", { token, json });

describe("POST /api/v4/commands/execute", () => {
  it("runs ExecuteCommand with the caller, channel, team and site URL, and answers its response", async () => {
    await f.takeRecords();
    const { status, body } = await execute(alice.token, {
      channel_id: channelId,
      command: "/recorder ephemeral just for you",
    });
    expect(status).toBe(200);
    expect(body).toMatchObject({
      response_type: "ephemeral",
      text: "just for you",
      extra_responses: [],
    });
    const [executed] = await f.takeRecords("ExecuteCommand");
    expect(executed?.args.args).toEqual({
      $typeName: "plugwire.v1.CommandArgs",
      userId: alice.id,
      channelId,
      teamId,
      rootId: "",
      parentId: "",
      triggerId: expect.stringMatching(/^[A-Za-z0-9+/]+=*$/),
      command: "/recorder ephemeral just for you",
      siteUrl: f.url,
    });
    expect(executed?.context.userId).toBe(alice.id);
    const list = await f.call("GET", `/api/v4/channels/${channelId}/posts`, { token: alice.token });
    expect(list.body.order).toEqual([]);
  });

  it("posts an in_channel response as the caller, through MessageWillBePosted", async () => {
    await f.takeRecords();
    const { status, body } = await execute(alice.token, {
      channel_id: channelId,
      command: "/recorder in_channel for everyone modify-me",
    });
    expect(status).toBe(200);
    expect(body.response_type).toBe("in_channel");
    expect((await f.takeRecords()).map((r) => r.hook)).toEqual([
      "ExecuteCommand",
      "MessageWillBePosted",
      "MessageHasBeenPosted",
    ]);
    const list = await f.call("GET", `/api/v4/channels/${channelId}/posts`, { token: alice.token });
    const [postId] = list.body.order;
    expect(list.body.posts[postId]).toMatchObject({
      user_id: alice.id,
      message: "for everyone modify-me [modified]",
    });
  });

  it("is for the channel's members only", async () => {
    const { status } = await execute(outsider.token, {
      channel_id: channelId,
      command: "/recorder ephemeral hi",
    });
    expect(status).toBe(403);
  });

  it("answers 404 for a command no plugin registered, and 400 for malformed bodies", async () => {
    const unknown = await execute(alice.token, {
      channel_id: channelId,
      command: "/nosuchcommand",
    });
    expect(unknown).toMatchObject({ status: 404, body: { id: "api.command.execute.not_found" } });
    for (const [json, field] of [
      [{ channel_id: channelId }, "command"],
      [{ command: "/recorder" }, "channel_id"],
      [{ channel_id: channelId, command: ["/recorder"] }, "command"],
    ] as const) {
      const { status, body } = await execute(alice.token, json);
      expect(status).toBe(400);
      expect(body.params).toEqual({ field });
    }
    const notCommand = await execute(alice.token, { channel_id: channelId, command: "no slash" });
    expect(notCommand).toMatchObject({ status: 400, body: { params: { field: "command" } } });
  });
});

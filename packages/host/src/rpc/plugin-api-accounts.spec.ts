// The PluginAPI's bots, sessions, personal access tokens and audit log over the real service
// and application layer: every change goes through the app as the plugin, and requests are
// checked field by field. A real plugin process making these calls, and a token used on REST,
// are test/e2e/accounts-plugin.e2e.spec.ts.
import { create } from "@bufbuild/protobuf";
import { NotFoundError, ValidationError } from "@plugwire/errors";
import { UserSchema } from "@plugwire/protocol";
import { describe, expect, it } from "vitest";
import { hashSessionToken } from "../app/sessions.js";
import { failureOf } from "../test-fixtures/failure-of.js";
import {
  callsOf,
  expectInvalid,
  newChannel,
  newTeam,
  newUser,
  PLUGIN_A,
  START,
  usePluginApiServers,
  world,
} from "./test-fixtures/plugin-api-servers.js";

usePluginApiServers();

describe("bots", () => {
  it("creates a bot owned by the plugin, which posts as its own user", async () => {
    const { bot } = await world.a.createBot({
      bot: { username: "Helper", displayName: "Helper", description: "helps", userId: "x" },
    });
    expect(bot).toMatchObject({
      username: "helper",
      displayName: "Helper",
      description: "helps",
      ownerId: PLUGIN_A,
      createAt: BigInt(START),
      deleteAt: 0n,
    });
    expect(bot?.userId).toMatch(/^[a-z0-9]{26}$/);
    expect(callsOf("createBot")[0]?.actor).toEqual({ pluginId: PLUGIN_A });
    const user = await world.store.getUser(bot?.userId ?? "");
    expect(user).toMatchObject({ isBot: true, firstName: "Helper", roles: "system_user" });

    const team = await newTeam("core");
    const channel = await newChannel(team, "town");
    await world.store.addTeamMember(team.id, user.id);
    await world.store.addChannelMember(channel.id, user.id);
    const { post } = await world.a.createPost({
      post: { channelId: channel.id, userId: user.id, message: "beep" },
    });
    expect(post?.userId).toBe(user.id);
  });

  it("reads, pages, patches, disables and enables bots", async () => {
    const owner = await newUser("ann");
    const { a } = world;
    const first = (await a.createBot({ bot: { username: "alfa", ownerId: owner.id } })).bot;
    const second = (await a.createBot({ bot: { username: "bert" } })).bot;
    const ids = { alfa: first?.userId ?? "", bert: second?.userId ?? "" };

    expect((await a.getBot({ botUserId: ids.alfa })).bot?.ownerId).toBe(owner.id);
    const names = async (options: Parameters<typeof a.getBots>[0]["options"]) =>
      (await a.getBots({ options })).bots.map((bot) => bot.username);
    expect(await names({})).toEqual(["alfa", "bert"]);
    expect(await names({ ownerId: PLUGIN_A })).toEqual(["bert"]);
    expect(await names({ paging: { page: 1, perPage: 1 } })).toEqual(["bert"]);

    const { bot: patched } = await a.patchBot({
      botUserId: ids.bert,
      botPatch: { displayName: "Bert", description: "new" },
    });
    expect(patched).toMatchObject({ username: "bert", displayName: "Bert", description: "new" });
    world.time = START + 10;
    const { bot: renamed } = await a.patchBot({
      botUserId: ids.bert,
      botPatch: { username: "B2" },
    });
    expect(renamed).toMatchObject({
      username: "b2",
      displayName: "Bert",
      updateAt: BigInt(START + 10),
    });

    const { bot: disabled } = await a.updateBotActive({ botUserId: ids.alfa, active: false });
    expect(disabled?.deleteAt).toBe(BigInt(START + 10));
    await expect(a.getBot({ botUserId: ids.alfa })).rejects.toBeInstanceOf(NotFoundError);
    expect((await a.getBot({ botUserId: ids.alfa, includeDeleted: true })).bot?.deleteAt).toBe(
      BigInt(START + 10),
    );
    expect(await names({})).toEqual(["b2"]);
    expect(await names({ includeDeleted: true })).toEqual(["alfa", "b2"]);
    const { bot: enabled } = await a.updateBotActive({ botUserId: ids.alfa, active: true });
    expect(enabled?.deleteAt).toBe(0n);

    await world.hostApp.deactivateUser({}, owner.id);
    expect(await names({ onlyOrphaned: true })).toEqual(["alfa"]);
  });

  it("erases a bot with its posts, and refuses to erase a person", async () => {
    const { bot } = await world.a.createBot({ bot: { username: "gone" } });
    const botId = bot?.userId ?? "";
    const team = await newTeam("core");
    const channel = await newChannel(team, "town");
    await world.store.addTeamMember(team.id, botId);
    await world.store.addChannelMember(channel.id, botId);
    const { post } = await world.a.createPost({
      post: { channelId: channel.id, userId: botId, message: "bye" },
    });
    await world.a.permanentDeleteBot({ botUserId: botId });
    await expect(world.store.getUser(botId)).rejects.toBeInstanceOf(NotFoundError);
    await expect(world.store.getPost(post?.id ?? "")).rejects.toBeInstanceOf(NotFoundError);

    const person = await newUser("ann");
    const error = await failureOf(world.a.permanentDeleteBot({ botUserId: person.id }));
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.id).toBe("app.bot.permenent_delete.bad_id");
    expect(await world.store.getUser(person.id)).toBeDefined();
  });

  it("refuses bad bots with Mattermost's ids, and finds no bot for a person", async () => {
    const { a } = world;
    await expectInvalid(a.createBot({}), "bot");
    await expectInvalid(a.createBot({ bot: {} }), "bot.username");
    for (const [bot, id] of [
      [{ username: "9lives" }, "model.bot.is_valid.username.app_error"],
      [{ username: "here" }, "model.bot.is_valid.username.app_error"],
      [
        { username: "ok", description: "x".repeat(1025) },
        "model.bot.is_valid.description.app_error",
      ],
      [{ username: "ok", displayName: "x".repeat(65) }, "model.bot.is_valid.user_id.app_error"],
    ] as const) {
      expect((await failureOf(a.createBot({ bot }))).id).toBe(id);
    }
    const person = await newUser("ann");
    expect((await failureOf(a.getBot({ botUserId: person.id }))).id).toBe(
      "store.sql_bot.get.missing.app_error",
    );
    await expectInvalid(a.getBot({}), "bot_user_id");
    await expectInvalid(a.patchBot({ botPatch: {} }), "bot_user_id");
    await expectInvalid(a.updateBotActive({ active: true }), "bot_user_id");
  });
});

describe("sessions", () => {
  it("opens a session with a token only its creator sees, reads, extends and revokes it", async () => {
    const ann = await world.store.createUser(
      create(UserSchema, { username: "ann", email: "ann@example.com", roles: "system_user" }),
    );
    const { a } = world;
    const { session } = await a.createSession({
      session: {
        userId: ann.id,
        expiresAt: BigInt(START + 60_000),
        deviceId: "cli",
        props: { purpose: "test" },
        token: "chosen",
        id: "chosen",
      },
    });
    expect(session?.token).toMatch(/^[a-z0-9]{26}$/);
    expect(session?.id).not.toBe("chosen");
    expect(session).toMatchObject({ userId: ann.id, deviceId: "cli", roles: "system_user" });
    const token = session?.token ?? "";
    expect((await world.hostApp.authenticate(token))?.user.id).toBe(ann.id);

    const { session: read } = await a.getSession({ sessionId: session?.id ?? "" });
    expect(read).toMatchObject({ id: session?.id, token: "", props: { purpose: "test" } });

    await a.extendSessionExpiry({
      sessionId: session?.id ?? "",
      newExpiry: BigInt(START + 120_000),
    });
    world.time = START + 90_000;
    expect((await a.getSession({ sessionId: session?.id ?? "" })).session?.expiresAt).toBe(
      BigInt(START + 120_000),
    );

    await a.revokeSession({ sessionId: session?.id ?? "" });
    expect(await world.hostApp.authenticate(token)).toBeUndefined();
    await expect(a.getSession({ sessionId: session?.id ?? "" })).rejects.toBeInstanceOf(
      NotFoundError,
    );
    await expect(a.revokeSession({ sessionId: session?.id ?? "" })).rejects.toBeInstanceOf(
      NotFoundError,
    );
  });

  it("refuses sessions for no one, and bad expiries", async () => {
    const { a } = world;
    await expectInvalid(a.createSession({}), "session");
    await expectInvalid(a.createSession({ session: {} }), "session.user_id");
    await expect(a.createSession({ session: { userId: "nobody" } })).rejects.toBeInstanceOf(
      NotFoundError,
    );
    await expectInvalid(a.getSession({}), "session_id");
    await expectInvalid(a.extendSessionExpiry({ sessionId: "s", newExpiry: 0n }), "new_expiry");
    await expect(
      a.extendSessionExpiry({ sessionId: "nope", newExpiry: 5n }),
    ).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe("personal access tokens", () => {
  it("issue a token that authenticates until it is revoked", async () => {
    const ann = await newUser("ann");
    const { a } = world;
    const { token } = await a.createUserAccessToken({
      token: { userId: ann.id, description: "CI", isActive: false, id: "mine" },
    });
    expect(token).toMatchObject({ userId: ann.id, description: "CI", isActive: true });
    expect(token?.id).not.toBe("mine");
    const secret = token?.token ?? "";
    expect(secret).toMatch(/^[a-z0-9]{26}$/);
    expect(await world.store.getUserAccessTokenByHash(hashSessionToken(secret))).toMatchObject({
      id: token?.id,
      token: "",
    });

    const opened = await world.hostApp.authenticate(secret);
    expect(opened?.user.id).toBe(ann.id);
    expect(opened?.session.props).toEqual({
      type: "UserAccessToken",
      user_access_token_id: token?.id,
    });
    expect((await world.hostApp.authenticate(secret))?.session.id).toBe(opened?.session.id);

    await a.revokeUserAccessToken({ tokenId: token?.id ?? "" });
    expect(await world.hostApp.authenticate(secret)).toBeUndefined();
    await expect(a.revokeUserAccessToken({ tokenId: token?.id ?? "" })).rejects.toBeInstanceOf(
      NotFoundError,
    );
  });

  it("need a user that exists and a description", async () => {
    const ann = await newUser("ann");
    const { a } = world;
    await expectInvalid(a.createUserAccessToken({}), "token");
    await expectInvalid(a.createUserAccessToken({ token: { description: "x" } }), "token.user_id");
    await expectInvalid(a.createUserAccessToken({ token: { userId: ann.id } }), "description");
    await expect(
      a.createUserAccessToken({ token: { userId: "nobody", description: "x" } }),
    ).rejects.toBeInstanceOf(NotFoundError);
    await expectInvalid(a.revokeUserAccessToken({}), "token_id");
  });
});

describe("audit log", () => {
  it("keeps a record with its actor, the rest as JSON naming the plugin and level", async () => {
    const { a } = world;
    await a.logAuditRec({
      record: {
        eventName: "exportData",
        status: "success",
        actor: { userId: "u1", sessionId: "s1", ipAddress: "10.0.0.1", client: "cli" },
        event: { parameters: { channel: "town" }, objectType: "channel" },
        meta: { rows: 3 },
      },
    });
    world.time = START + 1;
    await a.logAuditRecWithLevel({ record: { eventName: "wipe", status: "fail" }, level: "error" });
    const [wipe, exported] = await world.hostApp.getAudits({ page: 0, perPage: 10 });
    expect(wipe).toMatchObject({ action: "wipe", userId: "", createAt: BigInt(START + 1) });
    expect(JSON.parse(wipe?.extraInfo ?? "")).toEqual({
      status: "fail",
      level: "error",
      plugin_id: PLUGIN_A,
    });
    expect(exported).toMatchObject({
      action: "exportData",
      userId: "u1",
      sessionId: "s1",
      ipAddress: "10.0.0.1",
    });
    expect(JSON.parse(exported?.extraInfo ?? "")).toEqual({
      status: "success",
      event: { parameters: { channel: "town" }, object_type: "channel" },
      meta: { rows: 3 },
      client: "cli",
      level: "info",
      plugin_id: PLUGIN_A,
    });
  });

  it("refuses a record without a name, an unknown status or level", async () => {
    const { a } = world;
    await expectInvalid(a.logAuditRec({}), "record");
    await expectInvalid(a.logAuditRec({ record: {} }), "record.event_name");
    await expectInvalid(
      a.logAuditRec({ record: { eventName: "x", status: "ok" } }),
      "record.status",
    );
    await expectInvalid(
      a.logAuditRecWithLevel({ record: { eventName: "x" }, level: "loud" }),
      "level",
    );
    await expectInvalid(a.logAuditRecWithLevel({ record: { eventName: "x" } }), "level");
    expect(await world.hostApp.getAudits({ page: 0, perPage: 10 })).toEqual([]);
  });
});

import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { AlreadyExistsError, NotFoundError, UnauthenticatedError } from "@plugwire/errors";
import { type Channel, PluginAPI, type User } from "@plugwire/protocol";
import { beforeEach, describe, expect, it } from "vitest";
import { verifyPassword } from "../app/password.js";
import { failureOf } from "../test-fixtures/failure-of.js";
import { connectPluginApi } from "./test-fixtures/plugin-api-client.js";
import {
  callsOf,
  expectInvalid,
  newChannel,
  newTeam,
  newUser,
  PLUGIN_A,
  SERVER_CONFIG,
  START,
  usePluginApiServers,
  world,
} from "./test-fixtures/plugin-api-servers.js";

usePluginApiServers();

describe("configuration", () => {
  it("gives the server version and the sanitised server configuration", async () => {
    expect((await world.a.getServerVersion({})).version).toBe("9.5.0");
    expect((await world.a.getConfig({})).config).toMatchObject(SERVER_CONFIG);
  });

  it("saves the server configuration and gives it back with its secrets, the sanitised copy without", async () => {
    const { config } = await world.a.getUnsanitizedConfig({});
    const email = { ...(config?.EmailSettings as object), SMTPPassword: "pw" };
    await world.a.saveConfig({ config: { ...config, EmailSettings: email } });

    expect((await world.b.getUnsanitizedConfig({})).config?.EmailSettings).toMatchObject({
      SMTPPassword: "pw",
    });
    expect((await world.b.getConfig({})).config?.EmailSettings).toMatchObject({
      SMTPPassword: "********",
    });
    expect(callsOf("saveConfig")[0]?.actor).toMatchObject({ pluginId: PLUGIN_A });
    await expect(
      world.a.saveConfig({ config: { ServiceSettings: { SiteURL: "https://x.example" } } }),
    ).rejects.toThrow(/SiteURL can't be changed/);
  });

  it("saves the plugin's own settings through the app and reads them back, per plugin", async () => {
    await world.a.savePluginConfig({ config: { Greeting: "hi", Limit: 3 } });
    expect(callsOf("savePluginConfig")).toEqual([
      {
        operation: "savePluginConfig",
        actor: { pluginId: PLUGIN_A },
        args: [PLUGIN_A, { Greeting: "hi", Limit: 3 }],
      },
    ]);
    expect((await world.a.getPluginConfig({})).config).toEqual({ Greeting: "hi", Limit: 3 });
    expect((await world.b.getPluginConfig({})).config).toEqual({});
  });
});

describe("users", () => {
  it("creates a user through the app, assigning id and times, and never returns the password", async () => {
    const { user } = await world.a.createUser({
      user: { id: "chosen-by-plugin", username: "alice", email: "alice@example.com", createAt: 5n },
      password: "correct horse",
    });
    expect(user?.id).toMatch(/^[a-z0-9]{26}$/);
    expect(user?.createAt).toBe(BigInt(START));
    const [call] = callsOf("createUser");
    expect(call?.actor).toEqual({ pluginId: PLUGIN_A });
    expect(call?.args[1]).toBe("correct horse");
    expect(
      await verifyPassword(
        "correct horse",
        (await world.store.getPasswordHash(user?.id ?? "")) ?? "",
      ),
    ).toBe(true);

    const responses = [
      user,
      (await world.a.getUser({ userId: user?.id })).user,
      (await world.a.getUserByUsername({ username: "alice" })).user,
      (await world.a.getUserByEmail({ email: "alice@example.com" })).user,
    ];
    for (const response of responses) {
      expect(response?.id).toBe(user?.id);
      expect(
        JSON.stringify(response, (_k, v) => (typeof v === "bigint" ? `${v}` : v)),
      ).not.toContain("hashed");
    }
  });

  it("refuses lookups without the id, username or address", async () => {
    await expectInvalid(world.a.getUser({}), "user_id");
    await expectInvalid(world.a.getUserByUsername({}), "username");
    await expectInvalid(world.a.getUserByEmail({}), "email");
    await expectInvalid(world.a.createUser({}), "user");
  });

  it("answers a missing user with NotFoundError, as NotFoundError", async () => {
    const error = await failureOf(world.a.getUser({ userId: "u404" }));
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error.id).toBe("store.user.not_found");
    expect(error.message).toContain("u404");
  });

  it("pages users with a default of 60 per page, a maximum of 200, and no negative pages", async () => {
    for (let i = 0; i < 201; i++) {
      await newUser(`user${String(i).padStart(3, "0")}`);
    }
    expect((await world.a.getUsers({})).users).toHaveLength(60);
    expect((await world.a.getUsers({ paging: { perPage: 1000 } })).users).toHaveLength(200);
    const second = await world.a.getUsers({ paging: { page: 1, perPage: 200 } });
    expect(second.users.map((user) => user.username)).toEqual(["user200"]);
    await expectInvalid(world.a.getUsers({ paging: { page: -1 } }), "paging.page");
    await expectInvalid(world.a.getUsers({ paging: { perPage: -5 } }), "paging.per_page");
  });

  it("filters users by team, channel and state", async () => {
    const [alice, bob, carol] = [
      await newUser("alice"),
      await newUser("bob"),
      await newUser("carol"),
    ];
    const team = await newTeam("core");
    const channel = await newChannel(team, "general");
    await world.store.addTeamMember(team.id, alice.id);
    await world.store.addTeamMember(team.id, bob.id);
    await world.store.addChannelMember(channel.id, bob.id);
    await world.store.deactivateUser(alice.id);
    const names = async (request: Parameters<typeof world.a.getUsers>[0]) =>
      (await world.a.getUsers(request)).users.map((user) => user.username);
    expect(await names({ inTeamId: team.id })).toEqual(["alice", "bob"]);
    expect(await names({ inTeamId: team.id, activeOnly: true })).toEqual(["bob"]);
    expect(await names({ inactiveOnly: true })).toEqual(["alice"]);
    expect(await names({ inChannelId: channel.id })).toEqual(["bob"]);
    expect(await names({ activeOnly: true })).toEqual(["bob", "carol"]);
    await expectInvalid(
      world.a.getUsers({ activeOnly: true, inactiveOnly: true }),
      "inactive_only",
    );
    expect(carol.username).toBe("carol");
  });

  it("gives users by ids in the order asked for", async () => {
    const [alice, bob] = [await newUser("alice"), await newUser("bob")];
    const { users } = await world.a.getUsersByIds({ userIds: [bob.id, "nobody", alice.id] });
    expect(users.map((user) => user.username)).toEqual(["bob", "alice"]);
  });

  it("updates a profile in the store and deactivates through the app", async () => {
    const alice = await newUser("alice");
    const { user } = await world.a.updateUser({ user: { ...alice, nickname: "Al" } });
    expect(user?.nickname).toBe("Al");
    expect((await world.store.getUser(alice.id)).nickname).toBe("Al");
    await expectInvalid(world.a.updateUser({ user: { username: "x" } }), "user.id");

    world.time += 1000;
    await world.a.deactivateUser({ userId: alice.id });
    expect(callsOf("deactivateUser")[0]).toMatchObject({
      actor: { pluginId: PLUGIN_A },
      args: [alice.id],
    });
    expect((await world.store.getUser(alice.id)).deleteAt).toBe(BigInt(world.time));
    await expectInvalid(world.a.deactivateUser({}), "user_id");
  });

  it("reports a taken username as AlreadyExistsError naming the field", async () => {
    await newUser("alice");
    const error = await failureOf(world.a.createUser({ user: { username: "alice" } }));
    expect(error).toBeInstanceOf(AlreadyExistsError);
    expect(error.params.field).toBe("username");
  });
});

describe("teams", () => {
  it("creates a team in the store and finds it by id, by name and in the list", async () => {
    const { team } = await world.a.createTeam({
      team: { id: "ignored", name: "core", displayName: "Core" },
    });
    expect(team?.id).toHaveLength(26);
    expect((await world.a.getTeam({ teamId: team?.id })).team?.displayName).toBe("Core");
    expect((await world.a.getTeamByName({ name: "core" })).team?.id).toBe(team?.id);
    expect((await world.a.getTeams({})).teams.map((t) => t.name)).toEqual(["core"]);
    await expectInvalid(world.a.createTeam({}), "team");
    await expectInvalid(world.a.getTeam({}), "team_id");
    await expectInvalid(world.a.getTeamByName({}), "name");
  });

  it("adds and removes members through the app, reporting the requestor as the actor", async () => {
    const team = await newTeam("core");
    const [alice, admin] = [await newUser("alice"), await newUser("admin")];
    const { member } = await world.a.addTeamMember({ teamId: team.id, userId: alice.id });
    expect(member).toMatchObject({ teamId: team.id, userId: alice.id, deleteAt: 0n });
    expect(
      (await world.a.getTeamMembers({ teamId: team.id })).members.map((m) => m.userId),
    ).toEqual([alice.id]);

    await world.a.removeTeamMember({ teamId: team.id, userId: alice.id, requestorId: admin.id });
    expect(callsOf("removeTeamMember")).toEqual([
      {
        operation: "removeTeamMember",
        actor: { pluginId: PLUGIN_A, userId: admin.id },
        args: [team.id, alice.id],
      },
    ]);
    expect(callsOf("addTeamMember")[0]?.actor).toEqual({ pluginId: PLUGIN_A });
    expect((await world.a.getTeamMembers({ teamId: team.id })).members).toEqual([]);
    await expectInvalid(world.a.addTeamMember({ teamId: team.id }), "user_id");
    await expectInvalid(world.a.getTeamMembers({}), "team_id");
  });
});

describe("channels", () => {
  it("creates a channel through the app and reads it by id and by name", async () => {
    const team = await newTeam("core");
    const { channel } = await world.a.createChannel({
      channel: { teamId: team.id, name: "general", type: "O", totalMsgCount: 99n },
    });
    expect(channel).toMatchObject({ name: "general", totalMsgCount: 0n });
    expect(callsOf("createChannel")[0]?.actor).toEqual({ pluginId: PLUGIN_A });
    expect((await world.a.getChannel({ channelId: channel?.id })).channel?.name).toBe("general");
    expect((await world.a.getChannelByName({ teamId: team.id, name: "general" })).channel?.id).toBe(
      channel?.id,
    );
    await expectInvalid(world.a.getChannelByName({ teamId: team.id }), "name");
    await expectInvalid(world.a.createChannel({}), "channel");
  });

  it("updates and archives a channel in the store", async () => {
    const channel = await newChannel(await newTeam("core"), "general");
    const { channel: updated } = await world.a.updateChannel({
      channel: { ...channel, header: "Welcome", name: "lobby" },
    });
    expect(updated).toMatchObject({ header: "Welcome", name: "lobby" });
    await world.a.deleteChannel({ channelId: channel.id });
    expect((await world.store.getChannel(channel.id)).deleteAt).toBe(BigInt(START));
    const archived = await failureOf(
      world.a.getChannelByName({ teamId: channel.teamId, name: "lobby" }),
    );
    expect(archived).toBeInstanceOf(NotFoundError);
    expect(
      (
        await world.a.getChannelByName({
          teamId: channel.teamId,
          name: "lobby",
          includeDeleted: true,
        })
      ).channel?.id,
    ).toBe(channel.id);
    await expectInvalid(world.a.updateChannel({ channel: { name: "x" } }), "channel.id");
    await expectInvalid(world.a.deleteChannel({}), "channel_id");
  });

  it("adds and removes channel members through the app", async () => {
    const channel = await newChannel(await newTeam("core"), "general");
    const alice = await newUser("alice");
    const { member } = await world.a.addChannelMember({ channelId: channel.id, userId: alice.id });
    expect(member).toMatchObject({ channelId: channel.id, userId: alice.id });
    const { members } = await world.a.getChannelMembers({ channelId: channel.id });
    expect(members.map((m) => m.userId)).toEqual([alice.id]);
    await world.a.removeChannelMember({ channelId: channel.id, userId: alice.id });
    expect(callsOf("removeChannelMember")[0]).toMatchObject({
      actor: { pluginId: PLUGIN_A },
      args: [channel.id, alice.id],
    });
    expect((await world.a.getChannelMembers({ channelId: channel.id })).members).toEqual([]);
    await expectInvalid(world.a.removeChannelMember({ channelId: channel.id }), "user_id");
  });

  it("gives the direct channel of two users, the same one whichever way asked", async () => {
    const [alice, bob] = [await newUser("alice"), await newUser("bob")];
    const { channel } = await world.a.getDirectChannel({ userId1: alice.id, userId2: bob.id });
    expect(channel?.type).toBe("D");
    expect(
      (await world.a.getDirectChannel({ userId1: bob.id, userId2: alice.id })).channel?.id,
    ).toBe(channel?.id);
    await expectInvalid(world.a.getDirectChannel({ userId1: alice.id }), "user_id_2");
  });
});

describe("posts", () => {
  let channel: Channel;
  let author: User;
  beforeEach(async () => {
    channel = await newChannel(await newTeam("core"), "general");
    author = await newUser("author");
  });

  it("creates posts through the app, with props kept exactly and counters left to the host", async () => {
    const props = { attachments: [{ text: "x", fields: [{ short: true }] }], from_plugin: true };
    const { post } = await world.a.createPost({
      post: { channelId: channel.id, userId: author.id, message: "hello", props, replyCount: 7n },
    });
    expect(post).toMatchObject({ message: "hello", props, replyCount: 0n });
    expect(callsOf("createPost")[0]?.actor).toEqual({ pluginId: PLUGIN_A });
    expect((await world.a.getPost({ postId: post?.id })).post?.props).toEqual(props);
    await expectInvalid(world.a.createPost({ post: { userId: author.id } }), "post.channel_id");
    await expectInvalid(world.a.createPost({ post: { channelId: channel.id } }), "post.user_id");
  });

  it("lists a channel's posts newest first, and updates and deletes through the app", async () => {
    const ids: string[] = [];
    for (const message of ["one", "two", "three"]) {
      world.time += 1000;
      const { post } = await world.a.createPost({
        post: { channelId: channel.id, userId: author.id, message },
      });
      ids.push(post?.id ?? "");
    }
    const list = async () =>
      (await world.a.getPostsForChannel({ channelId: channel.id })).posts.map((p) => p.message);
    expect(await list()).toEqual(["three", "two", "one"]);

    const { post } = await world.a.updatePost({ post: { id: ids[0], message: "uno" } });
    expect(post?.message).toBe("uno");
    expect(callsOf("updatePost")[0]?.actor).toEqual({ pluginId: PLUGIN_A });
    await world.a.deletePost({ postId: ids[1] });
    expect(callsOf("deletePost")[0]?.args).toEqual([ids[1]]);
    expect(await list()).toEqual(["three", "uno"]);
    await expectInvalid(world.a.updatePost({ post: { message: "x" } }), "post.id");
    await expectInvalid(world.a.getPostsForChannel({}), "channel_id");
  });

  it("delivers an ephemeral post through the app without storing it", async () => {
    const { post } = await world.a.sendEphemeralPost({
      userId: author.id,
      post: { channelId: channel.id, message: "only you" },
    });
    expect(post).toMatchObject({ message: "only you", type: "system_ephemeral" });
    expect(callsOf("sendEphemeralPost")[0]).toMatchObject({ actor: { pluginId: PLUGIN_A } });
    expect(callsOf("sendEphemeralPost")[0]?.args[0]).toBe(author.id);
    await expect(world.a.getPost({ postId: post?.id })).rejects.toBeInstanceOf(NotFoundError);
    await expectInvalid(world.a.sendEphemeralPost({ post: { channelId: channel.id } }), "user_id");
    await expectInvalid(
      world.a.sendEphemeralPost({ userId: author.id, post: {} }),
      "post.channel_id",
    );
  });
});

describe("authentication", () => {
  it("refuses a client with another plugin's token or none", async () => {
    const socketPath = join(world.dir, "a.sock");
    for (const authorization of ["Bearer token-b", undefined]) {
      const connection = connectPluginApi(socketPath, authorization);
      world.connections.push(connection);
      await expect(connection.client.kVGet({ key: "k" })).rejects.toBeInstanceOf(
        UnauthenticatedError,
      );
    }
  });
});

describe("coverage", () => {
  it("calls every PluginAPI method in the PluginAPI service specs (rpc/plugin-api-*.spec.ts)", async () => {
    const folder = new URL(".", import.meta.url);
    const names = (await readdir(folder)).filter((name) => /^plugin-api-.*\.spec\.ts$/.test(name));
    const specs = await Promise.all(names.map((name) => readFile(new URL(name, folder), "utf8")));
    const source = specs.join("\n");
    const methods = PluginAPI.methods.map((method) => method.localName);
    expect(methods.filter((method) => !source.includes(`.${method}(`))).toEqual([]);
  });
});

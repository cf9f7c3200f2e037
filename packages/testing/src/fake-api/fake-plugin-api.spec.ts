// The fake backend behaves as the host does, because it is the host's code: these cases pin
// the semantics plugin tests lean on most, through the same API client a plugin uses.
import { NotFoundError, ValidationError } from "@plugwire/errors";
import { POST_REJECTED_ID } from "@plugwire/host";
import { allow, definePlugin, modify, PluginAPIClient, type Post, reject } from "@plugwire/sdk";
import { afterEach, describe, expect, it } from "vitest";
import { makeChannel, makeTeam, makeUser } from "../builders.js";
import { createPluginHarness, type PluginHarness } from "../harness/plugin-harness.js";
import { createFakePluginAPI, type FakePluginAPI } from "./fake-plugin-api.js";

const bytes = (text: string) => new TextEncoder().encode(text);
const text = (value: Uint8Array | undefined) =>
  value === undefined ? undefined : new TextDecoder().decode(value);

let fake: FakePluginAPI | undefined;
let harness: PluginHarness | undefined;
afterEach(async () => {
  await fake?.close();
  await harness?.close();
  fake = harness = undefined;
});

describe("permissions and roles", () => {
  it("answer from the host's built-in roles, and role changes count at once", async () => {
    const user = makeUser({ username: "ann" });
    fake = await createFakePluginAPI({ fixtures: { users: [user] } });
    const api = fake.client();
    expect(await api.hasPermissionTo(user.id, "manage_system")).toBe(false);
    expect(await api.rolesGrantPermission(["system_user"], "create_team")).toBe(true);
    await api.updateUserRoles(user.id, "system_user system_admin");
    expect(await api.hasPermissionTo(user.id, "manage_system")).toBe(true);
    expect((await fake.store.getUser(user.id)).roles).toBe("system_user system_admin");
  });
});

describe("server configuration", () => {
  it("is the host's: sanitised for GetConfig, saved by SaveConfig, fixed settings kept", async () => {
    fake = await createFakePluginAPI({
      serverConfig: { ServiceSettings: { SiteURL: "https://chat.test" } },
    });
    const api = fake.client();
    const config = await api.getUnsanitizedConfig();
    const email = config.EmailSettings as Record<string, unknown>;
    await api.saveConfig({ ...config, EmailSettings: { ...email, SMTPPassword: "pw" } });

    const sanitized = await api.getConfig();
    expect(sanitized.ServiceSettings).toMatchObject({ SiteURL: "https://chat.test" });
    expect(sanitized.EmailSettings).toMatchObject({ SMTPPassword: "********" });
    expect((await api.getUnsanitizedConfig()).EmailSettings).toMatchObject({ SMTPPassword: "pw" });
    await expect(
      api.saveConfig({ ...config, ServiceSettings: { SiteURL: "https://other.test" } }),
    ).rejects.toThrow(/SiteURL can't be changed/);
  });
});

describe("KV compare-and-set", () => {
  it("writes only when the current value is the expected one", async () => {
    fake = await createFakePluginAPI();
    const api = fake.client();
    await api.kvSet("counter", bytes("1"));
    expect(
      await api.kvSetWithOptions("counter", bytes("2"), { atomic: true, oldValue: bytes("0") }),
    ).toBe(false);
    expect(text(await api.kvGet("counter"))).toBe("1");
    expect(
      await api.kvSetWithOptions("counter", bytes("2"), { atomic: true, oldValue: bytes("1") }),
    ).toBe(true);
    expect(text(await api.kvGet("counter"))).toBe("2");
  });

  it("without oldValue, writes only when the key is absent", async () => {
    fake = await createFakePluginAPI();
    const api = fake.client();
    expect(await api.kvSetWithOptions("lock", bytes("me"), { atomic: true })).toBe(true);
    expect(await api.kvSetWithOptions("lock", bytes("you"), { atomic: true })).toBe(false);
    expect(text(await api.kvGet("lock"))).toBe("me");
  });
});

describe("files", () => {
  it("take resumable uploads, list and copy records, and link files of posts", async () => {
    const user = makeUser({ username: "ann" });
    const team = makeTeam({ name: "t" });
    const channel = makeChannel({ teamId: team.id, name: "c" });
    fake = await createFakePluginAPI({
      fixtures: { users: [user], teams: [team], channels: [channel] },
      publicLinkSalt: "0123456789abcdefghijklmnopqrstuv",
      serverConfig: { ServiceSettings: { SiteURL: "https://chat.test" } },
    });
    const api = new PluginAPIClient(fake.transport());
    const session = await api.createUploadSession({
      userId: user.id,
      channelId: channel.id,
      filename: "notes.txt",
      fileSize: 5,
    });
    const info = await api.uploadData(session, bytes("hello"));
    expect(info).toMatchObject({ name: "notes.txt", size: 5, creatorId: user.id });
    expect(text(await api.readFile(info?.path ?? ""))).toBe("hello");
    fake.clock.advance(1000);
    const [copyId] = await api.copyFileInfos(user.id, [info?.id ?? ""]);
    expect((await api.getFileInfos(0, 10)).map((file) => file.id)).toEqual([info?.id, copyId]);
    await api.createPost({ channelId: channel.id, userId: user.id, fileIds: [copyId ?? ""] });
    expect(await api.getFileLink(copyId ?? "")).toMatch(
      new RegExp(`^https://chat\\.test/files/${copyId}/public\\?h=`),
    );
    expect(fake.callsTo("UploadData")).toHaveLength(1);
  });
});

describe("KV expiry under fake time", () => {
  it("keeps a key until its expiry and drops it from reads and lists after", async () => {
    fake = await createFakePluginAPI({ startTime: new Date("2026-01-01T00:00:00Z") });
    const api = fake.client();
    await api.kvSet("session", bytes("x"), { expireInSeconds: 60 });
    await api.kvSet("forever", bytes("y"));

    fake.clock.advance(59_999);
    expect(text(await api.kvGet("session"))).toBe("x");

    fake.clock.advance(1);
    expect(await api.kvGet("session")).toBeUndefined();
    expect(await api.kvList()).toEqual(["forever"]);
  });

  it("treats an expired key as absent for compare-and-set", async () => {
    fake = await createFakePluginAPI();
    const api = fake.client();
    await api.kvSet("lock", bytes("old"), { expireInSeconds: 1 });
    fake.clock.advance(1_000);
    expect(await api.kvSetWithOptions("lock", bytes("new"), { atomic: true })).toBe(true);
  });

  it("stamps rows with the fake time", async () => {
    const start = new Date("2026-01-01T00:00:00Z");
    fake = await createFakePluginAPI({ startTime: start });
    const team = await fake.client().createTeam({ name: "core", displayName: "Core", type: "O" });
    expect(team.createAt).toBe(start.getTime());
  });
});

describe("KV namespacing", () => {
  it("keeps each plugin's keys apart", async () => {
    fake = await createFakePluginAPI();
    const mine = fake.client("com.example.mine");
    const theirs = fake.client("com.example.theirs");
    await mine.kvSet("shared-name", bytes("mine"));
    await theirs.kvSet("shared-name", bytes("theirs"));

    expect(text(await mine.kvGet("shared-name"))).toBe("mine");
    await theirs.kvDeleteAll();
    expect(text(await mine.kvGet("shared-name"))).toBe("mine");
    expect(await theirs.kvList()).toEqual([]);
  });

  it("seeds fixture keys into the plugin under test's namespace, JSON unless given bytes", async () => {
    fake = await createFakePluginAPI({
      pluginId: "com.example.mine",
      fixtures: { kv: { settings: { theme: "dark" }, raw: bytes("as is") } },
    });
    expect(await fake.client().kvGetJSON("settings")).toEqual({ theme: "dark" });
    expect(text(await fake.client().kvGet("raw"))).toBe("as is");
    expect(await fake.client("com.example.other").kvGet("settings")).toBeUndefined();
  });
});

describe("CreatePost runs the hooks of the active plugin", () => {
  const author = makeUser({ username: "alice" });
  const team = makeTeam();
  const channel = makeChannel({ teamId: team.id });
  const fixtures = { users: [author], teams: [team], channels: [channel] };
  const Moderator = definePlugin({
    MessageWillBePosted(_ctx, post: Post) {
      if (post.message.includes("spam")) return reject("no spam");
      if (post.message.includes("shout"))
        return modify({ ...post, message: post.message.toUpperCase() });
      return allow();
    },
  });

  it("rejects the plugin's own post with the host's error when its MessageWillBePosted rejects", async () => {
    harness = await createPluginHarness(Moderator, { fixtures });
    await harness.activate();
    const post = harness.plugin.api.createPost({
      channelId: channel.id,
      userId: author.id,
      message: "buy spam",
    });
    await expect(post).rejects.toBeInstanceOf(ValidationError);
    await expect(post).rejects.toMatchObject({ id: POST_REJECTED_ID });
    expect(
      await harness.api.store.getPostsForChannel(channel.id, { page: 0, perPage: 10 }),
    ).toEqual([]);
  });

  it("stores the post as the plugin modified it", async () => {
    harness = await createPluginHarness(Moderator, { fixtures });
    await harness.activate();
    const stored = await harness.plugin.api.createPost({
      channelId: channel.id,
      userId: author.id,
      message: "shout this",
    });
    expect(stored.message).toBe("SHOUT THIS");
  });

  it("fires no hook at a plugin that is not active, as the host would not", async () => {
    harness = await createPluginHarness(Moderator, { fixtures });
    const stored = await harness.plugin.api.createPost({
      channelId: channel.id,
      userId: author.id,
      message: "buy spam",
    });
    expect(stored.message).toBe("buy spam");
  });
});

describe("reactions, preferences and statuses", () => {
  it("come along with the host's service, hooks included", async () => {
    const author = makeUser({ username: "alice" });
    const team = makeTeam();
    const channel = makeChannel({ teamId: team.id });
    const seen: string[] = [];
    const Watcher = definePlugin({
      ReactionHasBeenAdded(_ctx, reaction) {
        seen.push(`reacted ${reaction.emojiName}`);
      },
      PreferencesHaveChanged(_ctx, preferences) {
        seen.push(`preferences ${preferences.map((p) => p.name).join()}`);
      },
    });
    harness = await createPluginHarness(Watcher, {
      fixtures: { users: [author], teams: [team], channels: [channel] },
    });
    await harness.activate();
    const { api } = harness.plugin;
    const post = await api.createPost({ channelId: channel.id, userId: author.id, message: "hi" });
    await api.addReaction({ userId: author.id, postId: post.id, emojiName: "smile" });
    expect((await api.getReactions(post.id)).map((r) => r.emojiName)).toEqual(["smile"]);
    await api.updatePreferencesForUser(author.id, [
      { userId: author.id, category: "display_settings", name: "use_military_time", value: "true" },
    ]);
    expect(
      (await api.getPreferenceForUser(author.id, "display_settings", "use_military_time")).value,
    ).toBe("true");
    expect((await api.updateUserStatus(author.id, "dnd")).status).toBe("dnd");
    expect((await api.getUserStatus(author.id)).manual).toBe(true);
    await harness.api.app.settled();
    expect(seen).toEqual(["reacted smile", "preferences use_military_time"]);
  });
});

describe("slash commands and dialogs", () => {
  it("run the plugin's command for another plugin's ExecuteSlashCommand, whose trigger id opens a dialog", async () => {
    const user = makeUser({ username: "dora" });
    const team = makeTeam();
    const channel = makeChannel({ teamId: team.id });
    const Forms = definePlugin({
      async OnActivate() {
        await this.api.registerCommand({ trigger: "form", autoComplete: true });
      },
      async ExecuteCommand(_ctx, args) {
        await this.api.openInteractiveDialog({
          triggerId: args.triggerId,
          url: "/plugins/com.example.plugin/submit",
          dialog: {
            title: "A form",
            elements: [{ displayName: "Name", name: "name", type: "text", maxLength: 10 }],
          },
        });
        return { responseType: "ephemeral", text: "opened" };
      },
    });
    harness = await createPluginHarness(Forms, {
      fixtures: {
        users: [user],
        teams: [team],
        channels: [channel],
        teamMembers: [{ teamId: team.id, userId: user.id }],
        channelMembers: [{ channelId: channel.id, userId: user.id }],
      },
    });
    await harness.activate();
    const opened: string[] = [];
    harness.api.app.subscribe({ dialogOpened: (userId) => opened.push(userId) });
    const other = harness.api.client("com.example.other");
    const response = await other.executeSlashCommand({
      userId: user.id,
      channelId: channel.id,
      command: "/form",
    });
    expect(response.text).toBe("opened");
    expect(opened).toEqual([user.id]);
    expect((await other.listPluginCommands(team.id)).map((c) => c.trigger)).toEqual(["form"]);
    expect(await other.listBuiltInCommands()).toEqual([]);
    const custom = await other.createCommand({
      teamId: team.id,
      trigger: "deploy",
      method: "P",
      url: "/plugins/com.example.other/deploy",
    });
    expect((await other.getCommand(custom.id)).pluginId).toBe("com.example.other");
    expect((await other.listCommands(team.id)).map((c) => c.trigger)).toEqual(["deploy", "form"]);
  });
});

describe("bots, sessions, tokens and the audit log", () => {
  it("come along with the host's service: a bot posts as itself, a token opens a session", async () => {
    const owner = makeUser({ username: "ann" });
    const team = makeTeam();
    const channel = makeChannel({ teamId: team.id });
    fake = await createFakePluginAPI({
      fixtures: { users: [owner], teams: [team], channels: [channel] },
    });
    const api = fake.client();
    const bot = await api.createBot({ username: "helper", displayName: "Helper" });
    expect(bot).toMatchObject({ username: "helper", ownerId: fake.pluginId });
    expect((await api.getBots()).map((b) => b.userId)).toEqual([bot.userId]);
    await fake.app.addTeamMember({}, team.id, bot.userId);
    await fake.app.addChannelMember({}, channel.id, bot.userId);
    const post = await api.createPost({ channelId: channel.id, userId: bot.userId, message: "hi" });
    expect((await api.getUser(post.userId)).isBot).toBe(true);
    expect((await api.updateBotActive(bot.userId, false)).deleteAt).toBe(fake.clock.now());

    const token = await api.createUserAccessToken({ userId: owner.id, description: "CI" });
    expect((await fake.app.authenticate(token.token))?.user.id).toBe(owner.id);
    await api.revokeUserAccessToken(token.id);
    expect(await fake.app.authenticate(token.token)).toBeUndefined();

    await api.logAuditRec({ eventName: "export", status: "success" });
    expect((await fake.app.getAudits({ page: 0, perPage: 10 }))[0]?.action).toBe("export");
  });
});

describe("groups", () => {
  it("are the host's, recorded like every call", async () => {
    const alice = makeUser({ username: "alice" });
    fake = await createFakePluginAPI({ fixtures: { users: [alice] } });
    const api = new PluginAPIClient(fake.transport());
    const group = await api.createGroup({
      name: "crew",
      displayName: "Crew",
      source: "plugin_sync",
      remoteId: "crew-1",
      allowReference: true,
    });
    await api.upsertGroupMember(group.id, alice.id);
    expect((await api.getGroupsForUser(alice.id)).map((g) => g.name)).toEqual(["crew"]);
    expect((await api.getGroupMemberUsers(group.id)).map((u) => u.username)).toEqual(["alice"]);
    expect(fake.callsTo("UpsertGroupMember")[0]?.request.userId).toBe(alice.id);
    await expect(api.getGroupByRemoteID("crew-1", "ldap")).rejects.toBeInstanceOf(NotFoundError);
    await expect(
      api.createGroup({ displayName: "Crew", source: "plugin_sync" }),
    ).rejects.toBeInstanceOf(ValidationError);
  });
});

describe("users' sign-in", () => {
  it("UpdateUserAuth is the host's: the password goes with the move to another service", async () => {
    const user = makeUser({ username: "ann" });
    fake = await createFakePluginAPI({ fixtures: { users: [user] } });
    await fake.store.setPasswordHash(user.id, "scrypt$x");
    const api = fake.client();
    expect(
      await api.updateUserAuth(user.id, { authService: "gitlab", authData: "ann-1" }),
    ).toMatchObject({
      authService: "gitlab",
      authData: "ann-1",
    });
    expect((await api.getUser(user.id)).authService).toBe("gitlab");
    expect(await fake.store.getPasswordHash(user.id)).toBeUndefined();
    await expect(api.updateUserAuth(user.id, { authData: "no-service" })).rejects.toBeInstanceOf(
      ValidationError,
    );
  });
});

describe("default memberships of linked groups", () => {
  it("CreateDefaultSyncableMemberships is the host's: group members join the linked team and channel", async () => {
    const ann = makeUser({ username: "ann" });
    const team = makeTeam({ name: "t" });
    const channel = makeChannel({ teamId: team.id, name: "town" });
    fake = await createFakePluginAPI({
      fixtures: { users: [ann], teams: [team], channels: [channel] },
    });
    const api = fake.client();
    const group = await api.createGroup({ displayName: "Devs", source: "plugin_x", remoteId: "d" });
    await api.upsertGroupMember(group.id, ann.id);
    await api.upsertGroupSyncable({
      groupId: group.id,
      syncableId: channel.id,
      type: "channel",
      autoAdd: true,
    });
    await api.createDefaultSyncableMemberships({ since: 0 });
    expect(await api.getTeamMember(team.id, ann.id)).toMatchObject({ userId: ann.id });
    expect(await api.getChannelMember(channel.id, ann.id)).toMatchObject({ userId: ann.id });
  });
});

describe("custom emoji", () => {
  it("a plugin reads the emoji made through the host's app, images from the fake's file store", async () => {
    const ann = makeUser({ username: "ann" });
    fake = await createFakePluginAPI({ fixtures: { users: [ann] } });
    const png = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0]);
    const made = await fake.app.createEmoji({}, ann.id, "shipit", png);
    const api = new PluginAPIClient(fake.transport());
    expect(await api.getEmojiByName("shipit")).toMatchObject({ id: made.id, creatorId: ann.id });
    expect((await api.getEmoji(made.id)).createAt).toBe(fake.clock.now());
    expect(await api.getEmojiImage(made.id)).toEqual({ image: png, imageType: "png" });
    expect((await api.getEmojiList("name")).map((e) => e.name)).toEqual(["shipit"]);
    expect(fake.callsTo("GetEmojiByName")[0]?.request.name).toBe("shipit");
    await expect(api.getEmojiByName("nope")).rejects.toBeInstanceOf(NotFoundError);
    await expect(api.getEmojiList("age")).rejects.toBeInstanceOf(ValidationError);
  });
});

describe("OAuth apps", () => {
  it("are the host's records: registered with a secret, changed, removed", async () => {
    const ann = makeUser({ username: "ann" });
    fake = await createFakePluginAPI({ fixtures: { users: [ann] } });
    const api = new PluginAPIClient(fake.transport());
    const app = await api.createOAuthApp({
      creatorId: ann.id,
      name: "Ticketing",
      callbackUrls: ["https://tickets.example.com/cb"],
      homepage: "https://tickets.example.com",
    });
    expect(app).toMatchObject({ creatorId: ann.id, createAt: fake.clock.now() });
    expect(app.clientSecret).toHaveLength(26);
    expect((await api.updateOAuthApp({ ...app, name: "Tickets" })).name).toBe("Tickets");
    expect(fake.callsTo("CreateOAuthApp")[0]?.request.app?.name).toBe("Ticketing");
    await api.deleteOAuthApp(app.id);
    await expect(api.getOAuthApp(app.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(
      api.createOAuthApp({ creatorId: ann.id, name: "No callbacks", homepage: "https://x.io" }),
    ).rejects.toBeInstanceOf(ValidationError);
  });
});

describe("errors", () => {
  it("arrive as the class the host threw, with its fields", async () => {
    fake = await createFakePluginAPI();
    const lookup = fake.client().getUser("nobody-has-this-id-00000000");
    await expect(lookup).rejects.toBeInstanceOf(NotFoundError);
    await expect(lookup).rejects.toMatchObject({ statusCode: 404 });
  });

  it("are recorded with the call that failed", async () => {
    harness = await createPluginHarness(definePlugin({}));
    await expect(harness.plugin.api.getUserByUsername("ghost")).rejects.toBeInstanceOf(
      NotFoundError,
    );
    const [call] = harness.api.callsTo("GetUserByUsername");
    expect(call?.request.username).toBe("ghost");
    expect(call?.error).toBeInstanceOf(NotFoundError);
    expect(call?.response).toBeUndefined();
  });

  it("refuse a request the host refuses, e.g. an empty KV key", async () => {
    fake = await createFakePluginAPI();
    await expect(fake.client().kvSet("", bytes("x"))).rejects.toBeInstanceOf(ValidationError);
  });
});

describe("websocket events", () => {
  it("records what a plugin publishes, and refuses what JSON can't carry", async () => {
    fake = await createFakePluginAPI();
    const api = new PluginAPIClient(fake.transport());
    await api.publishWebSocketEvent("refresh", { n: 1 }, { userId: "u1" });
    expect(fake.callsTo("PublishWebSocketEvent")[0]?.request).toMatchObject({
      event: "refresh",
      payload: { n: 1 },
      broadcast: { userId: "u1" },
    });
    await expect(api.publishWebSocketEvent("", {})).rejects.toBeInstanceOf(ValidationError);
    await expect(api.publishUserTyping("nobody", "nochannel")).rejects.toBeInstanceOf(
      NotFoundError,
    );
  });
});

describe("teams and channels", () => {
  it("adds team members gracefully, each failure as its error class, and patches memberships", async () => {
    const user = makeUser({ username: "ann" });
    const team = makeTeam({ name: "crew" });
    const channel = makeChannel({ teamId: team.id, name: "town" });
    fake = await createFakePluginAPI({
      fixtures: { users: [user], teams: [team], channels: [channel] },
    });
    const api = fake.client();
    const [added, missing] = await api.createTeamMembersGracefully(team.id, [user.id, "ghost"]);
    expect(added).toEqual({
      userId: user.id,
      member: expect.objectContaining({ teamId: team.id }),
    });
    expect(missing?.error).toBeInstanceOf(NotFoundError);
    expect(missing?.member).toBeUndefined();

    await api.addChannelMember(channel.id, user.id);
    await api.patchChannelMembersNotifications([{ channelId: channel.id, userId: user.id }], {
      mark_unread: "mention",
    });
    expect((await api.getChannelMember(channel.id, user.id)).notifyProps.mark_unread).toBe(
      "mention",
    );
    await expect(
      api.patchChannelMembersNotifications([{ channelId: channel.id, userId: user.id }], {
        push: "loud",
      }),
    ).rejects.toBeInstanceOf(ValidationError);

    await api.deleteChannel(channel.id);
    await api.restoreChannel(channel.id);
    expect((await api.getChannelOfType(channel.id, "O")).deleteAt).toBe(0);
    await expect(api.getChannelOfType(channel.id, "P")).rejects.toBeInstanceOf(NotFoundError);
    await api.removeTeamIcon(team.id);

    const work = await api.createChannelSidebarCategory(user.id, team.id, {
      displayName: "Work",
      channelIds: [channel.id],
    });
    expect(work).toMatchObject({ type: "custom", channelIds: [channel.id], sortOrder: 10 });
    const [saved] = await api.updateChannelSidebarCategories(user.id, team.id, [
      { ...work, collapsed: true },
    ]);
    expect(saved?.collapsed).toBe(true);
    const recorded = new PluginAPIClient(fake.transport());
    await recorded.sendToastMessage(user.id, "", "Done", { position: "top-center" });
    expect(fake.callsTo("SendToastMessage")[0]?.request).toMatchObject({
      userId: user.id,
      message: "Done",
      position: "top-center",
    });
  });
});

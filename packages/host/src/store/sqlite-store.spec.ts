import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { create, type DescMessage, equals, type MessageShape } from "@bufbuild/protobuf";
import { AlreadyExistsError, NotFoundError, ValidationError } from "@plugwire/errors";
import {
  type Channel,
  ChannelMemberSchema,
  ChannelSchema,
  CommandSchema,
  FileInfoSchema,
  type Post,
  PostSchema,
  type Team,
  TeamMemberSchema,
  TeamSchema,
  type User,
  UserSchema,
} from "@plugwire/protocol";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openSqliteStore } from "./sqlite-store.js";
import type { Store } from "./store.js";
import { filledMessage } from "./test-fixtures/filled-message.js";

const START = 1_700_000_000_000;
const page = (perPage = 60, pageNumber = 0) => ({ page: pageNumber, perPage });
const bytes = (...values: number[]) => new Uint8Array(values);

let dir: string;
let time: number;
const clock = () => time;
const opened: Store[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "plugwire-store-"));
  time = START;
});
afterEach(async () => {
  await Promise.all(opened.splice(0).map((store) => store.close()));
  await rm(dir, { recursive: true, force: true });
});

async function openAt(path: string): Promise<Store> {
  const store = await openSqliteStore({ path, now: clock });
  opened.push(store);
  return store;
}

function expectEqualMessages<Desc extends DescMessage>(
  schema: Desc,
  actual: MessageShape<Desc> | undefined,
  expected: MessageShape<Desc>,
): void {
  expect(actual).toBeDefined();
  // toEqual first for a readable diff, then protobuf equality as the real criterion.
  expect(actual).toEqual(expected);
  expect(equals(schema, actual as MessageShape<Desc>, expected)).toBe(true);
}

describe.each([
  ["a database file", () => join(dir, "plugwire.db")],
  ["an in-memory database", () => ":memory:"],
])("SqliteStore on %s", (_where, pathOf) => {
  let store: Store;
  beforeEach(async () => {
    store = await openAt(pathOf());
  });

  const newUser = (username: string, init: Omit<Partial<User>, "$typeName"> = {}) =>
    store.createUser(create(UserSchema, { username, email: `${username}@example.com`, ...init }));
  const newTeam = (name: string) => store.createTeam(create(TeamSchema, { name, type: "O" }));
  const newChannel = (team: Team, name: string, init: Omit<Partial<Channel>, "$typeName"> = {}) =>
    store.createChannel(create(ChannelSchema, { teamId: team.id, name, type: "O", ...init }));
  const newPost = (channel: Channel, user: User, init: Omit<Partial<Post>, "$typeName"> = {}) =>
    store.createPost(
      create(PostSchema, { channelId: channel.id, userId: user.id, message: "hi", ...init }),
    );

  describe("users", () => {
    it("stores every field of a user and gives the same user back by id, username and e-mail", async () => {
      const user = filledMessage(UserSchema);
      const created = await store.createUser(user, "hash");
      expectEqualMessages(UserSchema, created, user);
      expectEqualMessages(UserSchema, await store.getUser(user.id), user);
      expectEqualMessages(UserSchema, await store.getUserByUsername(user.username), user);
      expectEqualMessages(UserSchema, await store.getUserByEmail(user.email), user);
    });

    it("assigns a 26-character id and the creation time when they are empty", async () => {
      const user = await newUser("alice");
      expect(user.id).toMatch(/^[a-z0-9]{26}$/);
      expect(user.createAt).toBe(BigInt(START));
      expect(user.updateAt).toBe(BigInt(START));
    });

    it("keeps the password hash apart from the user", async () => {
      const user = await store.createUser(create(UserSchema, { username: "alice" }), "scrypt$1");
      expect(await store.getPasswordHash(user.id)).toBe("scrypt$1");
      await store.setPasswordHash(user.id, "scrypt$2");
      expect(await store.getPasswordHash(user.id)).toBe("scrypt$2");
      const bot = await store.createUser(create(UserSchema, { username: "bot", isBot: true }));
      expect(await store.getPasswordHash(bot.id)).toBeUndefined();
      const returned = [
        await store.getUser(user.id),
        ...(await store.getUsers(page())),
        ...(await store.getUsersByIds([user.id])),
      ];
      for (const found of returned) {
        expect(
          JSON.stringify(found, (_k, v) => (typeof v === "bigint" ? `${v}` : v)),
        ).not.toContain("scrypt");
      }
      await expect(store.setPasswordHash("nobody", "x")).rejects.toBeInstanceOf(NotFoundError);
      await expect(store.getPasswordHash("nobody")).rejects.toBeInstanceOf(NotFoundError);
    });

    it("refuses a taken username or e-mail address, whatever its case, naming the field", async () => {
      await newUser("alice");
      await expect(newUser("Alice", { email: "other@example.com" })).rejects.toMatchObject({
        name: "AlreadyExistsError",
        id: "store.user.username_exists",
        params: { field: "username" },
      });
      await expect(newUser("bob", { email: "ALICE@example.com" })).rejects.toMatchObject({
        name: "AlreadyExistsError",
        params: { field: "email" },
      });
    });

    it("lets any number of accounts go without an e-mail address", async () => {
      await newUser("bot1", { email: "" });
      await expect(newUser("bot2", { email: "" })).resolves.toBeDefined();
      await expect(store.getUserByEmail("")).rejects.toBeInstanceOf(NotFoundError);
    });

    it("refuses a user without a username, or with an id that exists", async () => {
      await expect(store.createUser(create(UserSchema, {}))).rejects.toMatchObject({
        name: "ValidationError",
        params: { field: "username" },
      });
      const alice = await newUser("alice");
      await expect(newUser("bob", { id: alice.id })).rejects.toMatchObject({
        name: "AlreadyExistsError",
        params: { field: "id" },
      });
    });

    it("answers NotFoundError naming what was looked for", async () => {
      await expect(store.getUser("u404")).rejects.toMatchObject({
        name: "NotFoundError",
        id: "store.user.not_found",
        message: expect.stringContaining("u404"),
      });
      await expect(store.getUserByUsername("ghost")).rejects.toMatchObject({
        id: "store.user.not_found",
        message: expect.stringContaining('"ghost"'),
      });
      await expect(store.getUserByEmail("ghost@example.com")).rejects.toMatchObject({
        id: "store.user.not_found",
        message: expect.stringContaining("ghost@example.com"),
      });
    });

    it("lists users by username, filtered by team, channel and state, a page at a time", async () => {
      const [carol, alice, bob, dave] = [
        await newUser("carol"),
        await newUser("alice"),
        await newUser("bob"),
        await newUser("dave"),
      ];
      await store.deactivateUser(dave.id);
      const team = await newTeam("team");
      const channel = await newChannel(team, "town-square");
      for (const user of [alice, bob, dave]) {
        await store.addTeamMember(team.id, user.id);
      }
      await store.removeTeamMember(team.id, bob.id);
      await store.addChannelMember(channel.id, carol.id);
      await store.addChannelMember(channel.id, dave.id);

      const names = async (query: Parameters<Store["getUsers"]>[0]) =>
        (await store.getUsers(query)).map((user) => user.username);
      expect(await names(page())).toEqual(["alice", "bob", "carol", "dave"]);
      expect(await names(page(2, 1))).toEqual(["carol", "dave"]);
      expect(await names({ ...page(), active: true })).toEqual(["alice", "bob", "carol"]);
      expect(await names({ ...page(), active: false })).toEqual(["dave"]);
      expect(await names({ ...page(), inTeamId: team.id })).toEqual(["alice", "dave"]);
      expect(await names({ ...page(), inChannelId: channel.id })).toEqual(["carol", "dave"]);
      expect(await names({ ...page(), inChannelId: channel.id, active: true })).toEqual(["carol"]);
      await expect(store.getUsers(page(-1))).rejects.toBeInstanceOf(ValidationError);
    });

    it("gives users by ids in the order asked for, skipping unknown ids", async () => {
      const alice = await newUser("alice");
      const bob = await newUser("bob");
      const found = await store.getUsersByIds([bob.id, "unknown", alice.id, bob.id]);
      expect(found.map((user) => user.username)).toEqual(["bob", "alice"]);
      expect(await store.getUsersByIds([])).toEqual([]);
    });

    it("updates profile fields and keeps what identifies, secures or ranks the account", async () => {
      const original = await store.createUser(filledMessage(UserSchema, 1));
      time += 1000;
      const changes = filledMessage(UserSchema, 2);
      const updated = await store.updateUser(create(UserSchema, { ...changes, id: original.id }));
      const expected = create(UserSchema, {
        ...changes,
        id: original.id,
        createAt: original.createAt,
        updateAt: BigInt(time),
        deleteAt: original.deleteAt,
        roles: original.roles,
        isBot: original.isBot,
        authService: original.authService,
        mfaActive: original.mfaActive,
        lastPictureUpdate: original.lastPictureUpdate,
        emailVerified: false,
      });
      expectEqualMessages(UserSchema, updated, expected);
      expectEqualMessages(UserSchema, await store.getUser(original.id), expected);
    });

    it("keeps the e-mail verification when the address does not change", async () => {
      const user = await newUser("alice", { emailVerified: true });
      const updated = await store.updateUser(create(UserSchema, { ...user, nickname: "Al" }));
      expect(updated.emailVerified).toBe(true);
      expect(updated.nickname).toBe("Al");
    });

    it("refuses an update to another user's username or e-mail, or of a missing user", async () => {
      const alice = await newUser("alice");
      await newUser("bob");
      await expect(
        store.updateUser(create(UserSchema, { ...alice, username: "BOB" })),
      ).rejects.toMatchObject({
        name: "AlreadyExistsError",
        params: { field: "username" },
      });
      await expect(
        store.updateUser(create(UserSchema, { ...alice, email: "bob@example.com" })),
      ).rejects.toMatchObject({ params: { field: "email" } });
      await expect(
        store.updateUser(create(UserSchema, { ...alice, username: "alice" })),
      ).resolves.toBeDefined();
      await expect(
        store.updateUser(create(UserSchema, { id: "missing", username: "x" })),
      ).rejects.toBeInstanceOf(NotFoundError);
    });

    it("deactivates a user at the current time, once", async () => {
      const alice = await newUser("alice");
      time += 5000;
      const deactivated = await store.deactivateUser(alice.id);
      expect(deactivated.deleteAt).toBe(BigInt(time));
      expectEqualMessages(UserSchema, await store.getUser(alice.id), deactivated);
      time += 5000;
      expect((await store.deactivateUser(alice.id)).deleteAt).toBe(deactivated.deleteAt);
      await expect(store.deactivateUser("missing")).rejects.toBeInstanceOf(NotFoundError);
    });
  });

  describe("teams", () => {
    it("stores every field of a team and gives it back by id and by name", async () => {
      const team = filledMessage(TeamSchema);
      expectEqualMessages(TeamSchema, await store.createTeam(team), team);
      expectEqualMessages(TeamSchema, await store.getTeam(team.id), team);
      expectEqualMessages(TeamSchema, await store.getTeamByName(team.name), team);
    });

    it("refuses a taken team name, naming the field, and a team without a name", async () => {
      await newTeam("core");
      await expect(newTeam("CORE")).rejects.toMatchObject({
        name: "AlreadyExistsError",
        params: { field: "name" },
      });
      await expect(store.createTeam(create(TeamSchema, {}))).rejects.toMatchObject({
        name: "ValidationError",
        params: { field: "name" },
      });
    });

    it("updates a team's descriptive fields, keeping its id, name, type and creation time", async () => {
      const team = await newTeam("updated");
      const changed = filledMessage(TeamSchema);
      const updated = await store.updateTeam({ ...changed, id: team.id });
      expectEqualMessages(TeamSchema, updated, {
        ...changed,
        id: team.id,
        name: "updated",
        type: "O",
        createAt: team.createAt,
        updateAt: updated.updateAt,
        deleteAt: team.deleteAt,
      });
      expectEqualMessages(TeamSchema, await store.getTeam(team.id), updated);
      await expect(
        store.updateTeam(create(TeamSchema, { id: "nosuchteam", name: "x" })),
      ).rejects.toMatchObject({ name: "NotFoundError" });
    });

    it("lists teams by name, a page at a time", async () => {
      for (const name of ["gamma", "alpha", "beta"]) {
        await newTeam(name);
      }
      expect((await store.getTeams(page())).map((team) => team.name)).toEqual([
        "alpha",
        "beta",
        "gamma",
      ]);
      expect((await store.getTeams(page(1, 2))).map((team) => team.name)).toEqual(["gamma"]);
    });

    it("lists only the teams anyone may join, by name, a page at a time", async () => {
      for (const [name, allowOpenInvite] of [
        ["gamma", true],
        ["alpha", true],
        ["beta", false],
        ["delta", true],
      ] as const) {
        await store.createTeam(create(TeamSchema, { name, type: "O", allowOpenInvite }));
      }
      expect((await store.getOpenTeams(page())).map((team) => team.name)).toEqual([
        "alpha",
        "delta",
        "gamma",
      ]);
      expect((await store.getOpenTeams(page(2, 1))).map((team) => team.name)).toEqual(["gamma"]);
    });

    it("answers NotFoundError for a missing team", async () => {
      await expect(store.getTeam("t404")).rejects.toMatchObject({ id: "store.team.not_found" });
      await expect(store.getTeamByName("nowhere")).rejects.toMatchObject({
        id: "store.team.not_found",
        message: expect.stringContaining('"nowhere"'),
      });
    });

    it("adds, re-adds and removes members; adding twice changes nothing", async () => {
      const team = await newTeam("core");
      const alice = await newUser("alice");
      const bob = await newUser("bob");
      const member = await store.addTeamMember(team.id, alice.id);
      expectEqualMessages(
        TeamMemberSchema,
        member,
        create(TeamMemberSchema, { teamId: team.id, userId: alice.id, schemeUser: true }),
      );
      expectEqualMessages(TeamMemberSchema, await store.addTeamMember(team.id, alice.id), member);
      await store.addTeamMember(team.id, bob.id);
      expect((await store.getTeamMembers(team.id, page())).map((m) => m.userId).sort()).toEqual(
        [alice.id, bob.id].sort(),
      );
      expect(await store.getTeamMembers(team.id, page(1, 5))).toEqual([]);

      time += 10;
      const ended = await store.removeTeamMember(team.id, alice.id);
      expect(ended.deleteAt).toBe(BigInt(time));
      expect(await store.getTeamMember(team.id, alice.id)).toBeUndefined();
      expect((await store.getTeamMembers(team.id, page())).map((m) => m.userId)).toEqual([bob.id]);
      await expect(store.removeTeamMember(team.id, alice.id)).rejects.toMatchObject({
        name: "NotFoundError",
        id: "store.team_member.not_found",
      });

      const back = await store.addTeamMember(team.id, alice.id);
      expect(back.deleteAt).toBe(0n);
      expectEqualMessages(TeamMemberSchema, await store.getTeamMember(team.id, alice.id), back);
    });

    it("refuses members of a missing team or missing users", async () => {
      const team = await newTeam("core");
      const alice = await newUser("alice");
      await expect(store.addTeamMember("t404", alice.id)).rejects.toMatchObject({
        id: "store.team.not_found",
      });
      await expect(store.addTeamMember(team.id, "u404")).rejects.toMatchObject({
        id: "store.user.not_found",
      });
    });
  });

  describe("channels", () => {
    it("stores every field of a channel and gives it back by id and by team and name", async () => {
      const team = await newTeam("core");
      const channel = create(ChannelSchema, {
        ...filledMessage(ChannelSchema),
        teamId: team.id,
        type: "P",
      });
      expectEqualMessages(ChannelSchema, await store.createChannel(channel), channel);
      expectEqualMessages(ChannelSchema, await store.getChannel(channel.id), channel);
      expectEqualMessages(
        ChannelSchema,
        await store.getChannelByName(team.id, channel.name, true),
        channel,
      );
    });

    it("keeps channel names unique within a team only", async () => {
      const core = await newTeam("core");
      const other = await newTeam("other");
      await newChannel(core, "general");
      await expect(newChannel(other, "general")).resolves.toBeDefined();
      await expect(newChannel(core, "General")).rejects.toMatchObject({
        name: "AlreadyExistsError",
        params: { field: "name" },
      });
    });

    it("refuses a channel without a name, of an unknown type, or of a missing team", async () => {
      const core = await newTeam("core");
      await expect(newChannel(core, "")).rejects.toMatchObject({ params: { field: "name" } });
      await expect(newChannel(core, "x", { type: "Z" })).rejects.toMatchObject({
        name: "ValidationError",
        params: { field: "type" },
      });
      await expect(newChannel(core, "x", { teamId: "" })).rejects.toMatchObject({
        params: { field: "team_id" },
      });
      await expect(newChannel(core, "x", { teamId: "t404" })).rejects.toBeInstanceOf(NotFoundError);
    });

    it("finds archived channels by name only when asked to", async () => {
      const core = await newTeam("core");
      const channel = await newChannel(core, "old");
      time += 100;
      const archived = await store.deleteChannel(channel.id);
      expect(archived.deleteAt).toBe(BigInt(time));
      await expect(store.getChannelByName(core.id, "old", false)).rejects.toMatchObject({
        id: "store.channel.not_found",
        message: expect.stringContaining('"old"'),
      });
      expectEqualMessages(
        ChannelSchema,
        await store.getChannelByName(core.id, "old", true),
        archived,
      );
      expectEqualMessages(ChannelSchema, await store.getChannel(channel.id), archived);
    });

    it("updates the name, display name, header and purpose only", async () => {
      const core = await newTeam("core");
      const channel = await newChannel(core, "general", { creatorId: "creator" });
      await newChannel(core, "taken");
      time += 100;
      const changes = create(ChannelSchema, {
        ...filledMessage(ChannelSchema, 2),
        id: channel.id,
        name: "renamed",
      });
      const updated = await store.updateChannel(changes);
      const expected = create(ChannelSchema, {
        ...channel,
        name: "renamed",
        displayName: changes.displayName,
        header: changes.header,
        purpose: changes.purpose,
        updateAt: BigInt(time),
      });
      expectEqualMessages(ChannelSchema, updated, expected);
      expectEqualMessages(ChannelSchema, await store.getChannel(channel.id), expected);
      await expect(
        store.updateChannel(create(ChannelSchema, { ...updated, name: "taken" })),
      ).rejects.toMatchObject({ name: "AlreadyExistsError", params: { field: "name" } });
      await expect(
        store.updateChannel(create(ChannelSchema, { id: "c404", name: "x" })),
      ).rejects.toBeInstanceOf(NotFoundError);
    });

    it("adds members once, removes them, and refuses members of archived channels", async () => {
      const core = await newTeam("core");
      const channel = await newChannel(core, "general");
      const alice = await newUser("alice");
      const bob = await newUser("bob");
      time += 7;
      const member = await store.addChannelMember(channel.id, alice.id);
      expect(member).toMatchObject({
        channelId: channel.id,
        userId: alice.id,
        lastUpdateAt: BigInt(time),
        schemeUser: true,
        notifyProps: { desktop: "default", mark_unread: "all" },
      });
      expectEqualMessages(
        ChannelMemberSchema,
        await store.addChannelMember(channel.id, alice.id),
        member,
      );
      expectEqualMessages(
        ChannelMemberSchema,
        await store.getChannelMember(channel.id, alice.id),
        member,
      );
      await store.addChannelMember(channel.id, bob.id);
      expect(await store.getChannelMembers(channel.id, page(1, 0))).toHaveLength(1);
      expect(await store.getChannelMembers(channel.id, page())).toHaveLength(2);

      expectEqualMessages(
        ChannelMemberSchema,
        await store.removeChannelMember(channel.id, alice.id),
        member,
      );
      expect(await store.getChannelMember(channel.id, alice.id)).toBeUndefined();
      await expect(store.removeChannelMember(channel.id, alice.id)).rejects.toMatchObject({
        name: "NotFoundError",
        id: "store.channel_member.not_found",
      });

      await store.deleteChannel(channel.id);
      await expect(store.addChannelMember(channel.id, alice.id)).rejects.toMatchObject({
        name: "ValidationError",
        params: { field: "channel_id" },
      });
      await expect(store.addChannelMember("c404", alice.id)).rejects.toBeInstanceOf(NotFoundError);
      await expect(store.addChannelMember(channel.id, "u404")).rejects.toBeInstanceOf(
        NotFoundError,
      );
    });

    it("creates the direct channel of two users once, with both as members", async () => {
      const alice = await newUser("alice");
      const bob = await newUser("bob");
      const direct = await store.getOrCreateDirectChannel(alice.id, bob.id);
      expect(direct).toMatchObject({
        type: "D",
        teamId: "",
        name: [alice.id, bob.id].sort().join("__"),
      });
      expectEqualMessages(
        ChannelSchema,
        await store.getOrCreateDirectChannel(bob.id, alice.id),
        direct,
      );
      expect(
        (await store.getChannelMembers(direct.id, page())).map((m) => m.userId).sort(),
      ).toEqual([alice.id, bob.id].sort());
      const self = await store.getOrCreateDirectChannel(alice.id, alice.id);
      expect(await store.getChannelMembers(self.id, page())).toHaveLength(1);
      await expect(store.getOrCreateDirectChannel(alice.id, "u404")).rejects.toBeInstanceOf(
        NotFoundError,
      );
    });
  });

  describe("posts", () => {
    let channel: Channel;
    let author: User;
    beforeEach(async () => {
      channel = await newChannel(await newTeam("core"), "general");
      author = await newUser("author");
    });

    it("stores every field of a post, props and metadata exactly as given", async () => {
      const post = create(PostSchema, {
        ...filledMessage(PostSchema),
        channelId: channel.id,
        rootId: "",
      });
      const file = await store.saveFileInfo(create(FileInfoSchema, { channelId: channel.id }));
      post.fileIds = [file.id];
      expectEqualMessages(PostSchema, await store.createPost(post), post);
      expectEqualMessages(PostSchema, await store.getPost(post.id), post);
    });

    it("keeps unset props and metadata unset", async () => {
      const post = await newPost(channel, author);
      expect(post.props).toBeUndefined();
      const stored = await store.getPost(post.id);
      expect(stored.props).toBeUndefined();
      expect(stored.metadata).toBeUndefined();
    });

    it("counts posts on the channel and replies on the thread's root", async () => {
      const root = await newPost(channel, author);
      time += 100;
      await newPost(channel, author, { rootId: root.id });
      time += 100;
      const lastReply = await newPost(channel, author, { rootId: root.id });
      expect(await store.getChannel(channel.id)).toMatchObject({
        totalMsgCount: 3n,
        lastPostAt: lastReply.createAt,
      });
      expect(await store.getPost(root.id)).toMatchObject({
        replyCount: 2n,
        lastReplyAt: lastReply.createAt,
      });
    });

    it("refuses a post in a missing channel, or replying to a post that is not a root there", async () => {
      await expect(
        store.createPost(create(PostSchema, { channelId: "c404", userId: author.id })),
      ).rejects.toMatchObject({ name: "NotFoundError", id: "store.channel.not_found" });
      const root = await newPost(channel, author);
      const reply = await newPost(channel, author, { rootId: root.id });
      for (const rootId of ["p404", reply.id]) {
        await expect(newPost(channel, author, { rootId })).rejects.toMatchObject({
          name: "ValidationError",
          params: { field: "root_id" },
        });
      }
      await expect(newPost(channel, author, { id: root.id })).rejects.toBeInstanceOf(
        AlreadyExistsError,
      );
    });

    it("lists a channel's posts newest first, a page at a time, leaving deleted posts out", async () => {
      const messages: string[] = [];
      for (let i = 0; i < 5; i++) {
        time += 1000;
        messages.push((await newPost(channel, author, { message: `m${i}` })).message);
      }
      const doomed = await store.getPostsForChannel(channel.id, page(1, 1));
      await store.deletePost(doomed[0]?.id ?? "");
      const listed = async (perPage: number, pageNumber: number) =>
        (await store.getPostsForChannel(channel.id, page(perPage, pageNumber))).map(
          (p) => p.message,
        );
      expect(await listed(60, 0)).toEqual(["m4", "m2", "m1", "m0"]);
      expect(await listed(2, 1)).toEqual(["m1", "m0"]);
    });

    it("links a new post's files to it in the post's own transaction", async () => {
      const file = await store.saveFileInfo(
        create(FileInfoSchema, { name: "a.txt", channelId: channel.id, creatorId: author.id }),
      );
      const post = await newPost(channel, author, { fileIds: [file.id, file.id] });
      expect((await store.getFileInfo(file.id)).postId).toBe(post.id);
      // An attached file can't be attached again, and the failed post leaves nothing behind.
      const before = await store.getPostsForChannel(channel.id, page(60, 0));
      await expect(newPost(channel, author, { fileIds: [file.id] })).rejects.toMatchObject({
        name: "ValidationError",
        id: "store.post.file_not_attachable",
      });
      await expect(newPost(channel, author, { fileIds: ["missing"] })).rejects.toMatchObject({
        id: "store.post.file_not_attachable",
      });
      expect(await store.getPostsForChannel(channel.id, page(60, 0))).toHaveLength(before.length);
    });

    it("updates message, props, file ids, pinning and metadata, counting only a new message as an edit", async () => {
      const post = await newPost(channel, author, { type: "custom", hashtags: "#a" });
      time += 100;
      const changes = filledMessage(PostSchema, 2);
      const updated = await store.updatePost(create(PostSchema, { ...changes, id: post.id }));
      const expected = create(PostSchema, {
        ...post,
        message: changes.message,
        props: changes.props,
        fileIds: changes.fileIds,
        isPinned: changes.isPinned,
        metadata: changes.metadata,
        updateAt: BigInt(time),
        editAt: BigInt(time),
      });
      expectEqualMessages(PostSchema, updated, expected);
      expectEqualMessages(PostSchema, await store.getPost(post.id), expected);

      time += 100;
      const unpinned = await store.updatePost(create(PostSchema, { ...updated, isPinned: false }));
      expect(unpinned.editAt).toBe(updated.editAt);
      expect(unpinned.updateAt).toBe(BigInt(time));
      await expect(store.updatePost(create(PostSchema, { id: "p404" }))).rejects.toBeInstanceOf(
        NotFoundError,
      );
    });

    it("deletes a post with its replies, and a reply with its count on the root", async () => {
      const root = await newPost(channel, author);
      const firstReply = await newPost(channel, author, { rootId: root.id });
      await newPost(channel, author, { rootId: root.id });
      time += 100;
      const deletedReply = await store.deletePost(firstReply.id);
      expect(deletedReply.deleteAt).toBe(BigInt(time));
      expect((await store.getPost(root.id)).replyCount).toBe(1n);

      await store.deletePost(root.id);
      expect(await store.getPostsForChannel(channel.id, page())).toEqual([]);
      await expect(store.deletePost("p404")).rejects.toMatchObject({
        name: "NotFoundError",
        id: "store.post.not_found",
      });
    });
  });

  describe("file metadata", () => {
    it("stores every field of a file's metadata", async () => {
      const info = filledMessage(FileInfoSchema);
      expectEqualMessages(FileInfoSchema, await store.saveFileInfo(info), info);
      expectEqualMessages(FileInfoSchema, await store.getFileInfo(info.id), info);
    });

    it("assigns an id and times when they are empty, and answers NotFoundError for a missing file", async () => {
      const info = await store.saveFileInfo(create(FileInfoSchema, { name: "a.txt", size: 3n }));
      expect(info.id).toHaveLength(26);
      expect(info.createAt).toBe(BigInt(START));
      await expect(store.getFileInfo("f404")).rejects.toMatchObject({
        name: "NotFoundError",
        id: "store.file_info.not_found",
      });
    });
  });

  describe("KV store", () => {
    it("reads back what was written, per plugin", async () => {
      await store.kvSet("a", "k", bytes(1, 2, 3));
      await store.kvSet("b", "k", bytes(9));
      expect(await store.kvGet("a", "k")).toEqual(bytes(1, 2, 3));
      expect(await store.kvGet("b", "k")).toEqual(bytes(9));
      expect(await store.kvGet("c", "k")).toBeUndefined();
    });

    it("writes a view of a larger buffer as exactly the viewed bytes", async () => {
      const large = bytes(0, 1, 2, 3, 4, 5);
      await store.kvSet("a", "k", large.subarray(2, 4));
      expect(await store.kvGet("a", "k")).toEqual(bytes(2, 3));
    });

    it("keeps an empty value apart from a missing key", async () => {
      await store.kvSet("a", "empty", bytes());
      expect(await store.kvGet("a", "empty")).toEqual(bytes());
    });

    it("deletes a key by writing no value, by kvDelete, and every key by kvDeleteAll", async () => {
      for (const key of ["k1", "k2", "k3"]) {
        await store.kvSet("a", key, bytes(1));
      }
      await store.kvSet("b", "k1", bytes(1));
      await store.kvSet("a", "k1", undefined);
      await store.kvDelete("a", "k2");
      expect(await store.kvList("a", page())).toEqual(["k3"]);
      await store.kvDeleteAll("a");
      expect(await store.kvList("a", page())).toEqual([]);
      expect(await store.kvList("b", page())).toEqual(["k1"]);
    });

    it("lists keys in key order, a page at a time", async () => {
      for (const key of ["c", "a", "b", "d"]) {
        await store.kvSet("p", key, bytes(1));
      }
      expect(await store.kvList("p", page())).toEqual(["a", "b", "c", "d"]);
      expect(await store.kvList("p", page(3, 1))).toEqual(["d"]);
    });

    it("reads an expired key as absent, leaves it out of lists, and deletes it", async () => {
      await store.kvSet("p", "short", bytes(1), { expireAt: START + 1000 });
      await store.kvSet("p", "forever", bytes(2), { expireAt: 0 });
      time = START + 999;
      expect(await store.kvGet("p", "short")).toEqual(bytes(1));
      time = START + 1000;
      expect(await store.kvList("p", page())).toEqual(["forever"]);
      expect(await store.kvGet("p", "short")).toBeUndefined();
      // Back before the expiry, the key is still gone: reading it deleted it.
      time = START;
      expect(await store.kvGet("p", "short")).toBeUndefined();
      expect(await store.kvGet("p", "forever")).toEqual(bytes(2));
    });

    it("compare-and-set writes only when the current value is exactly the old value", async () => {
      await store.kvSet("p", "k", bytes(1, 2));
      const cas = (oldValue: Uint8Array | undefined, value: Uint8Array | undefined) =>
        store.kvSet("p", "k", value, { atomic: true, oldValue });
      expect(await cas(bytes(1, 2, 0), bytes(7))).toBe(false);
      expect(await cas(bytes(1), bytes(7))).toBe(false);
      expect(await cas(bytes(), bytes(7))).toBe(false);
      expect(await cas(undefined, bytes(7))).toBe(false);
      expect(await store.kvGet("p", "k")).toEqual(bytes(1, 2));
      expect(await cas(bytes(1, 2), bytes(3))).toBe(true);
      expect(await store.kvGet("p", "k")).toEqual(bytes(3));
      expect(await cas(bytes(9), undefined)).toBe(false);
      expect(await cas(bytes(3), undefined)).toBe(true);
      expect(await store.kvGet("p", "k")).toBeUndefined();
      expect(await cas(bytes(3), bytes(4))).toBe(false);
    });

    it("compare-and-set with no old value writes only a key that is absent or expired", async () => {
      const create = (value: Uint8Array | undefined, expireAt?: number) =>
        store.kvSet("p", "k", value, { atomic: true, expireAt });
      expect(await create(bytes(1), START + 10)).toBe(true);
      expect(await create(bytes(2))).toBe(false);
      expect(await create(undefined)).toBe(false);
      time = START + 10;
      expect(await create(undefined)).toBe(true);
      expect(await create(bytes(3))).toBe(true);
      expect(await store.kvGet("p", "k")).toEqual(bytes(3));
    });

    it("compare-and-set does not match an expired value", async () => {
      await store.kvSet("p", "k", bytes(1), { expireAt: START + 10 });
      time = START + 10;
      expect(await store.kvSet("p", "k", bytes(2), { atomic: true, oldValue: bytes(1) })).toBe(
        false,
      );
    });

    it("lets exactly one of two concurrent compare-and-sets from the same old value win", async () => {
      await store.kvSet("p", "counter", bytes(0));
      const results = await Promise.all(
        [1, 2].map((n) =>
          store.kvSet("p", "counter", bytes(n), { atomic: true, oldValue: bytes(0) }),
        ),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
      expect([bytes(1), bytes(2)]).toContainEqual(await store.kvGet("p", "counter"));
    });
  });

  describe("plugin settings", () => {
    it("answers an empty object before anything is saved, then the saved settings", async () => {
      expect(await store.getPluginConfig("p")).toEqual({});
      const config = { Enabled: true, Limit: 3, Nested: { list: ["a", null] } };
      await store.savePluginConfig("p", config);
      await store.savePluginConfig("other", { x: 1 });
      expect(await store.getPluginConfig("p")).toEqual(config);
    });
  });

  describe("slash commands", () => {
    const command = (trigger: string, teamId = "", init = {}) =>
      create(CommandSchema, { trigger, teamId, ...init });

    it("stores every field of a command, with the registering plugin as its owner", async () => {
      const registered = create(CommandSchema, { ...filledMessage(CommandSchema), teamId: "t1" });
      await store.registerCommand("p", registered);
      const expected = create(CommandSchema, { ...registered, pluginId: "p" });
      expectEqualMessages(
        CommandSchema,
        await store.findCommand("t1", registered.trigger),
        expected,
      );
    });

    it("prefers a team's own command to one registered for every team", async () => {
      await store.registerCommand("p", command("hello", "", { description: "global" }));
      await store.registerCommand("q", command("hello", "t1", { description: "team" }));
      await store.registerCommand("p", command("bye"));
      expect((await store.findCommand("t1", "hello"))?.description).toBe("team");
      expect((await store.findCommand("t2", "hello"))?.description).toBe("global");
      expect((await store.findCommand("t2", "HELLO"))?.description).toBe("global");
      expect(await store.findCommand("t1", "missing")).toBeUndefined();
      expect((await store.listCommands("t1")).map((c) => [c.trigger, c.description])).toEqual([
        ["bye", ""],
        ["hello", "team"],
      ]);
      expect((await store.listCommands("t2")).map((c) => c.description)).toEqual(["", "global"]);
    });

    it("refuses a trigger another plugin owns, and lets the owner replace its own", async () => {
      await store.registerCommand("p", command("hello", "t1"));
      await expect(store.registerCommand("q", command("Hello", "t1"))).rejects.toMatchObject({
        name: "AlreadyExistsError",
        id: "store.command.trigger_exists",
        params: { field: "trigger", plugin_id: "p" },
      });
      await store.registerCommand("p", command("hello", "t1", { description: "v2" }));
      expect((await store.findCommand("t1", "hello"))?.description).toBe("v2");
    });

    it("refuses a command without a trigger", async () => {
      await expect(store.registerCommand("p", command(""))).rejects.toMatchObject({
        name: "ValidationError",
        params: { field: "trigger" },
      });
    });

    it("unregisters one command of a plugin, or all of them", async () => {
      await store.registerCommand("p", command("a"));
      await store.registerCommand("p", command("b", "t1"));
      await store.registerCommand("q", command("c"));
      await store.unregisterCommand("q", "", "a");
      expect(await store.findCommand("", "a")).toBeDefined();
      await store.unregisterCommand("p", "", "a");
      expect(await store.findCommand("", "a")).toBeUndefined();
      await store.unregisterPluginCommands("p");
      expect((await store.listCommands("t1")).map((c) => c.trigger)).toEqual(["c"]);
    });
  });

  describe("bots", () => {
    it("finds a plugin's bot by username, and only for its owner", async () => {
      const bot = await newUser("helper", { isBot: true, email: "" });
      expect(await store.getBotUserId("p", "helper")).toBeUndefined();
      await store.setBotOwner(bot.id, "p");
      expect(await store.getBotUserId("p", "helper")).toBe(bot.id);
      expect(await store.getBotUserId("p", "HELPER")).toBe(bot.id);
      expect(await store.getBotUserId("q", "helper")).toBeUndefined();
      await expect(store.setBotOwner("u404", "p")).rejects.toBeInstanceOf(NotFoundError);
    });
  });
});

describe("SqliteStore on a database file", () => {
  it("keeps everything across close and reopen", async () => {
    const path = join(dir, "kept.db");
    const first = await openAt(path);
    const user = await first.createUser(filledMessage(UserSchema), "hash");
    const team = await first.createTeam(filledMessage(TeamSchema));
    const channel = await first.createChannel(
      create(ChannelSchema, {
        ...filledMessage(ChannelSchema),
        teamId: team.id,
        type: "O",
        deleteAt: 0n,
      }),
    );
    await first.addTeamMember(team.id, user.id);
    const member = await first.addChannelMember(channel.id, user.id);
    const filled = create(PostSchema, {
      ...filledMessage(PostSchema),
      channelId: channel.id,
      rootId: "",
    });
    const attached = await first.saveFileInfo(create(FileInfoSchema, { channelId: channel.id }));
    filled.fileIds = [attached.id];
    const post = await first.createPost(filled);
    const info = await first.saveFileInfo(filledMessage(FileInfoSchema));
    await first.kvSet("p", "k", bytes(1, 2, 3), { expireAt: START + 60_000 });
    await first.savePluginConfig("p", { on: true });
    await first.registerCommand("p", create(CommandSchema, { trigger: "kept" }));
    await first.setBotOwner(user.id, "p");
    await first.close();

    const second = await openAt(path);
    expectEqualMessages(UserSchema, await second.getUser(user.id), user);
    expect(await second.getPasswordHash(user.id)).toBe("hash");
    expectEqualMessages(TeamSchema, await second.getTeam(team.id), team);
    expect(await second.getTeamMember(team.id, user.id)).toBeDefined();
    expectEqualMessages(
      ChannelMemberSchema,
      await second.getChannelMember(channel.id, user.id),
      member,
    );
    expectEqualMessages(PostSchema, await second.getPost(post.id), post);
    expect(await second.getChannel(channel.id)).toMatchObject({
      totalMsgCount: channel.totalMsgCount + 1n,
    });
    expectEqualMessages(FileInfoSchema, await second.getFileInfo(info.id), info);
    expect(await second.kvGet("p", "k")).toEqual(bytes(1, 2, 3));
    expect(await second.getPluginConfig("p")).toEqual({ on: true });
    expect(await second.findCommand("", "kept")).toBeDefined();
    expect(await second.getBotUserId("p", user.username)).toBe(user.id);
  });

  it("lets exactly one of two connections' compare-and-sets from the same old value win", async () => {
    const path = join(dir, "shared.db");
    const [a, b] = [await openAt(path), await openAt(path)];
    await a.kvSet("p", "lock", bytes(0));
    const results = await Promise.all([
      a.kvSet("p", "lock", bytes(1), { atomic: true, oldValue: bytes(0) }),
      b.kvSet("p", "lock", bytes(2), { atomic: true, oldValue: bytes(0) }),
    ]);
    expect(results.filter(Boolean)).toHaveLength(1);
    const winner = results[0] ? bytes(1) : bytes(2);
    expect(await a.kvGet("p", "lock")).toEqual(winner);
    expect(await b.kvGet("p", "lock")).toEqual(winner);
  });

  it("loses no increment when two connections count with compare-and-set", async () => {
    const path = join(dir, "counter.db");
    const connections = [await openAt(path), await openAt(path)];
    await connections[0]?.kvSet("p", "n", bytes(0));
    let successes = 0;
    const incrementer = async (store: Store) => {
      for (let attempt = 0; attempt < 100; attempt++) {
        const current = (await store.kvGet("p", "n")) ?? bytes(0);
        // Yield so the other connection's attempt interleaves with this one.
        await new Promise((resolve) => setImmediate(resolve));
        const next = bytes((current[0] ?? 0) + 1);
        if (await store.kvSet("p", "n", next, { atomic: true, oldValue: current })) {
          successes++;
        }
      }
    };
    await Promise.all(connections.map(incrementer));
    expect(successes).toBeGreaterThan(0);
    expect((await connections[1]?.kvGet("p", "n"))?.[0]).toBe(successes);
  });
});

describe("plugin states", () => {
  it("remember whether each plugin is enabled, across reopening", async () => {
    const path = join(dir, "states.db");
    const store = await openAt(path);
    await store.setPluginEnabled("com.example.a", true);
    await store.setPluginEnabled("com.example.b", true);
    await store.setPluginEnabled("com.example.b", false);
    await store.close();
    opened.splice(opened.indexOf(store), 1);
    const reopened = await openAt(path);
    expect(await reopened.getPluginStates()).toEqual(
      new Map([
        ["com.example.a", true],
        ["com.example.b", false],
      ]),
    );
    await reopened.deletePluginState("com.example.a");
    expect([...(await reopened.getPluginStates()).keys()]).toEqual(["com.example.b"]);
  });

  it("keep a plugin's installer until it is taken, once, leaving the enabled state alone", async () => {
    const store = await openAt(join(dir, "installer.db"));
    await store.setPluginInstaller("com.example.new", "u1");
    await store.setPluginEnabled("com.example.old", true);
    await store.setPluginInstaller("com.example.old", "");

    expect(await store.getPluginStates()).toEqual(
      new Map([
        ["com.example.new", false],
        ["com.example.old", true],
      ]),
    );
    expect(await store.takePluginInstaller("com.example.new")).toBe("u1");
    expect(await store.takePluginInstaller("com.example.new")).toBeUndefined();
    expect(await store.takePluginInstaller("com.example.old")).toBe("");
    expect(await store.takePluginInstaller("com.example.none")).toBeUndefined();
  });
});

describe("sessions", () => {
  const session = {
    id: "s1",
    tokenHash: "hash-1",
    userId: "u1",
    createAt: START,
    expiresAt: START + 60_000,
    lastActivityAt: START,
  };

  it("are found by token hash until they expire", async () => {
    const store = await openAt(join(dir, "sessions.db"));
    await store.createSession(session);
    expect(await store.getSessionByTokenHash("hash-1")).toEqual(session);
    expect(await store.getSessionByTokenHash("other")).toBeUndefined();
    await store.touchSession("s1", START + 10);
    expect((await store.getSessionByTokenHash("hash-1"))?.lastActivityAt).toBe(START + 10);
    time = START + 60_000;
    expect(await store.getSessionByTokenHash("hash-1")).toBeUndefined();
  });

  it("end one at a time or all of a user's at once", async () => {
    const store = await openAt(join(dir, "sessions.db"));
    await store.createSession(session);
    await store.createSession({ ...session, id: "s2", tokenHash: "hash-2" });
    await store.createSession({ ...session, id: "s3", tokenHash: "hash-3", userId: "u2" });
    await store.deleteSession("s1");
    expect(await store.getSessionByTokenHash("hash-1")).toBeUndefined();
    await store.deleteUserSessions("u1");
    expect(await store.getSessionByTokenHash("hash-2")).toBeUndefined();
    expect(await store.getSessionByTokenHash("hash-3")).toBeDefined();
  });
});

import { randomBytes } from "node:crypto";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { create } from "@bufbuild/protobuf";
import type { Client } from "@connectrpc/connect";
import {
  AlreadyExistsError,
  NotFoundError,
  UnauthenticatedError,
  ValidationError,
} from "@plugwire/errors";
import {
  type Channel,
  ChannelSchema,
  MAX_CHUNK_BYTES,
  PluginAPI,
  type Post,
  type Team,
  TeamSchema,
  type UploadFileRequest,
  type User,
  UserSchema,
} from "@plugwire/protocol";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Actor, App } from "../app/app.js";
import { HostApp } from "../app/host-app.js";
import { verifyPassword } from "../app/password.js";
import { Logger } from "../log.js";
import { LocalFileStore } from "../store/local-file-store.js";
import { openSqliteStore } from "../store/sqlite-store.js";
import type { Store } from "../store/store.js";
import type { HookDispatcher } from "../supervisor/hook-client.js";
import { failureOf } from "../test-fixtures/failure-of.js";
import { type PluginApiServer, startPluginApiServer } from "./api-server.js";
import { createPluginApiService, MAX_KV_GET_MANY_KEYS } from "./plugin-api-service.js";
import { connectPluginApi, type PluginApiConnection } from "./test-fixtures/plugin-api-client.js";

/** One call of an App operation that takes an actor, as the PluginAPI service made it. */
interface AppCall {
  operation: keyof App;
  actor: Actor;
  args: unknown[];
}

/**
 * The real application layer (no plugins to fire hooks at), recording each operation that
 * takes an actor: the PluginAPI must reach the store through it, as the plugin.
 */
function recordingApp(inner: HostApp, calls: AppCall[]): App {
  return new Proxy(inner, {
    get(target, property) {
      const value = Reflect.get(target, property, target);
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => {
        const [first] = args;
        if (typeof first === "object" && first !== null && !("$typeName" in first)) {
          calls.push({
            operation: property as keyof App,
            actor: first as Actor,
            args: args.slice(1),
          });
        }
        return value.apply(target, args);
      };
    },
  });
}

const START = 1_700_000_000_000;
const PLUGIN_A = "com.example.a";
const PLUGIN_B = "com.example.b";
const MAX_UPLOAD = 256 * 1024;
const SERVER_CONFIG = { ServiceSettings: { SiteURL: "https://chat.example.com" } };

let dir: string;
let time: number;
let store: Store;
let calls: AppCall[];
let hostApp: HostApp;
/** Stand-in plugins the app fires hooks at; none unless a test adds one. */
let plugins: HookDispatcher[];
let app: App;
let servers: PluginApiServer[];
let connections: PluginApiConnection[];
let a: Client<typeof PluginAPI>;
let b: Client<typeof PluginAPI>;
/** Every PluginAPI method some test called, to check at the end that none was left out. */
const calledMethods = new Set<string>();

function recordingCalls(client: Client<typeof PluginAPI>): Client<typeof PluginAPI> {
  return new Proxy(client, {
    get(target, property, receiver) {
      calledMethods.add(String(property));
      return Reflect.get(target, property, receiver);
    },
  });
}

async function startServer(pluginId: string, token: string): Promise<Client<typeof PluginAPI>> {
  const socketPath = join(dir, `${pluginId.slice(-1)}.sock`);
  servers.push(
    await startPluginApiServer({
      socketPath,
      token,
      service: createPluginApiService({
        pluginId,
        app,
        serverVersion: "9.5.0",
        serverConfig: () => SERVER_CONFIG,
        maxUploadBytes: MAX_UPLOAD,
        now: () => time,
      }),
    }),
  );
  const connection = connectPluginApi(socketPath, `Bearer ${token}`);
  connections.push(connection);
  return recordingCalls(connection.client);
}

beforeEach(async () => {
  // Short on purpose: Unix socket paths are limited to about 107 bytes.
  dir = await mkdtemp(join(tmpdir(), "pw-"));
  time = START;
  store = await openSqliteStore({ path: join(dir, "plugwire.db"), now: () => time });
  calls = [];
  plugins = [];
  hostApp = new HostApp({
    store,
    files: new LocalFileStore(join(dir, "files")),
    hooks: {
      implementing: (hook) => plugins.filter((plugin) => plugin.implements(hook)),
      get: (pluginId) => plugins.find((plugin) => plugin.pluginId === pluginId),
    },
    log: new Logger(() => undefined),
    hostId: "h1",
  });
  app = recordingApp(hostApp, calls);
  servers = [];
  connections = [];
  a = await startServer(PLUGIN_A, "token-a");
  b = await startServer(PLUGIN_B, "token-b");
});

afterEach(async () => {
  for (const connection of connections) {
    connection.close();
  }
  await Promise.all(servers.map((server) => server.close()));
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

async function expectInvalid(call: Promise<unknown>, field: string): Promise<void> {
  const error = await failureOf(call);
  expect(error).toBeInstanceOf(ValidationError);
  expect(error.params.field).toBe(field);
}

const newUser = (username: string) =>
  store.createUser(create(UserSchema, { username, email: `${username}@example.com` }));
const newTeam = (name: string) => store.createTeam(create(TeamSchema, { name, type: "O" }));
const newChannel = (team: Team, name: string) =>
  store.createChannel(create(ChannelSchema, { teamId: team.id, name, type: "O" }));

function callsOf(operation: keyof App) {
  return calls.filter((call) => call.operation === operation);
}

describe("configuration", () => {
  it("gives the server version and the sanitised server configuration", async () => {
    expect((await a.getServerVersion({})).version).toBe("9.5.0");
    expect((await a.getConfig({})).config).toEqual(SERVER_CONFIG);
  });

  it("saves the plugin's own settings through the app and reads them back, per plugin", async () => {
    await a.savePluginConfig({ config: { Greeting: "hi", Limit: 3 } });
    expect(callsOf("savePluginConfig")).toEqual([
      {
        operation: "savePluginConfig",
        actor: { pluginId: PLUGIN_A },
        args: [PLUGIN_A, { Greeting: "hi", Limit: 3 }],
      },
    ]);
    expect((await a.getPluginConfig({})).config).toEqual({ Greeting: "hi", Limit: 3 });
    expect((await b.getPluginConfig({})).config).toEqual({});
  });
});

describe("users", () => {
  it("creates a user through the app, assigning id and times, and never returns the password", async () => {
    const { user } = await a.createUser({
      user: { id: "chosen-by-plugin", username: "alice", email: "alice@example.com", createAt: 5n },
      password: "correct horse",
    });
    expect(user?.id).toMatch(/^[a-z0-9]{26}$/);
    expect(user?.createAt).toBe(BigInt(START));
    const [call] = callsOf("createUser");
    expect(call?.actor).toEqual({ pluginId: PLUGIN_A });
    expect(call?.args[1]).toBe("correct horse");
    expect(
      await verifyPassword("correct horse", (await store.getPasswordHash(user?.id ?? "")) ?? ""),
    ).toBe(true);

    const responses = [
      user,
      (await a.getUser({ userId: user?.id })).user,
      (await a.getUserByUsername({ username: "alice" })).user,
      (await a.getUserByEmail({ email: "alice@example.com" })).user,
    ];
    for (const response of responses) {
      expect(response?.id).toBe(user?.id);
      expect(
        JSON.stringify(response, (_k, v) => (typeof v === "bigint" ? `${v}` : v)),
      ).not.toContain("hashed");
    }
  });

  it("refuses lookups without the id, username or address", async () => {
    await expectInvalid(a.getUser({}), "user_id");
    await expectInvalid(a.getUserByUsername({}), "username");
    await expectInvalid(a.getUserByEmail({}), "email");
    await expectInvalid(a.createUser({}), "user");
  });

  it("answers a missing user with NotFoundError, as NotFoundError", async () => {
    const error = await failureOf(a.getUser({ userId: "u404" }));
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error.id).toBe("store.user.not_found");
    expect(error.message).toContain("u404");
  });

  it("pages users with a default of 60 per page, a maximum of 200, and no negative pages", async () => {
    for (let i = 0; i < 201; i++) {
      await newUser(`user${String(i).padStart(3, "0")}`);
    }
    expect((await a.getUsers({})).users).toHaveLength(60);
    expect((await a.getUsers({ paging: { perPage: 1000 } })).users).toHaveLength(200);
    const second = await a.getUsers({ paging: { page: 1, perPage: 200 } });
    expect(second.users.map((user) => user.username)).toEqual(["user200"]);
    await expectInvalid(a.getUsers({ paging: { page: -1 } }), "paging.page");
    await expectInvalid(a.getUsers({ paging: { perPage: -5 } }), "paging.per_page");
  });

  it("filters users by team, channel and state", async () => {
    const [alice, bob, carol] = [
      await newUser("alice"),
      await newUser("bob"),
      await newUser("carol"),
    ];
    const team = await newTeam("core");
    const channel = await newChannel(team, "general");
    await store.addTeamMember(team.id, alice.id);
    await store.addTeamMember(team.id, bob.id);
    await store.addChannelMember(channel.id, bob.id);
    await store.deactivateUser(alice.id);
    const names = async (request: Parameters<typeof a.getUsers>[0]) =>
      (await a.getUsers(request)).users.map((user) => user.username);
    expect(await names({ inTeamId: team.id })).toEqual(["alice", "bob"]);
    expect(await names({ inTeamId: team.id, activeOnly: true })).toEqual(["bob"]);
    expect(await names({ inactiveOnly: true })).toEqual(["alice"]);
    expect(await names({ inChannelId: channel.id })).toEqual(["bob"]);
    expect(await names({ activeOnly: true })).toEqual(["bob", "carol"]);
    await expectInvalid(a.getUsers({ activeOnly: true, inactiveOnly: true }), "inactive_only");
    expect(carol.username).toBe("carol");
  });

  it("gives users by ids in the order asked for", async () => {
    const [alice, bob] = [await newUser("alice"), await newUser("bob")];
    const { users } = await a.getUsersByIds({ userIds: [bob.id, "nobody", alice.id] });
    expect(users.map((user) => user.username)).toEqual(["bob", "alice"]);
  });

  it("updates a profile in the store and deactivates through the app", async () => {
    const alice = await newUser("alice");
    const { user } = await a.updateUser({ user: { ...alice, nickname: "Al" } });
    expect(user?.nickname).toBe("Al");
    expect((await store.getUser(alice.id)).nickname).toBe("Al");
    await expectInvalid(a.updateUser({ user: { username: "x" } }), "user.id");

    time += 1000;
    await a.deactivateUser({ userId: alice.id });
    expect(callsOf("deactivateUser")[0]).toMatchObject({
      actor: { pluginId: PLUGIN_A },
      args: [alice.id],
    });
    expect((await store.getUser(alice.id)).deleteAt).toBe(BigInt(time));
    await expectInvalid(a.deactivateUser({}), "user_id");
  });

  it("reports a taken username as AlreadyExistsError naming the field", async () => {
    await newUser("alice");
    const error = await failureOf(a.createUser({ user: { username: "alice" } }));
    expect(error).toBeInstanceOf(AlreadyExistsError);
    expect(error.params.field).toBe("username");
  });
});

describe("teams", () => {
  it("creates a team in the store and finds it by id, by name and in the list", async () => {
    const { team } = await a.createTeam({
      team: { id: "ignored", name: "core", displayName: "Core" },
    });
    expect(team?.id).toHaveLength(26);
    expect((await a.getTeam({ teamId: team?.id })).team?.displayName).toBe("Core");
    expect((await a.getTeamByName({ name: "core" })).team?.id).toBe(team?.id);
    expect((await a.getTeams({})).teams.map((t) => t.name)).toEqual(["core"]);
    await expectInvalid(a.createTeam({}), "team");
    await expectInvalid(a.getTeam({}), "team_id");
    await expectInvalid(a.getTeamByName({}), "name");
  });

  it("adds and removes members through the app, reporting the requestor as the actor", async () => {
    const team = await newTeam("core");
    const [alice, admin] = [await newUser("alice"), await newUser("admin")];
    const { member } = await a.addTeamMember({ teamId: team.id, userId: alice.id });
    expect(member).toMatchObject({ teamId: team.id, userId: alice.id, deleteAt: 0n });
    expect((await a.getTeamMembers({ teamId: team.id })).members.map((m) => m.userId)).toEqual([
      alice.id,
    ]);

    await a.removeTeamMember({ teamId: team.id, userId: alice.id, requestorId: admin.id });
    expect(callsOf("removeTeamMember")).toEqual([
      {
        operation: "removeTeamMember",
        actor: { pluginId: PLUGIN_A, userId: admin.id },
        args: [team.id, alice.id],
      },
    ]);
    expect(callsOf("addTeamMember")[0]?.actor).toEqual({ pluginId: PLUGIN_A });
    expect((await a.getTeamMembers({ teamId: team.id })).members).toEqual([]);
    await expectInvalid(a.addTeamMember({ teamId: team.id }), "user_id");
    await expectInvalid(a.getTeamMembers({}), "team_id");
  });
});

describe("channels", () => {
  it("creates a channel through the app and reads it by id and by name", async () => {
    const team = await newTeam("core");
    const { channel } = await a.createChannel({
      channel: { teamId: team.id, name: "general", type: "O", totalMsgCount: 99n },
    });
    expect(channel).toMatchObject({ name: "general", totalMsgCount: 0n });
    expect(callsOf("createChannel")[0]?.actor).toEqual({ pluginId: PLUGIN_A });
    expect((await a.getChannel({ channelId: channel?.id })).channel?.name).toBe("general");
    expect((await a.getChannelByName({ teamId: team.id, name: "general" })).channel?.id).toBe(
      channel?.id,
    );
    await expectInvalid(a.getChannelByName({ teamId: team.id }), "name");
    await expectInvalid(a.createChannel({}), "channel");
  });

  it("updates and archives a channel in the store", async () => {
    const channel = await newChannel(await newTeam("core"), "general");
    const { channel: updated } = await a.updateChannel({
      channel: { ...channel, header: "Welcome", name: "lobby" },
    });
    expect(updated).toMatchObject({ header: "Welcome", name: "lobby" });
    await a.deleteChannel({ channelId: channel.id });
    expect((await store.getChannel(channel.id)).deleteAt).toBe(BigInt(START));
    const archived = await failureOf(a.getChannelByName({ teamId: channel.teamId, name: "lobby" }));
    expect(archived).toBeInstanceOf(NotFoundError);
    expect(
      (await a.getChannelByName({ teamId: channel.teamId, name: "lobby", includeDeleted: true }))
        .channel?.id,
    ).toBe(channel.id);
    await expectInvalid(a.updateChannel({ channel: { name: "x" } }), "channel.id");
    await expectInvalid(a.deleteChannel({}), "channel_id");
  });

  it("adds and removes channel members through the app", async () => {
    const channel = await newChannel(await newTeam("core"), "general");
    const alice = await newUser("alice");
    const { member } = await a.addChannelMember({ channelId: channel.id, userId: alice.id });
    expect(member).toMatchObject({ channelId: channel.id, userId: alice.id });
    const { members } = await a.getChannelMembers({ channelId: channel.id });
    expect(members.map((m) => m.userId)).toEqual([alice.id]);
    await a.removeChannelMember({ channelId: channel.id, userId: alice.id });
    expect(callsOf("removeChannelMember")[0]).toMatchObject({
      actor: { pluginId: PLUGIN_A },
      args: [channel.id, alice.id],
    });
    expect((await a.getChannelMembers({ channelId: channel.id })).members).toEqual([]);
    await expectInvalid(a.removeChannelMember({ channelId: channel.id }), "user_id");
  });

  it("gives the direct channel of two users, the same one whichever way asked", async () => {
    const [alice, bob] = [await newUser("alice"), await newUser("bob")];
    const { channel } = await a.getDirectChannel({ userId1: alice.id, userId2: bob.id });
    expect(channel?.type).toBe("D");
    expect((await a.getDirectChannel({ userId1: bob.id, userId2: alice.id })).channel?.id).toBe(
      channel?.id,
    );
    await expectInvalid(a.getDirectChannel({ userId1: alice.id }), "user_id_2");
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
    const { post } = await a.createPost({
      post: { channelId: channel.id, userId: author.id, message: "hello", props, replyCount: 7n },
    });
    expect(post).toMatchObject({ message: "hello", props, replyCount: 0n });
    expect(callsOf("createPost")[0]?.actor).toEqual({ pluginId: PLUGIN_A });
    expect((await a.getPost({ postId: post?.id })).post?.props).toEqual(props);
    await expectInvalid(a.createPost({ post: { userId: author.id } }), "post.channel_id");
    await expectInvalid(a.createPost({ post: { channelId: channel.id } }), "post.user_id");
  });

  it("lists a channel's posts newest first, and updates and deletes through the app", async () => {
    const ids: string[] = [];
    for (const message of ["one", "two", "three"]) {
      time += 1000;
      const { post } = await a.createPost({
        post: { channelId: channel.id, userId: author.id, message },
      });
      ids.push(post?.id ?? "");
    }
    const list = async () =>
      (await a.getPostsForChannel({ channelId: channel.id })).posts.map((p) => p.message);
    expect(await list()).toEqual(["three", "two", "one"]);

    const { post } = await a.updatePost({ post: { id: ids[0], message: "uno" } });
    expect(post?.message).toBe("uno");
    expect(callsOf("updatePost")[0]?.actor).toEqual({ pluginId: PLUGIN_A });
    await a.deletePost({ postId: ids[1] });
    expect(callsOf("deletePost")[0]?.args).toEqual([ids[1]]);
    expect(await list()).toEqual(["three", "uno"]);
    await expectInvalid(a.updatePost({ post: { message: "x" } }), "post.id");
    await expectInvalid(a.getPostsForChannel({}), "channel_id");
  });

  it("delivers an ephemeral post through the app without storing it", async () => {
    const { post } = await a.sendEphemeralPost({
      userId: author.id,
      post: { channelId: channel.id, message: "only you" },
    });
    expect(post).toMatchObject({ message: "only you", type: "system_ephemeral" });
    expect(callsOf("sendEphemeralPost")[0]).toMatchObject({ actor: { pluginId: PLUGIN_A } });
    expect(callsOf("sendEphemeralPost")[0]?.args[0]).toBe(author.id);
    await expect(a.getPost({ postId: post?.id })).rejects.toBeInstanceOf(NotFoundError);
    await expectInvalid(a.sendEphemeralPost({ post: { channelId: channel.id } }), "user_id");
    await expectInvalid(a.sendEphemeralPost({ userId: author.id, post: {} }), "post.channel_id");
  });
});

describe("files", () => {
  let channel: Channel;
  beforeEach(async () => {
    channel = await newChannel(await newTeam("core"), "general");
  });

  async function* frames(...list: UploadFileRequest["frame"][]) {
    for (const frame of list) {
      yield { frame };
    }
  }

  function chunked(content: Uint8Array, size = MAX_CHUNK_BYTES): UploadFileRequest["frame"][] {
    const list: UploadFileRequest["frame"][] = [];
    for (let offset = 0; offset < content.byteLength; offset += size) {
      list.push({ case: "data", value: content.subarray(offset, offset + size) });
    }
    return list;
  }

  const head = (name: string, channelId = channel.id): UploadFileRequest["frame"] => ({
    case: "head",
    value: { $typeName: "plugwire.v1.UploadFileHead", channelId, name },
  });

  it("stores an upload of several chunks and streams it back byte for byte", async () => {
    const { userId: botId } = await a.ensureBotUser({ username: "filer" });
    const content = randomBytes(200 * 1024 + 17);
    const { fileInfo } = await a.uploadFile(frames(head("docs/Report.PDF"), ...chunked(content)));
    expect(fileInfo).toMatchObject({
      name: "Report.PDF",
      extension: "pdf",
      mimeType: "application/pdf",
      size: BigInt(content.byteLength),
      channelId: channel.id,
      creatorId: botId,
    });
    expect((await a.getFileInfo({ fileId: fileInfo?.id })).fileInfo).toEqual(fileInfo);

    const received = [];
    for await (const response of a.getFile({ fileId: fileInfo?.id })) {
      received.push(response.frame);
    }
    expect(received[0]).toEqual({ case: "fileInfo", value: fileInfo });
    const chunks = received.slice(1).map((frame) => frame.value as Uint8Array);
    expect(received.slice(1).every((frame) => frame.case === "data")).toBe(true);
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks.every((chunk) => chunk.byteLength <= MAX_CHUNK_BYTES)).toBe(true);
    expect(Buffer.concat(chunks).equals(content)).toBe(true);
  });

  it("records no uploader when the plugin has no bot", async () => {
    const { fileInfo } = await b.uploadFile(frames(head("notes"), ...chunked(Buffer.from("x"))));
    expect(fileInfo).toMatchObject({
      creatorId: "",
      extension: "",
      mimeType: "application/octet-stream",
    });
  });

  it("refuses a missing head, a second head, and a frame over 64 KiB", async () => {
    await expectInvalid(a.uploadFile(frames({ case: "data", value: bytes(1) })), "head");
    await expectInvalid(a.uploadFile(frames()), "head");
    await expectInvalid(a.uploadFile(frames(head("a.txt"), head("b.txt"))), "head");
    await expectInvalid(
      a.uploadFile(
        frames(head("a.txt"), { case: "data", value: new Uint8Array(MAX_CHUNK_BYTES + 1) }),
      ),
      "data",
    );
    await expectInvalid(a.uploadFile(frames(head(""))), "head.name");
    await expect(a.uploadFile(frames(head("a.txt", "c404")))).rejects.toBeInstanceOf(NotFoundError);
    expect(await storedFiles()).toEqual([]);
  });

  it("refuses a file over the size limit with status 413 and stores nothing", async () => {
    const error = await failureOf(
      a.uploadFile(frames(head("big.bin"), ...chunked(new Uint8Array(MAX_UPLOAD + 1)))),
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({ id: "api.upload_file.too_large", statusCode: 413 });
    expect(await storedFiles()).toEqual([]);
  });

  it("answers NotFoundError for a missing file, on the stream too", async () => {
    await expect(a.getFileInfo({ fileId: "f404" })).rejects.toBeInstanceOf(NotFoundError);
    const error = await failureOf(
      (async () => {
        for await (const _frame of a.getFile({ fileId: "f404" })) {
          // Nothing arrives before the error.
        }
      })(),
    );
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error.id).toBe("store.file_info.not_found");
  });

  it("links a post's files in the post's write, after the hooks saw the post with its file ids", async () => {
    const seen: [string, string[]][] = [];
    plugins.push({
      pluginId: "com.example.observer",
      implements: (hook) => hook === "MessageWillBePosted" || hook === "MessageHasBeenPosted",
      callHook: async (hook, request) => {
        seen.push([hook, [...((request as { post: Post }).post.fileIds ?? [])]]);
        return { decision: { outcome: { case: "allow", value: {} } } } as never;
      },
      serveHTTP: async () => undefined,
      serveHTTPOnce: async () => undefined,
    });
    const author = await newUser("author");
    // Plugins are trusted with any file of the channel, whoever uploaded it.
    const { fileInfo } = await a.uploadFile(frames(head("a.txt"), ...chunked(Buffer.from("a"))));
    const fileId = fileInfo?.id ?? "";
    const { post } = await a.createPost({
      post: { channelId: channel.id, userId: author.id, message: "see", fileIds: [fileId] },
    });
    expect((await store.getFileInfo(fileId)).postId).toBe(post?.id);
    await hostApp.settled();
    expect(seen).toEqual([
      ["MessageWillBePosted", [fileId]],
      ["MessageHasBeenPosted", [fileId]],
    ]);

    const other = await newChannel(await newTeam("other"), "elsewhere");
    const again = await failureOf(
      a.createPost({ post: { channelId: channel.id, userId: author.id, fileIds: [fileId] } }),
    );
    expect(again).toMatchObject({ id: "app.post.create.file_not_attachable" });
    const { fileInfo: elsewhere } = await a.uploadFile(
      frames(head("b.txt", other.id), ...chunked(Buffer.from("b"))),
    );
    const moved = await failureOf(
      a.createPost({
        post: { channelId: channel.id, userId: author.id, fileIds: [elsewhere?.id ?? ""] },
      }),
    );
    expect(moved).toMatchObject({ id: "app.post.create.file_not_attachable" });
    expect(seen).toHaveLength(2);
  });

  async function storedFiles(): Promise<string[]> {
    return readdir(join(dir, "files")).catch(() => []);
  }
});

const bytes = (...values: number[]) => new Uint8Array(values);

describe("KV store", () => {
  it("writes, reads, lists and deletes the calling plugin's keys", async () => {
    await a.kVSet({ key: "k1", value: bytes(1) });
    await a.kVSet({ key: "k2", value: bytes(2) });
    expect((await a.kVGet({ key: "k1" })).value).toEqual(bytes(1));
    expect((await a.kVGet({ key: "missing" })).value).toBeUndefined();
    expect((await a.kVList({})).keys).toEqual(["k1", "k2"]);
    expect((await a.kVList({ paging: { page: 1, perPage: 1 } })).keys).toEqual(["k2"]);
    await a.kVDelete({ key: "k1" });
    expect((await a.kVList({})).keys).toEqual(["k2"]);
    await a.kVDeleteAll({});
    expect((await a.kVList({})).keys).toEqual([]);
  });

  it("reads many keys in one call: the values of those that exist, absent and expired ones left out", async () => {
    await a.kVSet({ key: "k1", value: bytes(1) });
    await a.kVSet({ key: "k2", value: bytes(2) });
    await a.kVSet({ key: "brief", value: bytes(3), expireInSeconds: 1n });
    await b.kVSet({ key: "k3", value: bytes(9) });
    time += 1_000;
    const { values } = await a.kVGetMany({ keys: ["k2", "missing", "k1", "brief", "k3", "k1"] });
    expect(values).toEqual({ k1: bytes(1), k2: bytes(2) });
    expect((await a.kVGetMany({ keys: [] })).values).toEqual({});
  });

  it("refuses a KVGetMany with an invalid key, or with more than 1000 keys", async () => {
    await expectInvalid(a.kVGetMany({ keys: ["k1", ""] }), "key");
    await expectInvalid(a.kVGetMany({ keys: ["k1", "x".repeat(151)] }), "key");
    const keys = Array.from({ length: MAX_KV_GET_MANY_KEYS + 1 }, (_, i) => `k${i}`);
    await expectInvalid(a.kVGetMany({ keys }), "keys");
    await expect(a.kVGetMany({ keys: keys.slice(1) })).resolves.toBeDefined();
  });

  it("keeps plugins apart: one never reads, lists or deletes another's keys", async () => {
    await a.kVSet({ key: "secret", value: bytes(42) });
    expect((await b.kVGet({ key: "secret" })).value).toBeUndefined();
    expect((await b.kVList({})).keys).toEqual([]);
    await b.kVDelete({ key: "secret" });
    await b.kVDeleteAll({});
    expect(
      await b.kVSetWithOptions({ key: "secret", value: bytes(1), options: { atomic: true } }),
    ).toMatchObject({
      written: true,
    });
    expect((await a.kVGet({ key: "secret" })).value).toEqual(bytes(42));
    expect(await store.kvGet(PLUGIN_B, "secret")).toEqual(bytes(1));
  });

  it("expires keys after the seconds asked for", async () => {
    await a.kVSet({ key: "short", value: bytes(1), expireInSeconds: 10n });
    await a.kVSetWithOptions({ key: "other", value: bytes(2), options: { expireInSeconds: 10n } });
    time += 9_999;
    expect((await a.kVGet({ key: "short" })).value).toEqual(bytes(1));
    time += 1;
    expect((await a.kVGet({ key: "short" })).value).toBeUndefined();
    expect((await a.kVList({})).keys).toEqual([]);
    await expectInvalid(
      a.kVSet({ key: "k", value: bytes(1), expireInSeconds: -1n }),
      "expire_in_seconds",
    );
  });

  it("compare-and-sets, deletes by unset value, and lets one of two concurrent writers win", async () => {
    const cas = (oldValue: Uint8Array | undefined, value: Uint8Array | undefined) =>
      a.kVSetWithOptions({ key: "lock", value, options: { atomic: true, oldValue } });
    expect((await cas(undefined, bytes(1))).written).toBe(true);
    expect((await cas(undefined, bytes(2))).written).toBe(false);
    expect((await cas(bytes(9), bytes(2))).written).toBe(false);
    expect((await cas(bytes(1), bytes(2))).written).toBe(true);

    const race = await Promise.all([cas(bytes(2), bytes(3)), cas(bytes(2), bytes(4))]);
    expect(race.filter((response) => response.written)).toHaveLength(1);

    const current = (await a.kVGet({ key: "lock" })).value;
    expect((await cas(current, undefined)).written).toBe(true);
    expect((await a.kVGet({ key: "lock" })).value).toBeUndefined();
    await a.kVSet({ key: "plain", value: bytes(1) });
    expect((await a.kVSetWithOptions({ key: "plain" })).written).toBe(true);
    expect((await a.kVGet({ key: "plain" })).value).toBeUndefined();
  });

  it("refuses an empty key or one longer than 150 characters", async () => {
    await expect(a.kVSet({ key: "é".repeat(150), value: bytes(1) })).resolves.toBeDefined();
    await expectInvalid(a.kVSet({ key: "x".repeat(151), value: bytes(1) }), "key");
    await expectInvalid(a.kVGet({ key: "" }), "key");
    await expectInvalid(a.kVDelete({ key: "" }), "key");
    await expectInvalid(a.kVSetWithOptions({ key: "" }), "key");
  });
});

describe("slash commands", () => {
  it("registers a command owned by the caller, whatever plugin id the request names", async () => {
    await a.registerCommand({ command: { trigger: "weather", pluginId: PLUGIN_B, teamId: "" } });
    expect(await store.findCommand("any", "weather")).toMatchObject({
      trigger: "weather",
      pluginId: PLUGIN_A,
    });
    const error = await failureOf(b.registerCommand({ command: { trigger: "weather" } }));
    expect(error).toBeInstanceOf(AlreadyExistsError);
    expect(error.params.field).toBe("trigger");

    await b.unregisterCommand({ trigger: "weather" });
    expect(await store.findCommand("any", "weather")).toBeDefined();
    await a.unregisterCommand({ trigger: "weather" });
    expect(await store.findCommand("any", "weather")).toBeUndefined();
  });

  it("refuses a command without a one-word trigger", async () => {
    await expectInvalid(a.registerCommand({}), "command");
    await expectInvalid(a.registerCommand({ command: { trigger: "" } }), "command.trigger");
    await expectInvalid(a.registerCommand({ command: { trigger: "/weather" } }), "command.trigger");
    await expectInvalid(
      a.registerCommand({ command: { trigger: "two words" } }),
      "command.trigger",
    );
    await expectInvalid(a.unregisterCommand({}), "trigger");
  });
});

describe("EnsureBotUser", () => {
  it("creates the plugin's bot once, through the app, without a password", async () => {
    const { userId } = await a.ensureBotUser({
      username: "helper",
      displayName: "Helper",
      description: "Helps",
    });
    expect(await store.getUser(userId)).toMatchObject({
      username: "helper",
      isBot: true,
      firstName: "Helper",
      botDescription: "Helps",
    });
    expect(await store.getPasswordHash(userId)).toBeUndefined();
    expect(callsOf("ensureBotUser")[0]).toMatchObject({
      actor: { pluginId: PLUGIN_A },
      args: [PLUGIN_A, { username: "helper" }],
    });
    expect(await store.getBotUserId(PLUGIN_A, "helper")).toBe(userId);

    const again = await a.ensureBotUser({
      username: "helper",
      displayName: "Helper 2",
      description: "Helps",
    });
    expect(again.userId).toBe(userId);
    expect((await store.getUsers({ page: 0, perPage: 10 })).map((user) => user.username)).toEqual([
      "helper",
    ]);
    expect((await store.getUser(userId)).firstName).toBe("Helper 2");
  });

  it("gives concurrent callers the same bot", async () => {
    const ids = await Promise.all([1, 2, 3].map(() => a.ensureBotUser({ username: "helper" })));
    expect(new Set(ids.map((response) => response.userId)).size).toBe(1);
  });

  it("refuses a username that belongs to a person or to another plugin's bot", async () => {
    await newUser("alice");
    const person = await failureOf(a.ensureBotUser({ username: "alice" }));
    expect(person).toBeInstanceOf(AlreadyExistsError);
    expect(person.message).toContain("a person's account");

    await b.ensureBotUser({ username: "helper" });
    const other = await failureOf(a.ensureBotUser({ username: "helper" }));
    expect(other).toBeInstanceOf(AlreadyExistsError);
    expect(other.params.field).toBe("username");
    await expectInvalid(a.ensureBotUser({}), "username");
  });
});

describe("cluster events", () => {
  it("publishes through the app as the calling plugin", async () => {
    await a.publishPluginClusterEvent({
      event: { id: "refresh", data: bytes(1, 2) },
      targetId: "host-2",
    });
    const [call] = callsOf("publishPluginClusterEvent");
    expect(call?.actor).toEqual({ pluginId: PLUGIN_A });
    expect(call?.args[0]).toBe(PLUGIN_A);
    expect(call?.args[1]).toMatchObject({ id: "refresh", data: bytes(1, 2) });
    expect(call?.args[2]).toBe("host-2");
    await expectInvalid(a.publishPluginClusterEvent({}), "event");
    await expectInvalid(a.publishPluginClusterEvent({ event: { data: bytes(1) } }), "event.id");
  });
});

describe("authentication", () => {
  it("refuses a client with another plugin's token or none", async () => {
    const socketPath = join(dir, "a.sock");
    for (const authorization of ["Bearer token-b", undefined]) {
      const connection = connectPluginApi(socketPath, authorization);
      connections.push(connection);
      await expect(connection.client.kVGet({ key: "k" })).rejects.toBeInstanceOf(
        UnauthenticatedError,
      );
    }
  });
});

describe("coverage", () => {
  it("has called every PluginAPI method in the tests above", () => {
    const methods = PluginAPI.methods.map((method) => method.localName);
    expect(methods.filter((method) => !calledMethods.has(method))).toEqual([]);
  });
});

// SqliteStore: the whole Store contract on a database file and on ":memory:", then what only
// SQLite has: a file that keeps everything across reopening, and connections sharing a file.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { create } from "@bufbuild/protobuf";
import {
  ChannelMemberSchema,
  ChannelSchema,
  CommandSchema,
  FileInfoSchema,
  PostSchema,
  TeamSchema,
  UserSchema,
} from "@plugwire/protocol";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { storeContract } from "./contract/store.contract.js";
import { bytes, expectEqualMessages, START } from "./contract/store-test.js";
import { openSqliteStore } from "./sqlite-store.js";
import type { Store } from "./store.js";
import { filledMessage } from "./test-fixtures/filled-message.js";

let dir: string;
const opened: Store[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "plugwire-store-"));
});
afterEach(async () => {
  await Promise.all(opened.splice(0).map((store) => store.close()));
  await rm(dir, { recursive: true, force: true });
});

async function openAt(path: string, now: () => number = () => START): Promise<Store> {
  const store = await openSqliteStore({ path, now });
  opened.push(store);
  return store;
}

describe.each([
  ["a database file", () => join(dir, "plugwire.db")],
  ["an in-memory database", () => ":memory:"],
])("SqliteStore on %s", (_where, pathOf) => {
  storeContract((now) => openAt(pathOf(), now));
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
    await first.setPluginEnabled("com.example.a", true);
    await first.setPluginEnabled("com.example.b", true);
    await first.setPluginEnabled("com.example.b", false);
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
    expect(await second.getPluginStates()).toEqual(
      new Map([
        ["com.example.a", true],
        ["com.example.b", false],
      ]),
    );
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

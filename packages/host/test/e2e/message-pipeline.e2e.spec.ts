// The posting pipeline through three real plugin processes: MessageWillBePosted runs in
// ascending plugin-id order, each plugin sees the previous one's modification, the first
// rejection or dismissal stops the post, a plugin that throws or misses its deadline is
// skipped (message hooks fail open), and MessageHasBeenPosted follows every stored post.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { create } from "@bufbuild/protobuf";
import { ValidationError } from "@plugwire/errors";
import { ChannelSchema, PostSchema, TeamSchema, UserSchema } from "@plugwire/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST_DISMISSED_ID, POST_REJECTED_ID } from "../../src/app/host-app.js";
import { createHost, type Host } from "../../src/host.js";
import type { LogEntry } from "../../src/log.js";
import { MemoryFileStore } from "../../src/store/memory-file-store.js";
import { openSqliteStore } from "../../src/store/sqlite-store.js";

const fixtures = join(dirname(fileURLToPath(import.meta.url)), "../../test-fixtures/e2e");
const plugins = ["a-modifier", "b-observer", "c-thrower"];

let dataDir: string;
let host: Host;
const logs: LogEntry[] = [];
let userId: string;
let channelId: string;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "pw-pipe-"));
  host = await createHost({
    store: await openSqliteStore({ path: join(dataDir, "plugwire.db") }),
    files: new MemoryFileStore(),
    log: (entry) => logs.push(entry),
    hookTimeoutMs: 500,
  });
  // Loaded in reverse so that dispatch order can't come from load order.
  for (const name of [...plugins].reverse()) {
    await host.loadPlugin(join(fixtures, name));
    await host.enablePlugin(`com.test.${name}`);
  }
  userId = (
    await host.store.createUser(create(UserSchema, { username: "poster", email: "p@example.com" }))
  ).id;
  const team = await host.store.createTeam(
    create(TeamSchema, { name: "pipeline", displayName: "P", type: "O" }),
  );
  channelId = (
    await host.store.createChannel(
      create(ChannelSchema, { teamId: team.id, name: "c", displayName: "C", type: "O" }),
    )
  ).id;
});

afterAll(async () => {
  await host?.close();
  await rm(dataDir, { recursive: true, force: true });
});

function post(message: string) {
  return host.app.createPost({ userId }, create(PostSchema, { channelId, userId, message }));
}

async function postedRecord(postId: string): Promise<string | undefined> {
  await host.app.settled();
  const value = await host.store.kvGet("com.test.c-thrower", `posted:${postId}`);
  return value && new TextDecoder().decode(value);
}

describe("MessageWillBePosted", () => {
  it("runs in plugin-id order, each plugin seeing the previous one's modification", async () => {
    const stored = await post("please shout");
    expect(stored.message).toBe("PLEASE SHOUT [b saw: PLEASE SHOUT]");
    expect((await host.store.getPost(stored.id)).message).toBe(stored.message);
  });

  it("stops at the first rejection, with the plugin's reason, storing nothing", async () => {
    const before = await host.store.getPostsForChannel(channelId, { page: 0, perPage: 200 });
    const attempt = post("reject-me please");
    await expect(attempt).rejects.toBeInstanceOf(ValidationError);
    await expect(attempt).rejects.toMatchObject({
      id: POST_REJECTED_ID,
      params: { plugin_id: "com.test.b-observer", reason: "b says no" },
    });
    expect(await host.store.getPostsForChannel(channelId, { page: 0, perPage: 200 })).toHaveLength(
      before.length,
    );
  });

  it("drops a dismissed post silently: the later plugins never see it", async () => {
    await expect(post("dismiss-me")).rejects.toMatchObject({ id: POST_DISMISSED_ID });
  });

  it("fails open when a plugin throws: the post is stored and the failure logged with the hook", async () => {
    const stored = await post("boom");
    expect(stored.id).not.toBe("");
    expect(
      logs.some(
        (entry) =>
          entry.level === "warn" &&
          entry.msg.includes("MessageWillBePosted") &&
          entry.msg.includes("boom from c-thrower"),
      ),
    ).toBe(true);
  });

  it("fails open when a plugin misses the hook deadline", async () => {
    const stored = await post("slow one");
    expect(stored.id).not.toBe("");
  });
});

describe("MessageHasBeenPosted", () => {
  it("follows each stored post, with the stored text", async () => {
    const stored = await post("hello pipeline");
    await expect.poll(() => postedRecord(stored.id)).toBe(stored.message);
  });
});

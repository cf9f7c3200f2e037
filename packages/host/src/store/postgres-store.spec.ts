// PostgresStore: the whole Store contract, each test in a new, empty schema of the throwaway
// server the globalSetup started, then what only a shared database server has: many clients
// (as many hosts would be) counting with compare-and-set, hosts starting together on a new
// database, a database written by a newer host, and everything kept across reconnecting.
import { create } from "@bufbuild/protobuf";
import {
  ChannelSchema,
  FileInfoSchema,
  PostSchema,
  TeamSchema,
  UserSchema,
} from "@plugwire/protocol";
import pg from "pg";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  postgresUnderTest,
  TestSchemas,
} from "../../test-fixtures/postgres/postgres-test-database.js";
import { storeContract } from "./contract/store.contract.js";
import { bytes, expectEqualMessages, START } from "./contract/store-test.js";
import { migrations } from "./migrations.js";
import { postgresMigrations } from "./postgres/postgres-migrations.js";
import { openPostgresStore } from "./postgres-store.js";
import type { Store } from "./store.js";

const server = postgresUnderTest();
const serverUrl = "url" in server ? server.url : "";
const unavailable =
  "unavailable" in server ? ` (SKIPPED: ${server.unavailable.split("\n")[0]})` : "";

describe.skipIf(serverUrl === "")(`PostgresStore${unavailable}`, () => {
  let schemas: TestSchemas;
  const opened: Store[] = [];

  beforeAll(() => {
    schemas = new TestSchemas(serverUrl);
  });
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((store) => store.close()));
  });
  afterAll(async () => {
    await schemas.dropAll();
  });

  async function openAt(url: string, now: () => number = () => START): Promise<Store> {
    const store = await openPostgresStore({ url, now });
    opened.push(store);
    return store;
  }

  describe("the contract", () => {
    storeContract(async (now) => openPostgresStore({ url: await schemas.emptiedUrl(), now }));
  });

  it("has a migration for every SQLite migration, with the same version and description", () => {
    expect(
      postgresMigrations.map(({ version, description }) => ({ version, description })),
    ).toEqual(migrations.map(({ version, description }) => ({ version, description })));
  });

  it("loses no increment when many clients count with compare-and-set at once", async () => {
    const url = await schemas.freshUrl();
    // Separate pools, as separate hosts would have.
    const clients = await Promise.all(Array.from({ length: 8 }, () => openAt(url)));
    await clients[0]?.kvSet("p", "n", bytes(0, 0));
    let successes = 0;
    const incrementer = async (store: Store) => {
      for (let attempt = 0; attempt < 25; attempt++) {
        const current = (await store.kvGet("p", "n")) ?? bytes(0, 0);
        const count = ((current[0] ?? 0) << 8) + (current[1] ?? 0) + 1;
        if (
          await store.kvSet("p", "n", bytes(count >> 8, count & 0xff), {
            atomic: true,
            oldValue: current,
          })
        ) {
          successes++;
        }
      }
    };
    await Promise.all(clients.map(incrementer));
    const final = (await clients[1]?.kvGet("p", "n")) ?? bytes();
    expect(successes).toBeGreaterThan(8);
    expect(((final[0] ?? 0) << 8) + (final[1] ?? 0)).toBe(successes);
  });

  it("lets exactly one of many clients create an absent key with compare-and-set", async () => {
    const url = await schemas.freshUrl();
    const clients = await Promise.all(Array.from({ length: 8 }, () => openAt(url)));
    const results = await Promise.all(
      clients.map((store, index) => store.kvSet("p", "lock", bytes(index), { atomic: true })),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await clients[0]?.kvGet("p", "lock")).toEqual(bytes(results.indexOf(true)));
  });

  it("gives a username to exactly one of many clients creating it at once", async () => {
    const url = await schemas.freshUrl();
    const clients = await Promise.all(Array.from({ length: 6 }, () => openAt(url)));
    const results = await Promise.allSettled(
      clients.map((store, index) =>
        store.createUser(create(UserSchema, { username: "taken", email: `u${index}@example.com` })),
      ),
    );
    expect(results.filter((result) => result.status === "fulfilled")).toHaveLength(1);
    for (const result of results) {
      if (result.status === "rejected") {
        expect(result.reason).toMatchObject({ id: "store.user.username_exists" });
      }
    }
  });

  it("counts every post of many clients posting to one channel at once", async () => {
    const url = await schemas.freshUrl();
    const clients = await Promise.all(Array.from({ length: 6 }, () => openAt(url)));
    const first = clients[0] as Store;
    const user = await first.createUser(create(UserSchema, { username: "poster" }));
    const team = await first.createTeam(create(TeamSchema, { name: "team", type: "O" }));
    const channel = await first.createChannel(
      create(ChannelSchema, { teamId: team.id, name: "town", type: "O" }),
    );
    await Promise.all(
      clients.flatMap((store) =>
        Array.from({ length: 5 }, () =>
          store.createPost(
            create(PostSchema, { channelId: channel.id, userId: user.id, message: "hi" }),
          ),
        ),
      ),
    );
    expect((await first.getChannel(channel.id)).totalMsgCount).toBe(30n);
  });

  it("counts every reply and mention of many clients replying to one thread at once", async () => {
    const url = await schemas.freshUrl();
    const clients = await Promise.all(Array.from({ length: 6 }, () => openAt(url)));
    const first = clients[0] as Store;
    const poster = await first.createUser(create(UserSchema, { username: "poster" }));
    const reader = await first.createUser(create(UserSchema, { username: "reader" }));
    const team = await first.createTeam(create(TeamSchema, { name: "team", type: "O" }));
    const channel = await first.createChannel(
      create(ChannelSchema, { teamId: team.id, name: "town", type: "O" }),
    );
    await first.addChannelMember(channel.id, poster.id);
    await first.addChannelMember(channel.id, reader.id);
    const root = await first.createPost(
      create(PostSchema, { channelId: channel.id, userId: poster.id, message: "root" }),
    );
    await Promise.all(
      clients.flatMap((store) =>
        Array.from({ length: 5 }, () =>
          store.createPost(
            create(PostSchema, {
              channelId: channel.id,
              userId: poster.id,
              rootId: root.id,
              message: "@reader look",
            }),
          ),
        ),
      ),
    );
    const thread = await first.getPostThread(root.id);
    expect(thread.order).toHaveLength(31);
    expect(new Set(Object.values(thread.posts).map((post) => post.replyCount))).toEqual(
      new Set([30n]),
    );
    expect((await first.getChannelMember(channel.id, reader.id))?.mentionCount).toBe(30n);
    expect((await first.getChannelMember(channel.id, poster.id))?.msgCount).toBe(31n);
  });

  it("indexes for search the posts a database held before the search migration", async () => {
    const url = await schemas.freshUrl();
    const before = await openPostgresStore({ url, now: () => START });
    const user = await before.createUser(create(UserSchema, { username: "poster" }));
    const team = await before.createTeam(create(TeamSchema, { name: "team", type: "O" }));
    const channel = await before.createChannel(
      create(ChannelSchema, { teamId: team.id, name: "town", type: "O" }),
    );
    const post = await before.createPost(
      create(PostSchema, { channelId: channel.id, userId: user.id, message: "old apples" }),
    );
    await before.close();
    // Back to the schema before migration 6, with the post in it.
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query(`ALTER TABLE posts DROP COLUMN "message_search";
      DROP INDEX posts_channel_updated; DROP INDEX posts_pinned;
      DROP TEXT SEARCH CONFIGURATION plugwire_search;
      DROP TEXT SEARCH DICTIONARY plugwire_english_stem;
      DELETE FROM schema_migrations WHERE "version" = 6`);
    await client.end();
    const after = await openAt(url);
    const found = await after.searchPosts({
      teamId: team.id,
      terms: "apple",
      excludedTerms: "",
      orTerms: false,
      inChannelIds: [],
      excludedChannelIds: [],
      fromUserIds: [],
      excludedUserIds: [],
      includeDeletedChannels: false,
      page: { page: 0, perPage: 10 },
    });
    expect(found.map((each) => each.id)).toEqual([post.id]);
  });

  it("migrates a new database once when several hosts start on it together", async () => {
    const url = await schemas.freshUrl();
    await Promise.all(Array.from({ length: 4 }, () => openAt(url)));
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const { rows } = await client.query(`SELECT "version" FROM schema_migrations ORDER BY 1`);
    await client.end();
    expect(rows.map((row) => row.version)).toEqual(postgresMigrations.map((m) => m.version));
  });

  it("refuses a database written by a newer host, saying which versions", async () => {
    const url = await schemas.freshUrl();
    const store = await openPostgresStore({ url });
    await store.close();
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const newer = Math.max(...postgresMigrations.map((m) => m.version)) + 1;
    await client.query(
      `INSERT INTO schema_migrations ("version", "description", "applied_at") VALUES ($1, 'future', 0)`,
      [newer],
    );
    await client.end();
    await expect(openPostgresStore({ url })).rejects.toMatchObject({
      id: "store.migrations.newer_schema",
      message: expect.stringContaining(`schema version ${newer}`),
    });
  });

  it("refuses text PostgreSQL can't hold (NUL) as a ValidationError", async () => {
    const store = await openAt(await schemas.freshUrl());
    await expect(
      store.createUser(create(UserSchema, { username: "nul", nickname: "a\u0000b" })),
    ).rejects.toMatchObject({ name: "ValidationError", id: "store.postgres.invalid_text" });
  });

  it("says which database it can't reach, without its password", async () => {
    const error = await openPostgresStore({
      url: "postgresql://someone:secret@127.0.0.1:1/nowhere",
    }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ id: "store.postgres.connect_failed" });
    expect((error as Error).message).toContain("127.0.0.1:1/nowhere");
    expect((error as Error).message).not.toContain("secret");
  });

  it("keeps everything across closing and reconnecting", async () => {
    const url = await schemas.freshUrl();
    const first = await openAt(url);
    const user = await first.createUser(create(UserSchema, { username: "kept" }), "hash");
    const team = await first.createTeam(create(TeamSchema, { name: "kept", type: "O" }));
    const channel = await first.createChannel(
      create(ChannelSchema, { teamId: team.id, name: "kept", type: "O" }),
    );
    const file = await first.saveFileInfo(create(FileInfoSchema, { channelId: channel.id }));
    const post = await first.createPost(
      create(PostSchema, { channelId: channel.id, userId: user.id, fileIds: [file.id] }),
    );
    await first.kvSet("p", "k", bytes(1, 2, 3));
    await first.close();

    const second = await openAt(url);
    expectEqualMessages(UserSchema, await second.getUser(user.id), user);
    expect(await second.getPasswordHash(user.id)).toBe("hash");
    expectEqualMessages(PostSchema, await second.getPost(post.id), post);
    expect((await second.getFileInfo(file.id)).postId).toBe(post.id);
    expect(await second.kvGet("p", "k")).toEqual(bytes(1, 2, 3));
  });
});

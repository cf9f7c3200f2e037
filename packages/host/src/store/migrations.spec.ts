import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  ChannelMemberSchema,
  ChannelSchema,
  CommandSchema,
  FileInfoSchema,
  PostSchema,
  TeamMemberSchema,
  TeamSchema,
  UserSchema,
} from "@plugwire/protocol";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type Migration, migrate, migrations } from "./migrations.js";
import { rowCodec } from "./row-codec.js";
import { openSqliteStore } from "./sqlite-store.js";

let dir: string;
let path: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "plugwire-migrations-"));
  path = join(dir, "plugwire.db");
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function appliedVersions(db: Database.Database): number[] {
  return db
    .prepare<[], { version: number }>(`SELECT "version" FROM schema_migrations ORDER BY 1`)
    .all()
    .map((row) => row.version);
}

describe("migrate", () => {
  it("applies every migration to a new database and records each version", () => {
    const db = new Database(path);
    migrate(db, path);
    expect(appliedVersions(db)).toEqual(migrations.map((migration) => migration.version));
    db.close();
  });

  it("is idempotent: a second run applies nothing and changes nothing", async () => {
    const db = new Database(path);
    migrate(db, path);
    const schema = db.prepare("SELECT sql FROM sqlite_master ORDER BY name").all();
    migrate(db, path);
    expect(appliedVersions(db)).toEqual(migrations.map((migration) => migration.version));
    expect(db.prepare("SELECT sql FROM sqlite_master ORDER BY name").all()).toEqual(schema);
    db.close();
    const store = await openSqliteStore({ path });
    await store.close();
  });

  it("applies only the migrations a database lacks, in order", () => {
    const db = new Database(path);
    const first: Migration = { version: 1, description: "a", sql: "CREATE TABLE a (x INTEGER)" };
    const second: Migration = { version: 2, description: "b", sql: "CREATE TABLE b (y INTEGER)" };
    migrate(db, path, [first]);
    migrate(db, path, [first, second]);
    expect(appliedVersions(db)).toEqual([1, 2]);
    db.close();
  });

  it("rolls a failing migration back whole and leaves its version unapplied", () => {
    const db = new Database(path);
    const broken: Migration = {
      version: 1,
      description: "half-broken",
      sql: "CREATE TABLE a (x INTEGER); CREATE TABLE a (x INTEGER);",
    };
    expect(() => migrate(db, path, [broken])).toThrow(/already exists/);
    expect(appliedVersions(db)).toEqual([]);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'a'").get()).toBeUndefined();
    db.close();
  });

  it("refuses a database written by a newer host, saying what to do", async () => {
    const db = new Database(path);
    migrate(db, path);
    db.prepare(
      `INSERT INTO schema_migrations ("version", "description", "applied_at") VALUES (999, 'future', 0)`,
    ).run();
    db.close();
    await expect(openSqliteStore({ path })).rejects.toMatchObject({
      name: "InternalError",
      id: "store.migrations.newer_schema",
      message: expect.stringMatching(/schema version 999.*upgrade the host/),
    });
  });

  it("gives every field of each stored model a column of the same name", () => {
    const db = new Database(":memory:");
    migrate(db, ":memory:");
    const tables = {
      users: UserSchema,
      teams: TeamSchema,
      team_members: TeamMemberSchema,
      channels: ChannelSchema,
      channel_members: ChannelMemberSchema,
      posts: PostSchema,
      file_infos: FileInfoSchema,
      commands: CommandSchema,
    };
    for (const [table, schema] of Object.entries(tables)) {
      const columns = db
        .prepare<[], { name: string }>(`SELECT name FROM pragma_table_info('${table}')`)
        .all()
        .map((column) => column.name);
      expect(columns, table).toEqual(expect.arrayContaining([...rowCodec(schema).columns]));
    }
    db.close();
  });
});

describe("openSqliteStore", () => {
  it("runs a file database in WAL mode", async () => {
    const store = await openSqliteStore({ path });
    await store.close();
    const db = new Database(path);
    expect(db.pragma("journal_mode", { simple: true })).toBe("wal");
    db.close();
  });

  it("says which database it could not open and what to check", async () => {
    await expect(
      openSqliteStore({ path: join(dir, "missing", "folder", "x.db") }),
    ).rejects.toMatchObject({
      id: "store.sqlite.open_failed",
      message: expect.stringMatching(/missing\/folder\/x\.db.*folder exists/),
    });
  });
});

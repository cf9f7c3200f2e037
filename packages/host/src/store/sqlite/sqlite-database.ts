// The one handle every SQLite aggregate store shares: the connection, its prepared statements
// and its clock. Sharing it is what lets a write that spans aggregates (a post bumping its
// channel's counters and linking its files) run as one transaction.
//
// better-sqlite3 is synchronous, so a method's check and the write that depends on it run
// without any other call of this process in between; doing them in one IMMEDIATE transaction
// keeps other processes sharing the file out as well.
import { InternalError } from "@plugwire/errors";
import Database from "better-sqlite3";
import { migrate } from "../migrations.js";
import type { PageQuery } from "../page-query.js";
import type { Row } from "../row-codec.js";
import { requirePage } from "../store-errors.js";

export interface SqliteDatabaseOptions {
  /** The database file, created when missing; ":memory:" for a private in-memory database. */
  path: string;
  /** The clock, in ms since the epoch. Injectable so tests drive timestamps and KV expiry. */
  now?: () => number;
}

/**
 * Opens (creating and migrating when needed) a SQLite database. A file database runs in WAL
 * mode so that readers never wait for the writer.
 */
export function openSqliteDatabase(options: SqliteDatabaseOptions): SqliteDatabase {
  let db: Database.Database;
  try {
    db = new Database(options.path);
  } catch (cause) {
    throw new InternalError({
      id: "store.sqlite.open_failed",
      message: `Can't open the SQLite database ${options.path}: ${(cause as Error).message}. Check that its folder exists and is writable.`,
      cause,
    });
  }
  try {
    if (options.path !== ":memory:") {
      db.pragma("journal_mode = WAL");
      // With WAL this never corrupts the file; a power cut can lose only the latest commits.
      db.pragma("synchronous = NORMAL");
    }
    // Other processes sharing the file wait for a write lock instead of failing at once.
    db.pragma("busy_timeout = 5000");
    // int64 fields come back as bigint, so no timestamp or counter is rounded.
    db.defaultSafeIntegers(true);
    migrate(db, options.path);
  } catch (error) {
    db.close();
    throw error;
  }
  return new SqliteDatabase(db, options.now ?? Date.now);
}

export class SqliteDatabase {
  /** Prepared statements, cached by their text. */
  private readonly statements = new Map<string, Database.Statement>();

  constructor(
    private readonly db: Database.Database,
    private readonly clock: () => number,
  ) {}

  /** The clock's time, as the int64 the tables hold. */
  now(): bigint {
    return BigInt(Math.trunc(this.clock()));
  }

  one(sql: string, ...params: unknown[]): Row | undefined {
    return this.statement(sql).get(...params) as Row | undefined;
  }

  all(sql: string, ...params: unknown[]): Row[] {
    return this.statement(sql).all(...params) as Row[];
  }

  run(sql: string, ...params: unknown[]): Database.RunResult {
    return this.statement(sql).run(...params);
  }

  /** Runs work in one IMMEDIATE transaction: it holds the write lock from its first read. */
  write<T>(work: () => T): T {
    return this.db.transaction(work).immediate();
  }

  close(): void {
    if (this.db.open) {
      this.db.close();
    }
  }

  private statement(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (statement === undefined) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }
}

/** LIMIT and OFFSET of a page, for a statement's named parameters. */
export function limitOffset(page: PageQuery): { limit: number; offset: number } {
  // SQLite reads a negative LIMIT as "no limit": refuse it rather than return everything.
  requirePage(page);
  return { limit: page.perPage, offset: page.page * page.perPage };
}

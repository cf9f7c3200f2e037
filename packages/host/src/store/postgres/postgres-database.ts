// The one handle every PostgreSQL aggregate store shares: the connection pool, the clock, and
// the few helpers that make a port of a SQLite aggregate store mechanical. Statements keep the
// SQLite stores' placeholders: `?` for positional parameters, `@name` with one object of named
// ones (row-codec.ts writes its INSERT and UPDATE clauses that way); both become `$n` here.
//
// A statement outside `write` runs alone on any pooled connection (autocommit). `write` runs a
// check and the writes that depend on it as one transaction on one connection, retried when
// PostgreSQL reports a serialization failure or a deadlock. SERIALIZABLE by default, so that a
// check such as "the username is free" still holds when the write commits, on every host
// sharing the database; READ COMMITTED where every write is safe on its own (counters bumped
// in place, a row claimed by an UPDATE whose WHERE re-checks it), so that writers to one hot
// row (a busy channel's post count) wait for each other instead of failing and retrying.
import { AlreadyExistsError, InternalError, ValidationError } from "@plugwire/errors";
import pg from "pg";
import type { PageQuery } from "../page-query.js";
import type { PostgresStoreOptions } from "../postgres-store.js";
import type { Row } from "../row-codec.js";
import { requirePage } from "../store-errors.js";
import { redactUrl } from "./database-url.js";
import { migratePostgres } from "./postgres-migrations.js";

/** What a statement runs on: the pool (autocommit) or one transaction's connection. */
export interface PostgresQueries {
  /** The clock's time, as the int64 the tables hold. */
  now(): bigint;
  one(sql: string, ...params: unknown[]): Promise<Row | undefined>;
  all(sql: string, ...params: unknown[]): Promise<Row[]>;
  /** Runs a statement; resolves with the number of rows it inserted, changed or deleted. */
  run(sql: string, ...params: unknown[]): Promise<number>;
}

const INT8_OID = 20;
/** int64 columns come back as bigint, as better-sqlite3 returns them with safe integers on. */
const types = {
  getTypeParser: ((oid: number, format?: "text" | "binary") =>
    oid === INT8_OID && format !== "binary"
      ? (value: string) => BigInt(value)
      : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

/** Opens a pool on the database and brings it to the latest schema (see postgres-migrations.ts). */
export async function openPostgresDatabase(
  options: PostgresStoreOptions,
): Promise<PostgresDatabase> {
  const where = redactUrl(options.url);
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.maxConnections ?? 10,
    types,
  });
  // An idle connection that the server ends (restart, network) is dropped from the pool, not
  // thrown at the process.
  pool.on("error", () => undefined);
  try {
    const client = await pool.connect().catch((cause: Error) => {
      throw new InternalError({
        id: "store.postgres.connect_failed",
        message: `Can't connect to the PostgreSQL database ${where}: ${cause.message}. Check the URL, that the server runs and that it accepts this user.`,
        cause,
      });
    });
    try {
      await migratePostgres(client, where);
    } finally {
      client.release();
    }
  } catch (error) {
    await pool.end();
    throw error;
  }
  return new PostgresDatabase(pool, options.now ?? Date.now);
}

/** How many times `write` runs its work when PostgreSQL keeps reporting conflicts. */
const MAX_ATTEMPTS = 20;
const RETRYABLE = new Set(["40001", "40P01"]);

export type Isolation = "serializable" | "read committed";

export class PostgresDatabase implements PostgresQueries {
  constructor(
    private readonly pool: pg.Pool,
    private readonly clock: () => number,
  ) {}

  now(): bigint {
    return BigInt(Math.trunc(this.clock()));
  }

  async one(sql: string, ...params: unknown[]): Promise<Row | undefined> {
    return (await query(this.pool, sql, params)).rows[0];
  }

  async all(sql: string, ...params: unknown[]): Promise<Row[]> {
    return (await query(this.pool, sql, params)).rows;
  }

  async run(sql: string, ...params: unknown[]): Promise<number> {
    return (await query(this.pool, sql, params)).rowCount ?? 0;
  }

  /**
   * Runs work in one transaction on one connection, running it again (from the start, so it
   * must only touch the database) when it lost to a concurrent transaction.
   */
  async write<T>(
    work: (tx: PostgresQueries) => Promise<T>,
    isolation: Isolation = "serializable",
  ): Promise<T> {
    const client = await this.pool.connect();
    try {
      for (let attempt = 1; ; attempt++) {
        try {
          await client.query(`BEGIN ISOLATION LEVEL ${isolation.toUpperCase()}`);
          const result = await work(transactionQueries(client, this.clock));
          await client.query("COMMIT");
          return result;
        } catch (error) {
          await client.query("ROLLBACK").catch(() => undefined);
          const code = (error as { code?: string }).code;
          if (code === undefined || !RETRYABLE.has(code) || attempt >= MAX_ATTEMPTS) {
            throw error;
          }
          // Back off a little, more each time, so that the contenders stop meeting.
          await new Promise((resolve) => setTimeout(resolve, Math.random() * 2 * attempt));
        }
      }
    } finally {
      client.release();
    }
  }

  async close(): Promise<void> {
    if (!this.pool.ended) {
      await this.pool.end();
    }
  }
}

function transactionQueries(client: pg.PoolClient, clock: () => number): PostgresQueries {
  return {
    now: () => BigInt(Math.trunc(clock())),
    one: async (sql, ...params) => (await query(client, sql, params)).rows[0],
    all: async (sql, ...params) => (await query(client, sql, params)).rows,
    run: async (sql, ...params) => (await query(client, sql, params)).rowCount ?? 0,
  };
}

/** LIMIT and OFFSET of a page, for a statement's named parameters. */
export function limitOffset(page: PageQuery): { limit: number; offset: number } {
  requirePage(page);
  return { limit: page.perPage, offset: page.page * page.perPage };
}

/**
 * `ON CONFLICT (keys) DO UPDATE SET` every other column to the new row's: what SQLite's
 * INSERT OR REPLACE does to a row with the same key.
 */
export function replaceOnConflict(keys: readonly string[], columns: readonly string[]): string {
  const quote = (column: string) => `"${column}"`;
  const others = columns.filter((column) => !keys.includes(column));
  return `ON CONFLICT (${keys.map(quote).join(", ")}) DO UPDATE SET ${others
    .map((column) => `${quote(column)} = excluded.${quote(column)}`)
    .join(", ")}`;
}

type Queryable = pg.Pool | pg.PoolClient;

async function query(on: Queryable, sql: string, params: unknown[]): Promise<pg.QueryResult<Row>> {
  const named = params.length === 1 && isNamedParameters(params[0]);
  const compiled = compile(sql, named);
  const values = named
    ? compiled.names.map((name) => namedValue(params[0] as Record<string, unknown>, name, sql))
    : params;
  try {
    return await on.query<Row>({ name: compiled.name, text: compiled.text, values });
  } catch (error) {
    throw translateError(error);
  }
}

function isNamedParameters(value: unknown): boolean {
  return (
    typeof value === "object" &&
    value !== null &&
    !Array.isArray(value) &&
    !ArrayBuffer.isView(value)
  );
}

function namedValue(params: Record<string, unknown>, name: string, sql: string): unknown {
  if (!(name in params)) {
    throw new InternalError({
      id: "store.postgres.missing_parameter",
      message: `The statement needs the parameter @${name}, which was not given: ${sql}`,
    });
  }
  return params[name];
}

interface Compiled {
  /**
   * The name it is prepared under on each connection, so that PostgreSQL parses and plans a
   * statement once per connection rather than at every call.
   */
  name: string;
  text: string;
  /** The named parameter of each $n, in order. */
  names: string[];
}

const compiled = new Map<string, Compiled>();
// Quoted strings and identifiers are kept as they are; only placeholders outside them change.
const PLACEHOLDER = /'(?:[^']|'')*'|"(?:[^"]|"")*"|@([A-Za-z_][A-Za-z0-9_]*)|\?/g;

/** `?` (positional) or `@name` (named) placeholders as PostgreSQL's `$n`, cached by text. */
function compile(sql: string, named: boolean): Compiled {
  const key = `${named ? "@" : "?"}${sql}`;
  let result = compiled.get(key);
  if (result === undefined) {
    const names: string[] = [];
    let positional = 0;
    const text = sql.replace(PLACEHOLDER, (match, name: string | undefined) => {
      if (match.startsWith("'") || match.startsWith('"')) return match;
      if (match === "?") return named ? match : `$${++positional}`;
      if (!named || name === undefined) return match;
      let index = names.indexOf(name);
      if (index < 0) index = names.push(name) - 1;
      return `$${index + 1}`;
    });
    result = { name: `plugwire_${compiled.size}`, text, names };
    compiled.set(key, result);
  }
  return result;
}

/** Errors a caller can act on, as the errors every store throws; the rest unchanged. */
function translateError(error: unknown): unknown {
  const { code, constraint } = error as { code?: string; constraint?: string };
  switch (code) {
    // A unique clash no check inside the transaction caught (a write outside `write`).
    case "23505":
      return new AlreadyExistsError({
        id: "store.postgres.unique_violation",
        message: `A row with the same key exists already (${constraint ?? "unique constraint"}).`,
        params: { constraint: constraint ?? "" },
        cause: error,
      });
    // PostgreSQL's text can't hold the NUL character, which SQLite's can.
    case "22021":
    case "22P05":
      return new ValidationError({
        id: "store.postgres.invalid_text",
        message: `A text field holds a character PostgreSQL can't store (such as NUL): ${(error as Error).message}`,
        cause: error,
      });
    default:
      return error;
  }
}

// What a PostgreSQL spec uses: the server the globalSetup started (postgres-global-setup.ts),
// and on it a new, empty schema per store under test, so each test starts from nothing
// without the cost of a database per test. A schema is chosen through the URL's
// `options=-c search_path=…`, which is how an operator would place Plugwire in a schema too.
import { randomBytes } from "node:crypto";
import pg from "pg";
import { inject } from "vitest";
import type { PostgresUnderTest } from "./postgres-global-setup.js";

/** The server of this run, or why there is none (the specs then skip, loudly). */
export function postgresUnderTest(): PostgresUnderTest {
  return inject("postgres");
}

/** Makes schemas on one server and drops them all at the end. */
export class TestSchemas {
  private readonly admin: pg.Pool;
  private readonly created: string[] = [];
  private reused: string | undefined;

  constructor(private readonly serverUrl: string) {
    this.admin = new pg.Pool({ connectionString: serverUrl, max: 2 });
  }

  /** A URL whose connections work in a new, empty schema. */
  async freshUrl(): Promise<string> {
    const schema = `test_${randomBytes(6).toString("hex")}`;
    await this.admin.query(`CREATE SCHEMA ${schema}`);
    this.created.push(schema);
    return withSearchPath(this.serverUrl, schema);
  }

  /**
   * A URL of one schema kept for the calls of this TestSchemas, emptied of every row (its
   * tables and migrations stay) at each call: as new as freshUrl for a store, and much faster
   * than migrating a new schema per test. Only for tests that run one after another and close
   * their stores before the next one starts, as the contract suites do.
   */
  async emptiedUrl(): Promise<string> {
    if (this.reused === undefined) {
      this.reused = await this.freshUrl();
      return this.reused;
    }
    const schema = new URL(this.reused).searchParams.get("options")?.split("=")[1] ?? "";
    await this.admin.query(`DO $$
      DECLARE t text;
      BEGIN
        FOR t IN SELECT tablename FROM pg_tables
                 WHERE schemaname = '${schema}' AND tablename <> 'schema_migrations' LOOP
          EXECUTE format('DELETE FROM %I.%I', '${schema}', t);
        END LOOP;
      END $$`);
    return this.reused;
  }

  /** Drops every schema made here; call once the stores on them are closed. */
  async dropAll(): Promise<void> {
    for (const schema of this.created.splice(0)) {
      await this.admin.query(`DROP SCHEMA ${schema} CASCADE`);
    }
    await this.admin.end();
  }
}

export function withSearchPath(url: string, schema: string): string {
  const parsed = new URL(url);
  parsed.searchParams.set("options", `-c search_path=${schema}`);
  return parsed.toString();
}

// What a PostgreSQL spec uses: the server the globalSetup started (postgres-global-setup.ts),
// and on it a new, empty schema per store under test, so each test starts from nothing
// without the cost of a database per test. A schema is chosen through the URL's
// `options=-c search_path=…`, which is how an operator would place Plugwire in a schema too.
import { randomBytes } from "node:crypto";
import pg from "pg";
import { inject } from "vitest";
import { migratePostgres } from "../../src/store/postgres/postgres-migrations.js";
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
   * tables and migrations stay) at each call, then given back the rows the migrations seed
   * (the built-in roles): as new as freshUrl for a store, and much faster than migrating a new
   * schema per test. Only for tests that run one after another and close their stores before
   * the next one starts, as the contract suites do.
   */
  async emptiedUrl(): Promise<string> {
    if (this.reused === undefined) {
      this.reused = await this.freshUrl();
      await this.migrateKeepingSeeds(this.reused);
      return this.reused;
    }
    const schema = schemaOf(this.reused);
    await this.admin.query(`DO $$
      DECLARE t text;
      BEGIN
        FOR t IN SELECT tablename FROM pg_tables
                 WHERE schemaname = '${schema}' AND tablename <> 'schema_migrations' LOOP
          EXECUTE format('DELETE FROM %I.%I', '${schema}', t);
        END LOOP;
        FOR t IN SELECT tablename FROM pg_tables WHERE schemaname = '${schema}_seed' LOOP
          EXECUTE format('INSERT INTO %I.%I SELECT * FROM %I.%I', '${schema}', t, '${schema}_seed', t);
        END LOOP;
      END $$`);
    return this.reused;
  }

  /** Migrates the schema, and copies the tables the migrations filled into <schema>_seed. */
  private async migrateKeepingSeeds(url: string): Promise<void> {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await migratePostgres(client, "the test schema");
    } finally {
      await client.end();
    }
    const schema = schemaOf(url);
    await this.admin.query(`CREATE SCHEMA ${schema}_seed`);
    this.created.push(`${schema}_seed`);
    await this.admin.query(`DO $$
      DECLARE t text; filled boolean;
      BEGIN
        FOR t IN SELECT tablename FROM pg_tables
                 WHERE schemaname = '${schema}' AND tablename <> 'schema_migrations' LOOP
          EXECUTE format('SELECT EXISTS (SELECT 1 FROM %I.%I)', '${schema}', t) INTO filled;
          IF filled THEN
            EXECUTE format('CREATE TABLE %I.%I AS SELECT * FROM %I.%I', '${schema}_seed', t, '${schema}', t);
          END IF;
        END LOOP;
      END $$`);
  }

  /** Drops every schema made here; call once the stores on them are closed. */
  async dropAll(): Promise<void> {
    for (const schema of this.created.splice(0)) {
      await this.admin.query(`DROP SCHEMA ${schema} CASCADE`);
    }
    await this.admin.end();
  }
}

function schemaOf(url: string): string {
  return new URL(url).searchParams.get("options")?.split("=")[1] ?? "";
}

export function withSearchPath(url: string, schema: string): string {
  const parsed = new URL(url);
  parsed.searchParams.set("options", `-c search_path=${schema}`);
  return parsed.toString();
}

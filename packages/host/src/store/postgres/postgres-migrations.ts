// The PostgreSQL schema, as an ordered list of migrations: store/migrations.ts translated, the
// same versions describing the same change. A database records the versions applied to it in
// schema_migrations; opening it applies the missing ones, each in its own transaction, and
// refuses a database written by a newer host rather than guess at it. Every host sharing the
// database runs this at start, so it holds a session-level advisory lock for the whole run:
// a second host starting at the same moment waits, then finds nothing left to do.
//
// Types, as row-codec.ts reads them: int64 fields are BIGINT (read back as bigint), int32
// fields INTEGER, bool fields SMALLINT 0/1, strings TEXT, maps, lists and Structs JSON text.
// SQLite compares text byte by byte, and so do these tables: columns that are ordered or keyed
// are COLLATE "C" whatever the database's locale, and SQLite's COLLATE NOCASE columns (names,
// triggers, e-mail addresses) use plugwire_nocase, a case-insensitive ICU collation.
import { InternalError } from "@plugwire/errors";
import type pg from "pg";
import { BUILT_IN_ROLES } from "../built-in-roles.js";
import type { Migration } from "../migrations.js";

export type { Migration } from "../migrations.js";

export const postgresMigrations: readonly Migration[] = [
  {
    version: 1,
    description: "users, teams, channels, posts, files, KV, plugin settings, commands, bots",
    sql: `
      CREATE COLLATION IF NOT EXISTS plugwire_nocase
        (provider = icu, locale = 'und-u-ks-level2', deterministic = false);

      CREATE TABLE users (
        "id" TEXT COLLATE "C" PRIMARY KEY,
        "create_at" BIGINT NOT NULL,
        "update_at" BIGINT NOT NULL,
        "delete_at" BIGINT NOT NULL,
        "username" TEXT COLLATE plugwire_nocase NOT NULL UNIQUE,
        "email" TEXT COLLATE plugwire_nocase NOT NULL,
        "email_verified" SMALLINT NOT NULL,
        "nickname" TEXT NOT NULL,
        "first_name" TEXT NOT NULL,
        "last_name" TEXT NOT NULL,
        "position" TEXT NOT NULL,
        "roles" TEXT NOT NULL,
        "locale" TEXT NOT NULL,
        "props" TEXT NOT NULL,
        "notify_props" TEXT NOT NULL,
        "timezone" TEXT NOT NULL,
        "is_bot" SMALLINT NOT NULL,
        "bot_description" TEXT NOT NULL,
        "auth_service" TEXT NOT NULL,
        "mfa_active" SMALLINT NOT NULL,
        "last_picture_update" BIGINT NOT NULL,
        "password_hash" TEXT
      );
      -- Accounts without an address (bots, some external accounts) don't clash with each other.
      CREATE UNIQUE INDEX users_email ON users ("email") WHERE "email" <> '';

      CREATE TABLE teams (
        "id" TEXT COLLATE "C" PRIMARY KEY,
        "create_at" BIGINT NOT NULL,
        "update_at" BIGINT NOT NULL,
        "delete_at" BIGINT NOT NULL,
        "display_name" TEXT NOT NULL,
        "name" TEXT COLLATE plugwire_nocase NOT NULL UNIQUE,
        "description" TEXT NOT NULL,
        "email" TEXT NOT NULL,
        "type" TEXT NOT NULL,
        "company_name" TEXT NOT NULL,
        "allowed_domains" TEXT NOT NULL,
        "allow_open_invite" SMALLINT NOT NULL
      );

      CREATE TABLE team_members (
        "team_id" TEXT COLLATE "C" NOT NULL,
        "user_id" TEXT COLLATE "C" NOT NULL,
        "roles" TEXT NOT NULL,
        "delete_at" BIGINT NOT NULL,
        "scheme_user" SMALLINT NOT NULL,
        "scheme_admin" SMALLINT NOT NULL,
        PRIMARY KEY ("team_id", "user_id")
      );
      CREATE INDEX team_members_user ON team_members ("user_id");

      CREATE TABLE channels (
        "id" TEXT COLLATE "C" PRIMARY KEY,
        "create_at" BIGINT NOT NULL,
        "update_at" BIGINT NOT NULL,
        "delete_at" BIGINT NOT NULL,
        "team_id" TEXT COLLATE "C" NOT NULL,
        "type" TEXT NOT NULL,
        "display_name" TEXT NOT NULL,
        "name" TEXT COLLATE plugwire_nocase NOT NULL,
        "header" TEXT NOT NULL,
        "purpose" TEXT NOT NULL,
        "last_post_at" BIGINT NOT NULL,
        "total_msg_count" BIGINT NOT NULL,
        "creator_id" TEXT COLLATE "C" NOT NULL,
        UNIQUE ("team_id", "name")
      );

      CREATE TABLE channel_members (
        "channel_id" TEXT COLLATE "C" NOT NULL,
        "user_id" TEXT COLLATE "C" NOT NULL,
        "roles" TEXT NOT NULL,
        "last_viewed_at" BIGINT NOT NULL,
        "msg_count" BIGINT NOT NULL,
        "mention_count" BIGINT NOT NULL,
        "notify_props" TEXT NOT NULL,
        "last_update_at" BIGINT NOT NULL,
        "scheme_user" SMALLINT NOT NULL,
        "scheme_admin" SMALLINT NOT NULL,
        PRIMARY KEY ("channel_id", "user_id")
      );
      CREATE INDEX channel_members_user ON channel_members ("user_id");

      CREATE TABLE posts (
        "id" TEXT COLLATE "C" PRIMARY KEY,
        "create_at" BIGINT NOT NULL,
        "update_at" BIGINT NOT NULL,
        "edit_at" BIGINT NOT NULL,
        "delete_at" BIGINT NOT NULL,
        "is_pinned" SMALLINT NOT NULL,
        "user_id" TEXT COLLATE "C" NOT NULL,
        "channel_id" TEXT COLLATE "C" NOT NULL,
        "root_id" TEXT COLLATE "C" NOT NULL,
        "original_id" TEXT COLLATE "C" NOT NULL,
        "message" TEXT NOT NULL,
        "type" TEXT NOT NULL,
        "props" TEXT,
        "hashtags" TEXT NOT NULL,
        "file_ids" TEXT NOT NULL,
        "pending_post_id" TEXT NOT NULL,
        "reply_count" BIGINT NOT NULL,
        "last_reply_at" BIGINT NOT NULL,
        "metadata" TEXT
      );
      CREATE INDEX posts_channel_created ON posts ("channel_id", "create_at");
      CREATE INDEX posts_root ON posts ("root_id") WHERE "root_id" <> '';

      CREATE TABLE file_infos (
        "id" TEXT COLLATE "C" PRIMARY KEY,
        "creator_id" TEXT COLLATE "C" NOT NULL,
        "post_id" TEXT COLLATE "C" NOT NULL,
        "channel_id" TEXT COLLATE "C" NOT NULL,
        "create_at" BIGINT NOT NULL,
        "update_at" BIGINT NOT NULL,
        "delete_at" BIGINT NOT NULL,
        "name" TEXT NOT NULL,
        "extension" TEXT NOT NULL,
        "size" BIGINT NOT NULL,
        "mime_type" TEXT NOT NULL,
        "width" INTEGER NOT NULL,
        "height" INTEGER NOT NULL,
        "has_preview_image" SMALLINT NOT NULL
      );

      CREATE TABLE kv (
        "plugin_id" TEXT COLLATE "C" NOT NULL,
        "key" TEXT COLLATE "C" NOT NULL,
        "value" BYTEA NOT NULL,
        -- Milliseconds since the epoch; 0 keeps the key forever.
        "expire_at" BIGINT NOT NULL,
        PRIMARY KEY ("plugin_id", "key")
      );

      CREATE TABLE plugin_configs (
        "plugin_id" TEXT COLLATE "C" PRIMARY KEY,
        "config" TEXT NOT NULL
      );

      CREATE TABLE commands (
        "id" TEXT NOT NULL,
        "creator_id" TEXT NOT NULL,
        "team_id" TEXT COLLATE "C" NOT NULL,
        "trigger" TEXT COLLATE plugwire_nocase NOT NULL,
        "auto_complete" SMALLINT NOT NULL,
        "auto_complete_desc" TEXT NOT NULL,
        "auto_complete_hint" TEXT NOT NULL,
        "display_name" TEXT NOT NULL,
        "description" TEXT NOT NULL,
        "username" TEXT NOT NULL,
        "icon_url" TEXT NOT NULL,
        "plugin_id" TEXT COLLATE "C" NOT NULL,
        PRIMARY KEY ("team_id", "trigger")
      );
      CREATE INDEX commands_plugin ON commands ("plugin_id");

      CREATE TABLE bots (
        "user_id" TEXT COLLATE "C" PRIMARY KEY,
        "plugin_id" TEXT COLLATE "C" NOT NULL
      );
      CREATE INDEX bots_plugin ON bots ("plugin_id");
    `,
  },
  {
    version: 2,
    description: "login sessions and plugins' enabled state",
    sql: `
      CREATE TABLE sessions (
        "id" TEXT COLLATE "C" PRIMARY KEY,
        "token_hash" TEXT COLLATE "C" NOT NULL UNIQUE,
        "user_id" TEXT COLLATE "C" NOT NULL,
        "create_at" BIGINT NOT NULL,
        "expires_at" BIGINT NOT NULL,
        "last_activity_at" BIGINT NOT NULL
      );
      CREATE INDEX sessions_user ON sessions ("user_id");

      CREATE TABLE plugin_states (
        "plugin_id" TEXT COLLATE "C" PRIMARY KEY,
        "enabled" SMALLINT NOT NULL
      );
    `,
  },
  {
    version: 3,
    description: "who installed a plugin not yet told through OnInstall",
    sql: `
      ALTER TABLE plugin_states ADD COLUMN "installed_by" TEXT;
    `,
  },
  {
    version: 4,
    description: "reactions, preferences, statuses, and posts' has_reactions",
    sql: `
      ALTER TABLE posts ADD COLUMN "has_reactions" SMALLINT NOT NULL DEFAULT 0;

      CREATE TABLE reactions (
        "user_id" TEXT COLLATE "C" NOT NULL,
        "post_id" TEXT COLLATE "C" NOT NULL,
        "emoji_name" TEXT COLLATE "C" NOT NULL,
        "create_at" BIGINT NOT NULL,
        "update_at" BIGINT NOT NULL,
        "delete_at" BIGINT NOT NULL,
        "remote_id" TEXT NOT NULL,
        "channel_id" TEXT COLLATE "C" NOT NULL,
        PRIMARY KEY ("post_id", "user_id", "emoji_name")
      );

      CREATE TABLE preferences (
        "user_id" TEXT COLLATE "C" NOT NULL,
        "category" TEXT COLLATE "C" NOT NULL,
        "name" TEXT COLLATE "C" NOT NULL,
        "value" TEXT NOT NULL,
        PRIMARY KEY ("user_id", "category", "name")
      );

      CREATE TABLE statuses (
        "user_id" TEXT COLLATE "C" PRIMARY KEY,
        "status" TEXT NOT NULL,
        "manual" SMALLINT NOT NULL,
        "last_activity_at" BIGINT NOT NULL,
        "active_channel" TEXT NOT NULL,
        "dnd_end_time" BIGINT NOT NULL,
        "prev_status" TEXT NOT NULL
      );
    `,
  },
  {
    version: 5,
    description: "profile pictures and team icons",
    sql: `
      CREATE TABLE profile_images (
        "user_id" TEXT COLLATE "C" PRIMARY KEY,
        "image" BYTEA NOT NULL
      );
      CREATE TABLE team_icons (
        "team_id" TEXT COLLATE "C" PRIMARY KEY,
        "image" BYTEA NOT NULL
      );
    `,
  },
  {
    version: 6,
    description: "post search (FTS5 over posts.message), pinned posts, posts changed since a time",
    sql: `
      -- SQLite's FTS5 index with the porter tokenizer, as PostgreSQL full-text search: English
      -- stems (so "apple" finds "apples") and, unlike PostgreSQL's 'english', no stop words,
      -- so that every word of a phrase counts as FTS5 counts it. ASCII punctuation becomes a
      -- space first, so that the words of an e-mail address, URL or path are words, as FTS5
      -- splits them (PostgreSQL's parser would keep each whole). The column follows every
      -- write to "message"; postgres-post-list-store.ts searches it the same way.
      CREATE TEXT SEARCH DICTIONARY plugwire_english_stem (TEMPLATE = snowball, LANGUAGE = english);
      CREATE TEXT SEARCH CONFIGURATION plugwire_search (COPY = simple);
      ALTER TEXT SEARCH CONFIGURATION plugwire_search
        ALTER MAPPING FOR asciiword, asciihword, hword_asciipart, word, hword, hword_part
        WITH plugwire_english_stem;
      ALTER TABLE posts ADD COLUMN "message_search" tsvector GENERATED ALWAYS AS
        (to_tsvector('plugwire_search', regexp_replace("message", '[!-/:-@[-\`{-~]', ' ', 'g'))) STORED;
      CREATE INDEX posts_message_search ON posts USING GIN ("message_search");
      CREATE INDEX posts_channel_updated ON posts ("channel_id", "update_at");
      CREATE INDEX posts_pinned ON posts ("channel_id") WHERE "is_pinned" = 1;
    `,
  },
  {
    version: 7,
    description:
      "roles, seeded with Mattermost's built-in roles and their default permissions; members' scheme_guest",
    sql: `
      ALTER TABLE team_members ADD COLUMN "scheme_guest" SMALLINT NOT NULL DEFAULT 0;
      ALTER TABLE channel_members ADD COLUMN "scheme_guest" SMALLINT NOT NULL DEFAULT 0;
      CREATE TABLE roles (
        "id" TEXT COLLATE "C" PRIMARY KEY,
        "name" TEXT COLLATE "C" NOT NULL UNIQUE,
        "display_name" TEXT NOT NULL,
        "description" TEXT NOT NULL,
        "create_at" BIGINT NOT NULL,
        "update_at" BIGINT NOT NULL,
        "delete_at" BIGINT NOT NULL,
        -- A JSON array of permission ids.
        "permissions" TEXT NOT NULL,
        "scheme_managed" SMALLINT NOT NULL,
        "built_in" SMALLINT NOT NULL
      );
      ${BUILT_IN_ROLES.map(
        (role) => `INSERT INTO roles ("id", "name", "display_name", "description", "create_at",
        "update_at", "delete_at", "permissions", "scheme_managed", "built_in")
        VALUES (substr(md5(random()::text || clock_timestamp()::text), 1, 26), '${role.name}',
        '${role.displayName}', '${role.description}', (extract(epoch FROM now()) * 1000)::bigint,
        (extract(epoch FROM now()) * 1000)::bigint, 0, '${JSON.stringify(role.permissions)}',
        ${role.schemeManaged ? 1 : 0}, 1);`,
      ).join("\n")}
    `,
  },
  {
    version: 8,
    description: "failed login attempts per user, for the lockout",
    sql: `
      CREATE TABLE login_attempts (
        "user_id" TEXT COLLATE "C" PRIMARY KEY,
        "failed" INTEGER NOT NULL
      );
    `,
  },
  {
    version: 9,
    description:
      "commands' autocomplete trees and Mattermost's other command fields, custom commands, host keys",
    sql: `
      ALTER TABLE commands ADD COLUMN "token" TEXT NOT NULL DEFAULT '';
      ALTER TABLE commands ADD COLUMN "create_at" BIGINT NOT NULL DEFAULT 0;
      ALTER TABLE commands ADD COLUMN "update_at" BIGINT NOT NULL DEFAULT 0;
      ALTER TABLE commands ADD COLUMN "delete_at" BIGINT NOT NULL DEFAULT 0;
      ALTER TABLE commands ADD COLUMN "method" TEXT NOT NULL DEFAULT '';
      ALTER TABLE commands ADD COLUMN "url" TEXT NOT NULL DEFAULT '';
      ALTER TABLE commands ADD COLUMN "autocomplete_data" TEXT;
      ALTER TABLE commands ADD COLUMN "autocomplete_icon_data" TEXT NOT NULL DEFAULT '';

      CREATE TABLE custom_commands (
        "id" TEXT COLLATE "C" PRIMARY KEY,
        "creator_id" TEXT COLLATE "C" NOT NULL,
        "team_id" TEXT COLLATE "C" NOT NULL,
        "trigger" TEXT COLLATE plugwire_nocase NOT NULL,
        "auto_complete" SMALLINT NOT NULL,
        "auto_complete_desc" TEXT NOT NULL,
        "auto_complete_hint" TEXT NOT NULL,
        "display_name" TEXT NOT NULL,
        "description" TEXT NOT NULL,
        "username" TEXT NOT NULL,
        "icon_url" TEXT NOT NULL,
        "plugin_id" TEXT COLLATE "C" NOT NULL,
        "token" TEXT NOT NULL,
        "create_at" BIGINT NOT NULL,
        "update_at" BIGINT NOT NULL,
        "delete_at" BIGINT NOT NULL,
        "method" TEXT NOT NULL,
        "url" TEXT NOT NULL,
        "autocomplete_data" TEXT,
        "autocomplete_icon_data" TEXT NOT NULL
      );
      CREATE INDEX custom_commands_team ON custom_commands ("team_id", "delete_at");

      CREATE TABLE host_keys (
        "name" TEXT COLLATE "C" PRIMARY KEY,
        "value" TEXT NOT NULL
      );
    `,
  },
  {
    version: 10,
    description:
      "bots owned by plugins or users (owner_id), session devices and props, personal access tokens, the audit log",
    sql: `
      ALTER TABLE bots RENAME COLUMN "plugin_id" TO "owner_id";
      ALTER INDEX bots_plugin RENAME TO bots_owner;

      ALTER TABLE sessions ADD COLUMN "device_id" TEXT NOT NULL DEFAULT '';
      ALTER TABLE sessions ADD COLUMN "props" TEXT NOT NULL DEFAULT '{}';

      CREATE TABLE user_access_tokens (
        "id" TEXT COLLATE "C" PRIMARY KEY,
        "token_hash" TEXT COLLATE "C" NOT NULL UNIQUE,
        "user_id" TEXT COLLATE "C" NOT NULL,
        "description" TEXT NOT NULL,
        "is_active" SMALLINT NOT NULL
      );
      CREATE INDEX user_access_tokens_user ON user_access_tokens ("user_id");

      CREATE TABLE audits (
        "id" TEXT COLLATE "C" PRIMARY KEY,
        "create_at" BIGINT NOT NULL,
        "user_id" TEXT COLLATE "C" NOT NULL,
        "action" TEXT NOT NULL,
        "extra_info" TEXT NOT NULL,
        "ip_address" TEXT NOT NULL,
        "session_id" TEXT COLLATE "C" NOT NULL
      );
      CREATE INDEX audits_created ON audits ("create_at");
      CREATE INDEX audits_user ON audits ("user_id", "create_at");
    `,
  },
  {
    version: 11,
    description: "the server's own values (install date, diagnostic id)",
    sql: `
      CREATE TABLE systems (
        "name" TEXT COLLATE "C" PRIMARY KEY,
        "value" TEXT NOT NULL
      );
      INSERT INTO systems VALUES
        ('InstallationDate', (extract(epoch FROM clock_timestamp()) * 1000)::bigint::text),
        ('DiagnosticId', substr(md5(random()::text || clock_timestamp()::text), 1, 26));
    `,
  },
  {
    version: 12,
    description: "file paths and searchable content, resumable upload sessions",
    sql: `
      -- Where each file's bytes are in the file store; until now always its id.
      ALTER TABLE file_infos ADD COLUMN "path" TEXT NOT NULL DEFAULT '';
      UPDATE file_infos SET "path" = "id";
      -- The text file search finds in a file (SetFileSearchableContent); not a FileInfo field.
      ALTER TABLE file_infos ADD COLUMN "content" TEXT NOT NULL DEFAULT '';
      CREATE INDEX file_infos_create_at ON file_infos ("create_at", "id");
      CREATE TABLE upload_sessions (
        "id" TEXT COLLATE "C" PRIMARY KEY,
        "type" TEXT NOT NULL,
        "create_at" BIGINT NOT NULL,
        "user_id" TEXT COLLATE "C" NOT NULL,
        "channel_id" TEXT COLLATE "C" NOT NULL,
        "filename" TEXT NOT NULL,
        "path" TEXT NOT NULL,
        "file_size" BIGINT NOT NULL,
        "file_offset" BIGINT NOT NULL,
        "remote_id" TEXT NOT NULL,
        "req_file_id" TEXT NOT NULL
      );
      CREATE INDEX upload_sessions_user ON upload_sessions ("user_id", "create_at");
    `,
  },
  {
    version: 13,
    description: "user groups, their members and their links to teams and channels",
    sql: `
      CREATE TABLE user_groups (
        "id" TEXT COLLATE "C" PRIMARY KEY,
        "name" TEXT COLLATE "C" NOT NULL,
        "display_name" TEXT COLLATE "C" NOT NULL,
        "description" TEXT NOT NULL,
        "source" TEXT COLLATE "C" NOT NULL,
        "remote_id" TEXT COLLATE "C" NOT NULL,
        "create_at" BIGINT NOT NULL,
        "update_at" BIGINT NOT NULL,
        "delete_at" BIGINT NOT NULL,
        "allow_reference" SMALLINT NOT NULL
      );
      CREATE UNIQUE INDEX user_groups_name ON user_groups ("name") WHERE "name" <> '';
      CREATE UNIQUE INDEX user_groups_remote_id ON user_groups ("source", "remote_id")
        WHERE "remote_id" <> '';
      CREATE INDEX user_groups_display_name ON user_groups ("display_name", "id");
      CREATE TABLE group_members (
        "group_id" TEXT COLLATE "C" NOT NULL,
        "user_id" TEXT COLLATE "C" NOT NULL,
        "create_at" BIGINT NOT NULL,
        "delete_at" BIGINT NOT NULL,
        PRIMARY KEY ("group_id", "user_id")
      );
      CREATE INDEX group_members_user ON group_members ("user_id");
      CREATE TABLE group_syncables (
        "group_id" TEXT COLLATE "C" NOT NULL,
        "syncable_id" TEXT COLLATE "C" NOT NULL,
        "type" TEXT COLLATE "C" NOT NULL,
        "auto_add" SMALLINT NOT NULL,
        "scheme_admin" SMALLINT NOT NULL,
        "create_at" BIGINT NOT NULL,
        "delete_at" BIGINT NOT NULL,
        "update_at" BIGINT NOT NULL,
        PRIMARY KEY ("group_id", "syncable_id", "type")
      );
      CREATE INDEX group_syncables_syncable ON group_syncables ("syncable_id", "type");
    `,
  },
  {
    version: 15,
    description:
      "cluster nodes, the plugin bundles they share, and (PostgreSQL) cluster messages too long for a notification",
    sql: `
      CREATE TABLE cluster_nodes (
        "id" TEXT COLLATE "C" PRIMARY KEY,
        "hostname" TEXT NOT NULL,
        "version" TEXT NOT NULL,
        "started_at" BIGINT NOT NULL,
        "last_seen_at" BIGINT NOT NULL
      );
      CREATE TABLE plugin_bundles (
        "plugin_id" TEXT COLLATE "C" PRIMARY KEY,
        "bundle" BYTEA NOT NULL,
        "updated_at" BIGINT NOT NULL
      );
      -- The cluster bus (cluster/postgres-cluster-bus.ts) sends a message longer than NOTIFY
      -- carries as a row here and a notification naming it; rows are deleted after a minute.
      CREATE TABLE cluster_messages (
        "id" BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        "body" TEXT NOT NULL,
        "created_at" BIGINT NOT NULL
      );
    `,
  },
  {
    version: 16,
    description:
      "custom emoji; system_user makes and deletes its own, as Mattermost's emoji permissions migration grants",
    sql: `
      CREATE TABLE emoji (
        "id" TEXT COLLATE "C" PRIMARY KEY,
        "create_at" BIGINT NOT NULL,
        "update_at" BIGINT NOT NULL,
        "delete_at" BIGINT NOT NULL,
        "creator_id" TEXT COLLATE "C" NOT NULL,
        "name" TEXT COLLATE "C" NOT NULL
      );
      CREATE UNIQUE INDEX emoji_name ON emoji ("name") WHERE "delete_at" = 0;
      CREATE INDEX emoji_create_at ON emoji ("create_at", "id");
      UPDATE roles SET
        "permissions" = (
          SELECT json_agg(DISTINCT p)::text FROM (
            SELECT jsonb_array_elements_text(roles."permissions"::jsonb) AS p
            UNION SELECT 'create_emojis' UNION SELECT 'delete_emojis'
          ) AS granted
        ),
        "update_at" = (extract(epoch FROM now()) * 1000)::bigint
      WHERE "name" = 'system_user';
    `,
  },
  {
    version: 17,
    description: "OAuth 2.0 client apps (the records; no authorizations or tokens)",
    sql: `
      CREATE TABLE oauth_apps (
        "id" TEXT COLLATE "C" PRIMARY KEY,
        "creator_id" TEXT COLLATE "C" NOT NULL,
        "create_at" BIGINT NOT NULL,
        "update_at" BIGINT NOT NULL,
        "client_secret" TEXT NOT NULL,
        "name" TEXT NOT NULL,
        "description" TEXT NOT NULL,
        "icon_url" TEXT NOT NULL,
        -- A JSON array of URLs.
        "callback_urls" TEXT NOT NULL,
        "homepage" TEXT NOT NULL,
        "is_trusted" SMALLINT NOT NULL,
        "mattermost_app_id" TEXT NOT NULL
      );
      CREATE INDEX oauth_apps_creator ON oauth_apps ("creator_id", "create_at", "id");
      CREATE INDEX oauth_apps_create_at ON oauth_apps ("create_at", "id");
    `,
  },
  {
    version: 18,
    description: "which hosts of a cluster each user has live connections to",
    sql: `
      CREATE TABLE cluster_connections (
        "host_id" TEXT COLLATE "C" NOT NULL,
        "user_id" TEXT COLLATE "C" NOT NULL,
        PRIMARY KEY ("host_id", "user_id")
      );
      CREATE INDEX cluster_connections_user ON cluster_connections ("user_id");
    `,
  },
  {
    version: 19,
    description: "users' sidebar categories and the channels sorted into them",
    sql: `
      CREATE TABLE sidebar_categories (
        "id" TEXT COLLATE "C" PRIMARY KEY,
        "user_id" TEXT COLLATE "C" NOT NULL,
        "team_id" TEXT COLLATE "C" NOT NULL,
        "sort_order" BIGINT NOT NULL,
        "sorting" TEXT NOT NULL,
        "type" TEXT NOT NULL,
        "display_name" TEXT NOT NULL,
        "muted" SMALLINT NOT NULL,
        "collapsed" SMALLINT NOT NULL
      );
      CREATE INDEX sidebar_categories_owner ON sidebar_categories ("user_id", "team_id", "sort_order");
      CREATE TABLE sidebar_channels (
        "channel_id" TEXT COLLATE "C" NOT NULL,
        "user_id" TEXT COLLATE "C" NOT NULL,
        "category_id" TEXT COLLATE "C" NOT NULL,
        "sort_order" BIGINT NOT NULL,
        PRIMARY KEY ("channel_id", "user_id", "category_id")
      );
      CREATE INDEX sidebar_channels_category ON sidebar_channels ("category_id", "sort_order");
    `,
  },
  {
    version: 20,
    description: "users' id at their sign-in service (auth_data), unique as Mattermost's",
    sql: `
      ALTER TABLE users ADD COLUMN "auth_data" TEXT COLLATE "C";
      CREATE UNIQUE INDEX users_auth_data ON users ("auth_data");
    `,
  },
];

/** The advisory lock migrations hold: any fixed number other applications are unlikely to use. */
const MIGRATION_LOCK = 0x706c7777; // "plww"

/**
 * Brings the database (its current schema, as the connection's search_path names it) to the
 * latest version of `list`, holding the migration lock so that hosts starting together take
 * turns. Refuses a database with a version newer than `list` knows.
 */
export async function migratePostgres(
  client: pg.ClientBase,
  where: string,
  list: readonly Migration[] = postgresMigrations,
): Promise<void> {
  const latestSchemaVersion = Math.max(0, ...list.map((migration) => migration.version));
  await client.query("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK]);
  try {
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      "version" INTEGER PRIMARY KEY,
      "description" TEXT NOT NULL,
      "applied_at" BIGINT NOT NULL
    )`);
    const { rows } = await client.query<{ version: number }>(
      `SELECT "version" FROM schema_migrations`,
    );
    const applied = new Set(rows.map((row) => Number(row.version)));
    const newest = Math.max(0, ...applied);
    if (newest > latestSchemaVersion) {
      throw new InternalError({
        id: "store.migrations.newer_schema",
        message: `The database ${where} has schema version ${newest}, but this host only knows versions up to ${latestSchemaVersion}; upgrade the host, or open a database written by this version.`,
        params: { version: newest, known: latestSchemaVersion },
      });
    }
    for (const migration of list) {
      if (applied.has(migration.version)) continue;
      await client.query("BEGIN");
      try {
        await client.query(migration.sql);
        await client.query(
          `INSERT INTO schema_migrations ("version", "description", "applied_at") VALUES ($1, $2, $3)`,
          [migration.version, migration.description, Date.now()],
        );
        await client.query("COMMIT");
      } catch (error) {
        await client.query("ROLLBACK");
        throw new InternalError({
          id: "store.migrations.failed",
          message: `Migration ${migration.version} (${migration.description}) failed on the database ${where}: ${(error as Error).message}`,
          params: { version: migration.version },
          cause: error,
        });
      }
    }
  } finally {
    await client.query("SELECT pg_advisory_unlock($1)", [MIGRATION_LOCK]);
  }
}

// The SQLite schema, as an ordered list of migrations. A database records the versions
// applied to it in schema_migrations; opening it applies the missing ones, each in its own
// transaction, and refuses a database written by a newer host rather than guess at it.
// Columns of model tables are named as the proto fields (see row-codec.ts): a new proto
// field needs a migration adding its column.
import { InternalError } from "@plugwire/errors";
import type Database from "better-sqlite3";
import { BUILT_IN_ROLES } from "./built-in-roles.js";

export interface Migration {
  version: number;
  /** What the migration does, for people reading the schema_migrations table. */
  description: string;
  sql: string;
}

export const migrations: readonly Migration[] = [
  {
    version: 1,
    description: "users, teams, channels, posts, files, KV, plugin settings, commands, bots",
    sql: `
      CREATE TABLE users (
        "id" TEXT PRIMARY KEY,
        "create_at" INTEGER NOT NULL,
        "update_at" INTEGER NOT NULL,
        "delete_at" INTEGER NOT NULL,
        "username" TEXT NOT NULL COLLATE NOCASE UNIQUE,
        "email" TEXT NOT NULL COLLATE NOCASE,
        "email_verified" INTEGER NOT NULL,
        "nickname" TEXT NOT NULL,
        "first_name" TEXT NOT NULL,
        "last_name" TEXT NOT NULL,
        "position" TEXT NOT NULL,
        "roles" TEXT NOT NULL,
        "locale" TEXT NOT NULL,
        "props" TEXT NOT NULL,
        "notify_props" TEXT NOT NULL,
        "timezone" TEXT NOT NULL,
        "is_bot" INTEGER NOT NULL,
        "bot_description" TEXT NOT NULL,
        "auth_service" TEXT NOT NULL,
        "mfa_active" INTEGER NOT NULL,
        "last_picture_update" INTEGER NOT NULL,
        "password_hash" TEXT
      );
      -- Accounts without an address (bots, some external accounts) don't clash with each other.
      CREATE UNIQUE INDEX users_email ON users ("email") WHERE "email" <> '';

      CREATE TABLE teams (
        "id" TEXT PRIMARY KEY,
        "create_at" INTEGER NOT NULL,
        "update_at" INTEGER NOT NULL,
        "delete_at" INTEGER NOT NULL,
        "display_name" TEXT NOT NULL,
        "name" TEXT NOT NULL COLLATE NOCASE UNIQUE,
        "description" TEXT NOT NULL,
        "email" TEXT NOT NULL,
        "type" TEXT NOT NULL,
        "company_name" TEXT NOT NULL,
        "allowed_domains" TEXT NOT NULL,
        "allow_open_invite" INTEGER NOT NULL
      );

      CREATE TABLE team_members (
        "team_id" TEXT NOT NULL,
        "user_id" TEXT NOT NULL,
        "roles" TEXT NOT NULL,
        "delete_at" INTEGER NOT NULL,
        "scheme_user" INTEGER NOT NULL,
        "scheme_admin" INTEGER NOT NULL,
        PRIMARY KEY ("team_id", "user_id")
      ) WITHOUT ROWID;
      CREATE INDEX team_members_user ON team_members ("user_id");

      CREATE TABLE channels (
        "id" TEXT PRIMARY KEY,
        "create_at" INTEGER NOT NULL,
        "update_at" INTEGER NOT NULL,
        "delete_at" INTEGER NOT NULL,
        "team_id" TEXT NOT NULL,
        "type" TEXT NOT NULL,
        "display_name" TEXT NOT NULL,
        "name" TEXT NOT NULL COLLATE NOCASE,
        "header" TEXT NOT NULL,
        "purpose" TEXT NOT NULL,
        "last_post_at" INTEGER NOT NULL,
        "total_msg_count" INTEGER NOT NULL,
        "creator_id" TEXT NOT NULL,
        UNIQUE ("team_id", "name")
      );

      CREATE TABLE channel_members (
        "channel_id" TEXT NOT NULL,
        "user_id" TEXT NOT NULL,
        "roles" TEXT NOT NULL,
        "last_viewed_at" INTEGER NOT NULL,
        "msg_count" INTEGER NOT NULL,
        "mention_count" INTEGER NOT NULL,
        "notify_props" TEXT NOT NULL,
        "last_update_at" INTEGER NOT NULL,
        "scheme_user" INTEGER NOT NULL,
        "scheme_admin" INTEGER NOT NULL,
        PRIMARY KEY ("channel_id", "user_id")
      ) WITHOUT ROWID;
      CREATE INDEX channel_members_user ON channel_members ("user_id");

      CREATE TABLE posts (
        "id" TEXT PRIMARY KEY,
        "create_at" INTEGER NOT NULL,
        "update_at" INTEGER NOT NULL,
        "edit_at" INTEGER NOT NULL,
        "delete_at" INTEGER NOT NULL,
        "is_pinned" INTEGER NOT NULL,
        "user_id" TEXT NOT NULL,
        "channel_id" TEXT NOT NULL,
        "root_id" TEXT NOT NULL,
        "original_id" TEXT NOT NULL,
        "message" TEXT NOT NULL,
        "type" TEXT NOT NULL,
        "props" TEXT,
        "hashtags" TEXT NOT NULL,
        "file_ids" TEXT NOT NULL,
        "pending_post_id" TEXT NOT NULL,
        "reply_count" INTEGER NOT NULL,
        "last_reply_at" INTEGER NOT NULL,
        "metadata" TEXT
      );
      CREATE INDEX posts_channel_created ON posts ("channel_id", "create_at");
      CREATE INDEX posts_root ON posts ("root_id") WHERE "root_id" <> '';

      CREATE TABLE file_infos (
        "id" TEXT PRIMARY KEY,
        "creator_id" TEXT NOT NULL,
        "post_id" TEXT NOT NULL,
        "channel_id" TEXT NOT NULL,
        "create_at" INTEGER NOT NULL,
        "update_at" INTEGER NOT NULL,
        "delete_at" INTEGER NOT NULL,
        "name" TEXT NOT NULL,
        "extension" TEXT NOT NULL,
        "size" INTEGER NOT NULL,
        "mime_type" TEXT NOT NULL,
        "width" INTEGER NOT NULL,
        "height" INTEGER NOT NULL,
        "has_preview_image" INTEGER NOT NULL
      );

      CREATE TABLE kv (
        "plugin_id" TEXT NOT NULL,
        "key" TEXT NOT NULL,
        "value" BLOB NOT NULL,
        -- Milliseconds since the epoch; 0 keeps the key forever.
        "expire_at" INTEGER NOT NULL,
        PRIMARY KEY ("plugin_id", "key")
      ) WITHOUT ROWID;

      CREATE TABLE plugin_configs (
        "plugin_id" TEXT PRIMARY KEY,
        "config" TEXT NOT NULL
      );

      CREATE TABLE commands (
        "id" TEXT NOT NULL,
        "creator_id" TEXT NOT NULL,
        "team_id" TEXT NOT NULL,
        "trigger" TEXT NOT NULL COLLATE NOCASE,
        "auto_complete" INTEGER NOT NULL,
        "auto_complete_desc" TEXT NOT NULL,
        "auto_complete_hint" TEXT NOT NULL,
        "display_name" TEXT NOT NULL,
        "description" TEXT NOT NULL,
        "username" TEXT NOT NULL,
        "icon_url" TEXT NOT NULL,
        "plugin_id" TEXT NOT NULL,
        PRIMARY KEY ("team_id", "trigger")
      ) WITHOUT ROWID;
      CREATE INDEX commands_plugin ON commands ("plugin_id");

      CREATE TABLE bots (
        "user_id" TEXT PRIMARY KEY,
        "plugin_id" TEXT NOT NULL
      );
      CREATE INDEX bots_plugin ON bots ("plugin_id");
    `,
  },
  {
    version: 2,
    description: "login sessions and plugins' enabled state",
    sql: `
      CREATE TABLE sessions (
        "id" TEXT PRIMARY KEY,
        "token_hash" TEXT NOT NULL UNIQUE,
        "user_id" TEXT NOT NULL,
        "create_at" INTEGER NOT NULL,
        "expires_at" INTEGER NOT NULL,
        "last_activity_at" INTEGER NOT NULL
      );
      CREATE INDEX sessions_user ON sessions ("user_id");

      CREATE TABLE plugin_states (
        "plugin_id" TEXT PRIMARY KEY,
        "enabled" INTEGER NOT NULL
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
      ALTER TABLE posts ADD COLUMN "has_reactions" INTEGER NOT NULL DEFAULT 0;

      CREATE TABLE reactions (
        "user_id" TEXT NOT NULL,
        "post_id" TEXT NOT NULL,
        "emoji_name" TEXT NOT NULL,
        "create_at" INTEGER NOT NULL,
        "update_at" INTEGER NOT NULL,
        "delete_at" INTEGER NOT NULL,
        "remote_id" TEXT NOT NULL,
        "channel_id" TEXT NOT NULL,
        PRIMARY KEY ("post_id", "user_id", "emoji_name")
      ) WITHOUT ROWID;

      CREATE TABLE preferences (
        "user_id" TEXT NOT NULL,
        "category" TEXT NOT NULL,
        "name" TEXT NOT NULL,
        "value" TEXT NOT NULL,
        PRIMARY KEY ("user_id", "category", "name")
      ) WITHOUT ROWID;

      CREATE TABLE statuses (
        "user_id" TEXT PRIMARY KEY,
        "status" TEXT NOT NULL,
        "manual" INTEGER NOT NULL,
        "last_activity_at" INTEGER NOT NULL,
        "active_channel" TEXT NOT NULL,
        "dnd_end_time" INTEGER NOT NULL,
        "prev_status" TEXT NOT NULL
      );
    `,
  },
  {
    version: 5,
    description: "profile pictures and team icons",
    sql: `
      CREATE TABLE profile_images (
        "user_id" TEXT PRIMARY KEY,
        "image" BLOB NOT NULL
      );
      CREATE TABLE team_icons (
        "team_id" TEXT PRIMARY KEY,
        "image" BLOB NOT NULL
      );
    `,
  },
  {
    version: 6,
    description: "post search (FTS5 over posts.message), pinned posts, posts changed since a time",
    sql: `
      -- External content: the index holds only the tokens; the triggers keep it in step with
      -- every write to posts, whatever statement makes it. It is keyed by posts' implicit
      -- rowid, which a VACUUM may renumber: after one, run INSERT INTO posts_fts (posts_fts)
      -- VALUES ('rebuild'). The host itself never vacuums.
      CREATE VIRTUAL TABLE posts_fts USING fts5(
        "message", content = 'posts', content_rowid = 'rowid', tokenize = 'porter unicode61'
      );
      INSERT INTO posts_fts (posts_fts) VALUES ('rebuild');
      CREATE TRIGGER posts_fts_insert AFTER INSERT ON posts BEGIN
        INSERT INTO posts_fts (rowid, "message") VALUES (new.rowid, new."message");
      END;
      CREATE TRIGGER posts_fts_delete AFTER DELETE ON posts BEGIN
        INSERT INTO posts_fts (posts_fts, rowid, "message") VALUES ('delete', old.rowid, old."message");
      END;
      CREATE TRIGGER posts_fts_update AFTER UPDATE OF "message" ON posts BEGIN
        INSERT INTO posts_fts (posts_fts, rowid, "message") VALUES ('delete', old.rowid, old."message");
        INSERT INTO posts_fts (rowid, "message") VALUES (new.rowid, new."message");
      END;
      CREATE INDEX posts_channel_updated ON posts ("channel_id", "update_at");
      CREATE INDEX posts_pinned ON posts ("channel_id") WHERE "is_pinned" = 1;
    `,
  },
  {
    version: 7,
    description:
      "roles, seeded with Mattermost's built-in roles and their default permissions; members' scheme_guest",
    sql: `
      ALTER TABLE team_members ADD COLUMN "scheme_guest" INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE channel_members ADD COLUMN "scheme_guest" INTEGER NOT NULL DEFAULT 0;
      CREATE TABLE roles (
        "id" TEXT PRIMARY KEY,
        "name" TEXT NOT NULL UNIQUE,
        "display_name" TEXT NOT NULL,
        "description" TEXT NOT NULL,
        "create_at" INTEGER NOT NULL,
        "update_at" INTEGER NOT NULL,
        "delete_at" INTEGER NOT NULL,
        -- A JSON array of permission ids.
        "permissions" TEXT NOT NULL,
        "scheme_managed" INTEGER NOT NULL,
        "built_in" INTEGER NOT NULL
      );
      ${BUILT_IN_ROLES.map(
        (role) => `INSERT INTO roles VALUES (lower(hex(randomblob(13))), '${role.name}',
        '${role.displayName}', '${role.description}', strftime('%s', 'now') * 1000,
        strftime('%s', 'now') * 1000, 0, '${JSON.stringify(role.permissions)}',
        ${role.schemeManaged ? 1 : 0}, 1);`,
      ).join("\n")}
    `,
  },
  {
    version: 8,
    description: "failed login attempts per user, for the lockout",
    sql: `
      CREATE TABLE login_attempts (
        "user_id" TEXT PRIMARY KEY,
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
      ALTER TABLE commands ADD COLUMN "create_at" INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE commands ADD COLUMN "update_at" INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE commands ADD COLUMN "delete_at" INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE commands ADD COLUMN "method" TEXT NOT NULL DEFAULT '';
      ALTER TABLE commands ADD COLUMN "url" TEXT NOT NULL DEFAULT '';
      -- JSON of an AutocompleteData; NULL when the command has no tree.
      ALTER TABLE commands ADD COLUMN "autocomplete_data" TEXT;
      ALTER TABLE commands ADD COLUMN "autocomplete_icon_data" TEXT NOT NULL DEFAULT '';

      -- Mattermost's custom (server-owned) commands: made by a person or a plugin's
      -- CreateCommand, run by calling their url.
      CREATE TABLE custom_commands (
        "id" TEXT PRIMARY KEY,
        "creator_id" TEXT NOT NULL,
        "team_id" TEXT NOT NULL,
        "trigger" TEXT NOT NULL COLLATE NOCASE,
        "auto_complete" INTEGER NOT NULL,
        "auto_complete_desc" TEXT NOT NULL,
        "auto_complete_hint" TEXT NOT NULL,
        "display_name" TEXT NOT NULL,
        "description" TEXT NOT NULL,
        "username" TEXT NOT NULL,
        "icon_url" TEXT NOT NULL,
        "plugin_id" TEXT NOT NULL,
        "token" TEXT NOT NULL,
        "create_at" INTEGER NOT NULL,
        "update_at" INTEGER NOT NULL,
        "delete_at" INTEGER NOT NULL,
        "method" TEXT NOT NULL,
        "url" TEXT NOT NULL,
        "autocomplete_data" TEXT,
        "autocomplete_icon_data" TEXT NOT NULL
      );
      CREATE INDEX custom_commands_team ON custom_commands ("team_id", "delete_at");

      -- Secrets the host makes once and keeps: the key trigger ids are signed with, the key
      -- post action cookies are sealed with. Never sent to plugins or clients.
      CREATE TABLE host_keys (
        "name" TEXT PRIMARY KEY,
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
      DROP INDEX bots_plugin;
      CREATE INDEX bots_owner ON bots ("owner_id");

      ALTER TABLE sessions ADD COLUMN "device_id" TEXT NOT NULL DEFAULT '';
      -- A JSON object of strings (Mattermost's session props).
      ALTER TABLE sessions ADD COLUMN "props" TEXT NOT NULL DEFAULT '{}';

      -- The token itself is never stored, only its SHA-256; the session a token opens has the
      -- same token_hash.
      CREATE TABLE user_access_tokens (
        "id" TEXT PRIMARY KEY,
        "token_hash" TEXT NOT NULL UNIQUE,
        "user_id" TEXT NOT NULL,
        "description" TEXT NOT NULL,
        "is_active" INTEGER NOT NULL
      );
      CREATE INDEX user_access_tokens_user ON user_access_tokens ("user_id");

      CREATE TABLE audits (
        "id" TEXT PRIMARY KEY,
        "create_at" INTEGER NOT NULL,
        "user_id" TEXT NOT NULL,
        "action" TEXT NOT NULL,
        "extra_info" TEXT NOT NULL,
        "ip_address" TEXT NOT NULL,
        "session_id" TEXT NOT NULL
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
        "name" TEXT PRIMARY KEY,
        "value" TEXT NOT NULL
      );
      INSERT INTO systems VALUES ('InstallationDate', CAST(unixepoch('subsec') * 1000 AS INTEGER));
      INSERT INTO systems VALUES ('DiagnosticId', lower(hex(randomblob(13))));
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
        "id" TEXT PRIMARY KEY,
        "type" TEXT NOT NULL,
        "create_at" INTEGER NOT NULL,
        "user_id" TEXT NOT NULL,
        "channel_id" TEXT NOT NULL,
        "filename" TEXT NOT NULL,
        "path" TEXT NOT NULL,
        "file_size" INTEGER NOT NULL,
        "file_offset" INTEGER NOT NULL,
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
        "id" TEXT PRIMARY KEY,
        "name" TEXT NOT NULL,
        "display_name" TEXT NOT NULL,
        "description" TEXT NOT NULL,
        "source" TEXT NOT NULL,
        "remote_id" TEXT NOT NULL,
        "create_at" INTEGER NOT NULL,
        "update_at" INTEGER NOT NULL,
        "delete_at" INTEGER NOT NULL,
        "allow_reference" INTEGER NOT NULL
      );
      CREATE UNIQUE INDEX user_groups_name ON user_groups ("name") WHERE "name" <> '';
      CREATE UNIQUE INDEX user_groups_remote_id ON user_groups ("source", "remote_id")
        WHERE "remote_id" <> '';
      CREATE INDEX user_groups_display_name ON user_groups ("display_name", "id");
      CREATE TABLE group_members (
        "group_id" TEXT NOT NULL,
        "user_id" TEXT NOT NULL,
        "create_at" INTEGER NOT NULL,
        "delete_at" INTEGER NOT NULL,
        PRIMARY KEY ("group_id", "user_id")
      );
      CREATE INDEX group_members_user ON group_members ("user_id");
      CREATE TABLE group_syncables (
        "group_id" TEXT NOT NULL,
        "syncable_id" TEXT NOT NULL,
        "type" TEXT NOT NULL,
        "auto_add" INTEGER NOT NULL,
        "scheme_admin" INTEGER NOT NULL,
        "create_at" INTEGER NOT NULL,
        "delete_at" INTEGER NOT NULL,
        "update_at" INTEGER NOT NULL,
        PRIMARY KEY ("group_id", "syncable_id", "type")
      );
      CREATE INDEX group_syncables_syncable ON group_syncables ("syncable_id", "type");
    `,
  },
  {
    // 14 is taken by work landing in parallel; migrate applies whatever a database lacks.
    version: 15,
    description:
      "cluster nodes, the plugin bundles they share, and (PostgreSQL) cluster messages too long for a notification",
    sql: `
      CREATE TABLE cluster_nodes (
        "id" TEXT PRIMARY KEY,
        "hostname" TEXT NOT NULL,
        "version" TEXT NOT NULL,
        "started_at" INTEGER NOT NULL,
        "last_seen_at" INTEGER NOT NULL
      );
      CREATE TABLE plugin_bundles (
        "plugin_id" TEXT PRIMARY KEY,
        "bundle" BLOB NOT NULL,
        "updated_at" INTEGER NOT NULL
      );
    `,
  },
  {
    version: 16,
    description:
      "custom emoji; system_user makes and deletes its own, as Mattermost's emoji permissions migration grants",
    sql: `
      CREATE TABLE emoji (
        "id" TEXT PRIMARY KEY,
        "create_at" INTEGER NOT NULL,
        "update_at" INTEGER NOT NULL,
        "delete_at" INTEGER NOT NULL,
        "creator_id" TEXT NOT NULL,
        "name" TEXT NOT NULL
      );
      CREATE UNIQUE INDEX emoji_name ON emoji ("name") WHERE "delete_at" = 0;
      CREATE INDEX emoji_create_at ON emoji ("create_at", "id");
      UPDATE roles SET
        "permissions" = (
          SELECT json_group_array(value) FROM (
            SELECT value FROM json_each(roles."permissions")
            UNION SELECT 'create_emojis' UNION SELECT 'delete_emojis'
          )
        ),
        "update_at" = strftime('%s', 'now') * 1000
      WHERE "name" = 'system_user';
    `,
  },
  {
    version: 17,
    description: "OAuth 2.0 client apps (the records; no authorizations or tokens)",
    sql: `
      CREATE TABLE oauth_apps (
        "id" TEXT PRIMARY KEY,
        "creator_id" TEXT NOT NULL,
        "create_at" INTEGER NOT NULL,
        "update_at" INTEGER NOT NULL,
        "client_secret" TEXT NOT NULL,
        "name" TEXT NOT NULL,
        "description" TEXT NOT NULL,
        "icon_url" TEXT NOT NULL,
        -- A JSON array of URLs.
        "callback_urls" TEXT NOT NULL,
        "homepage" TEXT NOT NULL,
        "is_trusted" INTEGER NOT NULL,
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
        "host_id" TEXT NOT NULL,
        "user_id" TEXT NOT NULL,
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
        "id" TEXT PRIMARY KEY,
        "user_id" TEXT NOT NULL,
        "team_id" TEXT NOT NULL,
        "sort_order" INTEGER NOT NULL,
        "sorting" TEXT NOT NULL,
        "type" TEXT NOT NULL,
        "display_name" TEXT NOT NULL,
        "muted" INTEGER NOT NULL,
        "collapsed" INTEGER NOT NULL
      );
      CREATE INDEX sidebar_categories_owner ON sidebar_categories ("user_id", "team_id", "sort_order");
      CREATE TABLE sidebar_channels (
        "channel_id" TEXT NOT NULL,
        "user_id" TEXT NOT NULL,
        "category_id" TEXT NOT NULL,
        "sort_order" INTEGER NOT NULL,
        PRIMARY KEY ("channel_id", "user_id", "category_id")
      ) WITHOUT ROWID;
      CREATE INDEX sidebar_channels_category ON sidebar_channels ("category_id", "sort_order");
    `,
  },
  {
    version: 20,
    description: "users' id at their sign-in service (auth_data), unique as Mattermost's",
    sql: `
      ALTER TABLE users ADD COLUMN "auth_data" TEXT;
      CREATE UNIQUE INDEX users_auth_data ON users ("auth_data");
    `,
  },
];

/**
 * Brings a database to the latest schema of `list` (the host's own migrations unless a test
 * passes others). Safe to run on every open and from several processes at once: each
 * migration re-checks, inside its own write transaction, that no one applied it meanwhile.
 */
export function migrate(
  db: Database.Database,
  where: string,
  list: readonly Migration[] = migrations,
): void {
  const latestSchemaVersion = Math.max(0, ...list.map((migration) => migration.version));
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    "version" INTEGER PRIMARY KEY,
    "description" TEXT NOT NULL,
    "applied_at" INTEGER NOT NULL
  )`);
  const applied = () =>
    new Set(
      db
        .prepare<[], { version: number | bigint }>(`SELECT "version" FROM schema_migrations`)
        .all()
        .map((row) => Number(row.version)),
    );
  const newest = Math.max(0, ...applied());
  if (newest > latestSchemaVersion) {
    throw new InternalError({
      id: "store.migrations.newer_schema",
      message: `The database ${where} has schema version ${newest}, but this host only knows versions up to ${latestSchemaVersion}; upgrade the host, or open a database written by this version.`,
      params: { version: newest, known: latestSchemaVersion },
    });
  }
  for (const migration of list) {
    db.transaction(() => {
      if (applied().has(migration.version)) {
        return;
      }
      db.exec(migration.sql);
      db.prepare(
        `INSERT INTO schema_migrations ("version", "description", "applied_at") VALUES (?, ?, ?)`,
      ).run(migration.version, migration.description, Date.now());
    }).immediate();
  }
}

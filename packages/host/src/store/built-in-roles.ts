// Mattermost's permission ids and its built-in roles with their default permissions
// (server/public/model/permission.go and role.go, MakeDefaultRoles), as migration 7 seeds
// the roles table: a change here changes only new databases, so give it a migration of its
// own. The ids are Mattermost's, so plugins and clients ask with the names they
// know; the sysconsole_* and product-specific permissions are left out, except the few the
// role routes check.

/** Permissions that apply system-wide. */
const SYSTEM_SCOPE = [
  "manage_system",
  "manage_roles",
  "assign_system_admin_role",
  "edit_other_users",
  "create_team",
  "list_public_teams",
  "join_public_teams",
  "list_private_teams",
  "join_private_teams",
  "create_direct_channel",
  "create_group_channel",
  "view_members",
  "create_user_access_token",
  "read_user_access_token",
  "revoke_user_access_token",
  "create_bot",
  "read_bots",
  "read_others_bots",
  "manage_bots",
  "manage_others_bots",
  "create_post_ephemeral",
  "remove_others_reactions",
  "manage_oauth",
  "manage_system_wide_oauth",
  "manage_jobs",
  "create_emojis",
  "delete_emojis",
  "delete_others_emojis",
  "promote_guest",
  "demote_to_guest",
  "get_analytics",
  "get_logs",
  "read_audits",
  "read_license_information",
  "manage_license_information",
  "edit_brand",
  "manage_shared_channels",
  "manage_secure_connections",
  "manage_outgoing_oauth_connections",
  "create_custom_group",
  "edit_custom_group",
  "delete_custom_group",
  "restore_custom_group",
  "manage_custom_group_members",
  "manage_own_agent",
  "sysconsole_read_user_management_permissions",
  "sysconsole_write_user_management_permissions",
  "sysconsole_read_user_management_system_roles",
  "sysconsole_write_user_management_system_roles",
] as const;

/** Permissions that apply in a team (and to every channel of it). */
const TEAM_SCOPE = [
  "view_team",
  "list_team_channels",
  "join_public_channels",
  "read_public_channel",
  "create_public_channel",
  "create_private_channel",
  "invite_user",
  "invite_guest",
  "add_user_to_team",
  "remove_user_from_team",
  "manage_team",
  "manage_team_roles",
  "import_team",
  "manage_team_access_rules",
  "manage_own_incoming_webhooks",
  "manage_others_incoming_webhooks",
  "manage_own_outgoing_webhooks",
  "manage_others_outgoing_webhooks",
  "manage_own_slash_commands",
  "manage_others_slash_commands",
  "bypass_incoming_webhook_channel_lock",
  "convert_public_channel_to_private",
  "convert_private_channel_to_public",
  "create_wiki",
  "manage_wiki",
] as const;

/** Permissions that apply in a channel. */
const CHANNEL_SCOPE = [
  "read_channel",
  "read_channel_content",
  "create_post",
  "create_post_public",
  "edit_post",
  "edit_others_posts",
  "delete_post",
  "delete_others_posts",
  "add_reaction",
  "remove_reaction",
  "upload_file",
  "get_public_link",
  "edit_file_attachment",
  "use_channel_mentions",
  "use_group_mentions",
  "use_slash_commands",
  "manage_public_channel_members",
  "manage_private_channel_members",
  "manage_public_channel_properties",
  "manage_private_channel_properties",
  "delete_public_channel",
  "delete_private_channel",
  "manage_channel_roles",
  "manage_public_channel_banner",
  "manage_private_channel_banner",
  "manage_channel_access_rules",
  "manage_public_channel_auto_translation",
  "manage_private_channel_auto_translation",
  "add_bookmark_public_channel",
  "edit_bookmark_public_channel",
  "delete_bookmark_public_channel",
  "order_bookmark_public_channel",
  "add_bookmark_private_channel",
  "edit_bookmark_private_channel",
  "delete_bookmark_private_channel",
  "order_bookmark_private_channel",
  "read_page",
  "create_page",
  "edit_page",
  "delete_own_page",
  "delete_page",
] as const;

/** Every permission id the host knows, Mattermost's names. */
export const PERMISSIONS = [...SYSTEM_SCOPE, ...TEAM_SCOPE, ...CHANNEL_SCOPE] as const;

export type Permission = (typeof PERMISSIONS)[number];

/** A built-in role as seeded: its name, Mattermost's i18n keys, its default permissions. */
export interface BuiltInRole {
  name: string;
  displayName: string;
  description: string;
  permissions: readonly Permission[];
  /** Held through a member's scheme flags (or a user's roles) rather than explicitly. */
  schemeManaged: boolean;
}

const role = (
  name: string,
  permissions: readonly Permission[],
  schemeManaged = true,
  i18nName = name,
): BuiltInRole => ({
  name,
  displayName: `authentication.roles.${i18nName}.name`,
  description: `authentication.roles.${i18nName}.description`,
  permissions,
  schemeManaged,
});

const BOOKMARKS = [
  "add_bookmark_public_channel",
  "edit_bookmark_public_channel",
  "delete_bookmark_public_channel",
  "order_bookmark_public_channel",
  "add_bookmark_private_channel",
  "edit_bookmark_private_channel",
  "delete_bookmark_private_channel",
  "order_bookmark_private_channel",
] as const;

const OWN_PAGES = ["read_page", "create_page", "edit_page", "delete_own_page"] as const;

/**
 * Mattermost's built-in roles with their defaults. Plugwire adds use_slash_commands to
 * channel_user and channel_guest: the host runs slash commands for channel members, as a
 * Mattermost server does after its permission migrations.
 */
export const BUILT_IN_ROLES: readonly BuiltInRole[] = [
  role("system_admin", PERMISSIONS, true, "global_admin"),
  role(
    "system_user",
    [
      "list_public_teams",
      "join_public_teams",
      "create_direct_channel",
      "create_group_channel",
      "view_members",
      "create_team",
      "create_custom_group",
      "edit_custom_group",
      "delete_custom_group",
      "restore_custom_group",
      "manage_custom_group_members",
      "manage_own_agent",
    ],
    true,
    "global_user",
  ),
  role("system_guest", ["create_direct_channel", "create_group_channel"], true, "global_guest"),
  role(
    "system_user_access_token",
    ["create_user_access_token", "read_user_access_token", "revoke_user_access_token"],
    false,
  ),
  role("system_post_all", ["create_post", "use_channel_mentions"], false),
  role("system_post_all_public", ["create_post_public", "use_channel_mentions"], false),
  role(
    "team_admin",
    [
      "remove_user_from_team",
      "manage_team",
      "import_team",
      "manage_team_roles",
      "manage_team_access_rules",
      "manage_channel_roles",
      "manage_own_incoming_webhooks",
      "manage_others_incoming_webhooks",
      "manage_own_outgoing_webhooks",
      "manage_others_outgoing_webhooks",
      "manage_own_slash_commands",
      "manage_others_slash_commands",
      "bypass_incoming_webhook_channel_lock",
      "convert_public_channel_to_private",
      "convert_private_channel_to_public",
      "delete_post",
      "delete_others_posts",
      ...BOOKMARKS,
      ...OWN_PAGES,
      "delete_page",
      "manage_public_channel_banner",
      "manage_private_channel_banner",
      "manage_channel_access_rules",
      "create_wiki",
      "manage_wiki",
    ],
  ),
  role(
    "team_user",
    [
      "list_team_channels",
      "join_public_channels",
      "read_public_channel",
      "view_team",
      "create_public_channel",
      "create_private_channel",
      "invite_user",
      "add_user_to_team",
      "create_wiki",
      ...OWN_PAGES,
    ],
  ),
  role("team_guest", ["view_team"]),
  role("team_post_all", ["create_post", "use_channel_mentions"], false),
  role("team_post_all_public", ["create_post_public", "use_channel_mentions"], false),
  role(
    "channel_admin",
    [
      "manage_channel_roles",
      "use_group_mentions",
      ...BOOKMARKS,
      ...OWN_PAGES,
      "delete_page",
      "manage_public_channel_banner",
      "manage_private_channel_banner",
      "manage_channel_access_rules",
      "manage_public_channel_auto_translation",
      "manage_private_channel_auto_translation",
    ],
  ),
  role(
    "channel_user",
    [
      "read_channel",
      "read_channel_content",
      "add_reaction",
      "remove_reaction",
      "manage_public_channel_members",
      "upload_file",
      "get_public_link",
      "create_post",
      "use_channel_mentions",
      "use_slash_commands",
      "manage_public_channel_properties",
      "delete_public_channel",
      "manage_private_channel_properties",
      "delete_private_channel",
      "manage_private_channel_members",
      "delete_post",
      "edit_post",
      "edit_file_attachment",
      ...BOOKMARKS,
      ...OWN_PAGES,
    ],
  ),
  role(
    "channel_guest",
    [
      "read_channel",
      "read_channel_content",
      "add_reaction",
      "remove_reaction",
      "upload_file",
      "edit_post",
      "create_post",
      "use_channel_mentions",
      "use_slash_commands",
      "read_page",
      "edit_file_attachment",
    ],
  ),
];

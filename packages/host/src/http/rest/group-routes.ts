// User groups over v4, as Mattermost's api4/group.go serves custom groups: people with the
// custom group permissions (every system user has them by default) make, change, delete and
// restore groups of source "custom" and manage their members; groups of other sources (a
// plugin's, LDAP's) are read-only here and seen only by system admins unless they can be
// mentioned. Plugwire needs no license for custom groups.
import { create } from "@bufbuild/protobuf";
import { ValidationError } from "@plugwire/errors";
import { type Group, type GroupMember, GroupSchema, UserSchema } from "@plugwire/protocol";
import type { GroupQuery } from "../../app/app.js";
import { GROUP_SOURCE_CUSTOM } from "../../app/group-operations.js";
import type { Permission } from "../../app/permissions.js";
import { objectBody, stringField } from "./body-fields.js";
import { groupJson, groupMemberJson } from "./group-json.js";
import { modelFromJson, modelToJson } from "./model-json.js";
import { pageOfQuery } from "./paging.js";
import { requireSystemPermission } from "./permissions.js";
import type { RestCall, RouteHandler } from "./rest-call.js";
import { invalidBodyParam, invalidUrlParam, permissionDenied } from "./rest-errors.js";
import type { Router } from "./router.js";

/** What a client may set when making or patching a group. */
const SETTABLE = ["name", "display_name", "description", "allow_reference"];

export function groupRoutes(router: Router<RouteHandler>): void {
  router
    .add("GET", "/api/v4/groups", listGroups)
    .add("POST", "/api/v4/groups", createGroup)
    .add("GET", "/api/v4/groups/{group_id}", async (call) => {
      const query = call.url.searchParams;
      const group = await call.app.getGroup(call.param("group_id"), {
        includeMemberCount: query.get("include_member_count") === "true",
        includeMemberIds: query.get("include_member_ids") === "true",
      });
      requireVisible(call, group);
      call.send(200, groupJson(group));
    })
    .add("PUT", "/api/v4/groups/{group_id}/patch", patchGroup)
    .add("DELETE", "/api/v4/groups/{group_id}", async (call) => {
      await customGroupFor(call, "delete_custom_group");
      call.send(200, groupJson(await call.app.deleteGroup(call.actor(), call.param("group_id"))));
    })
    .add("POST", "/api/v4/groups/{group_id}/restore", async (call) => {
      await customGroupFor(call, "restore_custom_group");
      call.send(200, groupJson(await call.app.restoreGroup(call.actor(), call.param("group_id"))));
    })
    .add("GET", "/api/v4/groups/{group_id}/stats", async (call) => {
      const group = await call.app.getGroup(call.param("group_id"));
      requireVisible(call, group);
      const count = await call.app.countGroupMembers(group.id);
      call.send(200, { group_id: group.id, total_member_count: Number(count) });
    })
    .add("GET", "/api/v4/groups/{group_id}/members", async (call) => {
      const group = await call.app.getGroup(call.param("group_id"));
      requireVisible(call, group);
      const page = pageOfQuery(call.url.searchParams);
      const [members, count] = await Promise.all([
        call.app.getGroupMemberUsers(group.id, page),
        call.app.countGroupMembers(group.id),
      ]);
      call.send(200, {
        members: members.map((user) => modelToJson(UserSchema, user)),
        total_member_count: Number(count),
      });
    })
    .add("POST", "/api/v4/groups/{group_id}/members", async (call) => {
      const group = await customGroupFor(call, "manage_custom_group_members");
      const userIds = await userIdsBody(call);
      const members = await call.app.upsertGroupMembers(call.actor(), group.id, userIds);
      call.send(200, members.map(groupMemberJson));
    })
    .add("DELETE", "/api/v4/groups/{group_id}/members", async (call) => {
      const group = await customGroupFor(call, "manage_custom_group_members");
      const userIds = await userIdsBody(call);
      const removed: GroupMember[] = [];
      for (const userId of userIds) {
        removed.push(await call.app.deleteGroupMember(call.actor(), group.id, userId));
      }
      call.send(200, removed.map(groupMemberJson));
    })
    .add("GET", "/api/v4/users/{user_id}/groups", async (call) => {
      const userId = call.param("user_id") === "me" ? call.user().id : call.param("user_id");
      const groups = await call.app.getGroupsForUser(userId);
      call.send(200, groups.filter((group) => canSee(call, group)).map(groupJson));
    });
}

/** GET /groups: a filtered page; people who are not system admins see mentionable groups only. */
async function listGroups(call: RestCall): Promise<void> {
  const query = call.url.searchParams;
  const since = query.get("since") ?? "";
  if (since !== "" && !/^\d{1,15}$/.test(since)) {
    throw invalidUrlParam("since", `"${since}" is not a time in ms since the epoch.`);
  }
  const filter: GroupQuery = {
    ...pageOfQuery(query),
    term: query.get("q") || undefined,
    source: query.get("group_source") || query.get("source") || undefined,
    hasMember: query.get("filter_has_member") || undefined,
    notInTeamId: query.get("not_associated_to_team") || undefined,
    notInChannelId: query.get("not_associated_to_channel") || undefined,
    allowReferenceOnly: query.get("filter_allow_reference") === "true" || !isAdmin(call),
    since: since === "" ? undefined : BigInt(since),
    deleted:
      query.get("filter_archived") === "true"
        ? "deleted"
        : query.get("include_archived") === "true"
          ? "all"
          : "active",
  };
  const groups = await call.app.getGroups(filter, {
    includeMemberCount: query.get("include_member_count") === "true",
    includeMemberIds: query.get("include_member_ids") === "true",
  });
  call.send(200, groups.map(groupJson));
}

/** POST /groups: a custom group, with its first members (`user_ids`); 201. */
async function createGroup(call: RestCall): Promise<void> {
  const body = await call.json();
  const fields = objectBody(body);
  const source = stringField(fields, "source");
  if (source !== GROUP_SOURCE_CUSTOM) {
    throw new ValidationError({
      id: "app.group.crud_permission",
      message: `Only custom groups can be made here (source "custom"), not "${source}".`,
      params: { field: "source" },
    });
  }
  requireSystemPermission(call, "create_custom_group", "you may not create custom groups");
  if (fields.allow_reference !== true) {
    throw mustBeReferenceable();
  }
  if (fields.remote_id !== undefined && fields.remote_id !== null && fields.remote_id !== "") {
    throw new ValidationError({
      id: "api.custom_groups.no_remote_id",
      message: "A custom group has no remote id; leave remote_id out.",
      params: { field: "remote_id" },
    });
  }
  const userIds = userIdsOf(fields.user_ids ?? []);
  const known = await call.app.getUsersByIds(userIds);
  const missing = userIds.filter((id) => !known.some((user) => user.id === id));
  if (missing.length > 0) {
    throw invalidBodyParam("user_ids", `no user has id ${missing.join(", ")}.`);
  }
  const { value } = modelFromJson(GroupSchema, body, SETTABLE, call.ignoreField);
  const group = await call.app.createGroup(
    call.actor(),
    create(GroupSchema, { ...value, source: GROUP_SOURCE_CUSTOM }),
  );
  if (userIds.length > 0) await call.app.upsertGroupMembers(call.actor(), group.id, userIds);
  group.memberCount = BigInt(new Set(userIds).size);
  call.send(201, groupJson(group));
}

/** PUT /groups/{id}/patch: the fields given; a custom group stays mentionable. */
async function patchGroup(call: RestCall): Promise<void> {
  const group = await call.app.getGroup(call.param("group_id"));
  if (group.source === GROUP_SOURCE_CUSTOM) {
    requireSystemPermission(call, "edit_custom_group", "you may not edit custom groups");
  } else {
    requireSystemPermission(call, "manage_system", "only system admins may edit this group");
  }
  const { value, given } = modelFromJson(
    GroupSchema,
    await call.json(),
    SETTABLE,
    call.ignoreField,
  );
  if (
    group.source === GROUP_SOURCE_CUSTOM &&
    given.has("allow_reference") &&
    !value.allowReference
  ) {
    throw mustBeReferenceable();
  }
  const patched = create(GroupSchema, {
    ...group,
    name: given.has("name") ? value.name : group.name,
    displayName: given.has("display_name") ? value.displayName : group.displayName,
    description: given.has("description") ? value.description : group.description,
    allowReference: given.has("allow_reference") ? value.allowReference : group.allowReference,
  });
  if (patched.allowReference && !given.has("name") && patched.name === "") {
    // As Mattermost: a group made mentionable without a name gets one from its display name.
    patched.name = patched.displayName.toLowerCase().replaceAll(" ", "-");
  }
  const updated = await call.app.updateGroup(call.actor(), patched);
  call.send(200, groupJson(updated));
}

function isAdmin(call: RestCall): boolean {
  return call.app.hasPermissionTo(call.user(), "manage_system");
}

/** Whether the logged-in user may see the group: it can be mentioned, or they are an admin. */
function canSee(call: RestCall, group: Group): boolean {
  return group.allowReference || isAdmin(call);
}

function requireVisible(call: RestCall, group: Group): void {
  if (!canSee(call, group)) {
    throw permissionDenied(
      `group ${group.id} can't be mentioned, so only system admins see it`,
      "sysconsole_read_user_management_groups",
    );
  }
}

/** The custom group of the URL, when the logged-in user has `permission`; 400 for other sources. */
async function customGroupFor(call: RestCall, permission: Permission): Promise<Group> {
  const group = await call.app.getGroup(call.param("group_id"));
  if (group.source !== GROUP_SOURCE_CUSTOM) {
    throw new ValidationError({
      id: "app.group.crud_permission",
      message: `Group ${group.id} comes from "${group.source}"; only custom groups can be changed here.`,
      params: { group_id: group.id },
    });
  }
  requireSystemPermission(call, permission, `you lack ${permission}`);
  return group;
}

function mustBeReferenceable(): ValidationError {
  return new ValidationError({
    id: "api.custom_groups.must_be_referenceable",
    message: "A custom group must be mentionable: allow_reference must be true.",
    params: { field: "allow_reference" },
  });
}

/** The body's {"user_ids": [...]}. */
async function userIdsBody(call: RestCall): Promise<string[]> {
  const fields = objectBody(await call.json());
  return userIdsOf(fields.user_ids);
}

function userIdsOf(value: unknown): string[] {
  if (!Array.isArray(value) || value.some((id) => typeof id !== "string" || id === "")) {
    throw invalidBodyParam("user_ids", "expected an array of user ids.");
  }
  return value as string[];
}

// The PluginAPI methods of user groups, spread into createPluginApiService. As in Mattermost,
// the Plugin API is trusted: a plugin may make and change groups of any source (typically its
// own "plugin_<name>" groups, kept in step with another system) with no permission check;
// what the app refuses for everyone (an invalid name, a taken remote id) it refuses here too.
import { create } from "@bufbuild/protobuf";
import type { ServiceImpl } from "@connectrpc/connect";
import { GroupSchema, GroupSyncableSchema, type PluginAPI } from "@plugwire/protocol";
import type { Actor, App } from "../app/app.js";
import { pageOf, required, requiredMessage } from "./request-validation.js";

type GroupMethods =
  | "getGroup"
  | "getGroupByName"
  | "getGroupByRemoteID"
  | "getGroupMemberUsers"
  | "getGroupsBySource"
  | "getGroupsForUser"
  | "getGroups"
  | "createGroup"
  | "updateGroup"
  | "deleteGroup"
  | "restoreGroup"
  | "upsertGroupMember"
  | "upsertGroupMembers"
  | "deleteGroupMember"
  | "getGroupSyncable"
  | "getGroupSyncables"
  | "upsertGroupSyncable"
  | "updateGroupSyncable"
  | "deleteGroupSyncable"
  | "createDefaultSyncableMemberships";

export function pluginApiGroups(
  app: App,
  actor: Actor,
): Pick<ServiceImpl<typeof PluginAPI>, GroupMethods> {
  return {
    getGroup: async (request) => ({
      group: await app.getGroup(required(request.groupId, "group_id")),
    }),
    getGroupByName: async (request) => ({
      group: await app.getGroupByName(required(request.name, "name")),
    }),
    getGroupByRemoteID: async (request) => ({
      group: await app.getGroupByRemoteId(
        required(request.remoteId, "remote_id"),
        required(request.groupSource, "group_source"),
      ),
    }),
    getGroupMemberUsers: async (request) => ({
      users: await app.getGroupMemberUsers(
        required(request.groupId, "group_id"),
        pageOf(request.paging),
      ),
    }),
    getGroupsBySource: async (request) => ({
      groups: await app.getGroupsBySource(required(request.groupSource, "group_source")),
    }),
    getGroupsForUser: async (request) => ({
      groups: await app.getGroupsForUser(required(request.userId, "user_id")),
    }),
    getGroups: async (request) => {
      const opts = request.opts;
      const groups = await app.getGroups(
        {
          ...pageOf(request.paging),
          term: opts?.q || undefined,
          source: opts?.source || undefined,
          hasMember: opts?.filterHasMember || undefined,
          notInTeamId: opts?.notAssociatedToTeam || undefined,
          notInChannelId: opts?.notAssociatedToChannel || undefined,
          allowReferenceOnly: opts?.filterAllowReference,
          since: opts?.since,
          deleted: opts?.filterArchived ? "deleted" : opts?.includeArchived ? "all" : "active",
        },
        {
          includeMemberCount: opts?.includeMemberCount,
          includeMemberIds: opts?.includeMemberIds,
        },
      );
      return { groups };
    },
    createGroup: async (request) => {
      const group = requiredMessage(request.group, "group");
      return { group: await app.createGroup(actor, create(GroupSchema, group)) };
    },
    updateGroup: async (request) => {
      const group = requiredMessage(request.group, "group");
      required(group.id, "group.id");
      return { group: await app.updateGroup(actor, group) };
    },
    deleteGroup: async (request) => ({
      group: await app.deleteGroup(actor, required(request.groupId, "group_id")),
    }),
    restoreGroup: async (request) => ({
      group: await app.restoreGroup(actor, required(request.groupId, "group_id")),
    }),
    upsertGroupMember: async (request) => {
      const [member] = await app.upsertGroupMembers(actor, required(request.groupId, "group_id"), [
        required(request.userId, "user_id"),
      ]);
      return { groupMember: member };
    },
    upsertGroupMembers: async (request) => ({
      groupMembers: await app.upsertGroupMembers(
        actor,
        required(request.groupId, "group_id"),
        request.userIds.map((userId, index) => required(userId, `user_ids[${index}]`)),
      ),
    }),
    deleteGroupMember: async (request) => ({
      groupMember: await app.deleteGroupMember(
        actor,
        required(request.groupId, "group_id"),
        required(request.userId, "user_id"),
      ),
    }),
    getGroupSyncable: async (request) => ({
      groupSyncable: await app.getGroupSyncable(
        required(request.groupId, "group_id"),
        required(request.syncableId, "syncable_id"),
        required(request.syncableType, "syncable_type"),
      ),
    }),
    getGroupSyncables: async (request) => ({
      groupSyncables: await app.getGroupSyncables(
        required(request.groupId, "group_id"),
        required(request.syncableType, "syncable_type"),
      ),
    }),
    upsertGroupSyncable: async (request) => {
      const syncable = requiredMessage(request.groupSyncable, "group_syncable");
      return {
        groupSyncable: await app.upsertGroupSyncable(actor, create(GroupSyncableSchema, syncable)),
      };
    },
    updateGroupSyncable: async (request) => {
      const syncable = requiredMessage(request.groupSyncable, "group_syncable");
      return { groupSyncable: await app.updateGroupSyncable(actor, syncable) };
    },
    deleteGroupSyncable: async (request) => ({
      groupSyncable: await app.deleteGroupSyncable(
        actor,
        required(request.groupId, "group_id"),
        required(request.syncableId, "syncable_id"),
        required(request.syncableType, "syncable_type"),
      ),
    }),
    createDefaultSyncableMemberships: async (request) => {
      // Mattermost's params are a value: absent, every membership since the epoch.
      const params = request.params;
      await app.createDefaultSyncableMemberships(actor, {
        since: params?.since ?? 0n,
        reAddRemovedMembers: params?.reAddRemovedMembers ?? false,
        scopedUserId: params?.scopedUserId || undefined,
        scopedTeamId: params?.scopedTeamId || undefined,
        scopedChannelId: params?.scopedChannelId || undefined,
      });
      return {};
    },
  };
}

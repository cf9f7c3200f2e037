// User groups: custom groups people make and groups plugins keep in step with another system
// (source "plugin_<name>", with the group's id there as remote id), their members, and their
// links to teams and channels, with Mattermost's checks (model.Group.IsValidForCreate, the
// app's GroupSyncable rules). Who may change which group is the caller's check: the Plugin API
// is trusted, as in Mattermost, and REST checks the custom group permissions.
import { create } from "@bufbuild/protobuf";
import { ValidationError } from "@plugwire/errors";
import {
  type Group,
  type GroupMember,
  GroupSchema,
  type GroupSyncable,
  GroupSyncableSchema,
  type User,
} from "@plugwire/protocol";
import type { GroupQuery, PageQuery } from "../store/store.js";
import type { Actor } from "./actor.js";
import type { AppCore } from "./app-core.js";
import { MAX_PER_PAGE } from "./paging.js";

/** Mattermost's limits of a group. */
export const GROUP_NAME_MAX_LENGTH = 64;
export const GROUP_DISPLAY_NAME_MAX_LENGTH = 128;
export const GROUP_DESCRIPTION_MAX_LENGTH = 1024;
export const GROUP_REMOTE_ID_MAX_LENGTH = 48;
/** Group sources: custom groups, LDAP's, and "plugin_<name>" for a plugin's. */
export const GROUP_SOURCE_CUSTOM = "custom";
export const GROUP_SOURCE_LDAP = "ldap";
export const GROUP_SOURCE_PLUGIN_PREFIX = "plugin_";

const VALID_NAME = /^[a-z0-9.\-_]+$/;
/** Names that are mentions already. */
const RESERVED_NAMES = new Set(["all", "channel", "here"]);

/** Which extras a group read fills in. */
export interface GroupReadOptions {
  includeMemberCount?: boolean;
  includeMemberIds?: boolean;
}

export interface GroupOperations {
  /** A group, deleted or not; NotFoundError when missing. */
  getGroup(groupId: string, options?: GroupReadOptions): Promise<Group>;
  getGroupByName(name: string): Promise<Group>;
  getGroupByRemoteId(remoteId: string, source: string): Promise<Group>;
  /** A filtered page of groups, by display name. */
  getGroups(query: GroupQuery, options?: GroupReadOptions): Promise<Group[]>;
  /** Every group of a source that is not deleted. */
  getGroupsBySource(source: string): Promise<Group[]>;
  getGroupsForUser(userId: string): Promise<Group[]>;
  /** A page of the group's members with active accounts, by username. */
  getGroupMemberUsers(groupId: string, page: PageQuery): Promise<User[]>;
  /** The group's member count with active accounts; NotFoundError for a missing group. */
  countGroupMembers(groupId: string): Promise<bigint>;
  createGroup(actor: Actor, group: Group): Promise<Group>;
  /** Saves name, display name, description and allow_reference of group.id. */
  updateGroup(actor: Actor, group: Group): Promise<Group>;
  deleteGroup(actor: Actor, groupId: string): Promise<Group>;
  restoreGroup(actor: Actor, groupId: string): Promise<Group>;
  upsertGroupMembers(
    actor: Actor,
    groupId: string,
    userIds: readonly string[],
  ): Promise<GroupMember[]>;
  deleteGroupMember(actor: Actor, groupId: string, userId: string): Promise<GroupMember>;
  getGroupSyncable(groupId: string, syncableId: string, type: string): Promise<GroupSyncable>;
  getGroupSyncables(groupId: string, type: string): Promise<GroupSyncable[]>;
  /** Links (or re-links) a group; a channel's link also links the group to its team. */
  upsertGroupSyncable(actor: Actor, syncable: GroupSyncable): Promise<GroupSyncable>;
  /** Changes an existing link's auto_add and scheme_admin (delete_at set: see Mattermost). */
  updateGroupSyncable(actor: Actor, syncable: GroupSyncable): Promise<GroupSyncable>;
  /** Removes a link; a team's link takes the group's links to that team's channels along. */
  deleteGroupSyncable(
    actor: Actor,
    groupId: string,
    syncableId: string,
    type: string,
  ): Promise<GroupSyncable>;
  /**
   * Mattermost's CreateDefaultMemberships: adds the members of groups linked with auto_add to
   * those teams, then to those channels (and first to a channel's team when they are not in
   * it), as joining does (hooks and events); see GroupStore.membersToAdd for who. A failed
   * membership does not stop the others; the first failure is thrown after all were tried.
   */
  createDefaultSyncableMemberships(actor: Actor, params: DefaultMembershipParams): Promise<void>;
}

/** What createDefaultSyncableMemberships adds (Mattermost's CreateDefaultMembershipParams). */
export interface DefaultMembershipParams {
  since: bigint;
  reAddRemovedMembers: boolean;
  scopedUserId?: string;
  scopedTeamId?: string;
  scopedChannelId?: string;
}

/** How memberships are made: the app's own team and channel operations. */
export interface MembershipWriters {
  addTeamMember(actor: Actor, teamId: string, userId: string): Promise<unknown>;
  addChannelMember(actor: Actor, channelId: string, userId: string): Promise<unknown>;
}

export class Groups implements GroupOperations {
  constructor(
    private readonly core: AppCore,
    private readonly memberships: MembershipWriters,
  ) {}

  async createDefaultSyncableMemberships(
    actor: Actor,
    params: DefaultMembershipParams,
  ): Promise<void> {
    const failures: unknown[] = [];
    const attempt = async (what: string, add: () => Promise<unknown>) => {
      try {
        await add();
      } catch (error) {
        this.core.log.warn(`default membership not created: ${what}`, { error: String(error) });
        failures.push(error);
      }
    };
    const query = {
      since: params.since,
      reAddRemovedMembers: params.reAddRemovedMembers,
      userId: params.scopedUserId,
    };
    const teamPairs = await this.core.store.membersToAdd("team", {
      ...query,
      syncableId: params.scopedTeamId,
    });
    for (const pair of teamPairs) {
      await attempt(`user ${pair.userId} to team ${pair.syncableId}`, () =>
        this.memberships.addTeamMember(actor, pair.syncableId, pair.userId),
      );
    }
    const channelPairs = await this.core.store.membersToAdd("channel", {
      ...query,
      syncableId: params.scopedChannelId,
    });
    for (const pair of channelPairs) {
      await attempt(`user ${pair.userId} to channel ${pair.syncableId}`, async () => {
        // The store left out users whose team membership ended; others join the team first.
        if ((await this.core.store.getTeamMember(pair.teamId, pair.userId)) === undefined) {
          await this.memberships.addTeamMember(actor, pair.teamId, pair.userId);
        }
        await this.memberships.addChannelMember(actor, pair.syncableId, pair.userId);
      });
    }
    if (failures.length > 0) throw failures[0];
  }

  async getGroup(groupId: string, options: GroupReadOptions = {}): Promise<Group> {
    const group = await this.core.store.getGroup(groupId);
    return this.withExtras(group, options);
  }

  getGroupByName(name: string): Promise<Group> {
    return this.core.store.getGroupByName(name);
  }

  getGroupByRemoteId(remoteId: string, source: string): Promise<Group> {
    return this.core.store.getGroupByRemoteId(remoteId, source);
  }

  async getGroups(query: GroupQuery, options: GroupReadOptions = {}): Promise<Group[]> {
    const groups = await this.core.store.getGroups({
      ...query,
      includeMemberCount: options.includeMemberCount ?? query.includeMemberCount,
    });
    if (!options.includeMemberIds) return groups;
    return Promise.all(groups.map((group) => this.withExtras(group, { includeMemberIds: true })));
  }

  async getGroupsBySource(source: string): Promise<Group[]> {
    const all: Group[] = [];
    for (let page = 0; ; page++) {
      const found = await this.core.store.getGroups({ source, page, perPage: MAX_PER_PAGE });
      all.push(...found);
      if (found.length < MAX_PER_PAGE) return all;
    }
  }

  getGroupsForUser(userId: string): Promise<Group[]> {
    return this.core.store.getGroupsForUser(userId);
  }

  getGroupMemberUsers(groupId: string, page: PageQuery): Promise<User[]> {
    return this.core.store.getGroupMemberUsers(groupId, page);
  }

  async countGroupMembers(groupId: string): Promise<bigint> {
    await this.core.store.getGroup(groupId);
    return this.core.store.countGroupMembers(groupId);
  }

  async createGroup(actor: Actor, group: Group): Promise<Group> {
    checkGroup(group);
    const created = await this.core.store.createGroup(
      create(GroupSchema, { ...group, createAt: 0n, updateAt: 0n, deleteAt: 0n }),
    );
    this.changed(created, actor);
    return created;
  }

  async updateGroup(actor: Actor, group: Group): Promise<Group> {
    if (!group.id) throw invalid("id", "app.group.id.app_error", "group.id is required.");
    const old = await this.core.store.getGroup(group.id);
    checkGroup(create(GroupSchema, { ...group, source: old.source, remoteId: old.remoteId }));
    const updated = await this.core.store.updateGroup(group);
    this.changed(updated, actor);
    return updated;
  }

  async deleteGroup(actor: Actor, groupId: string): Promise<Group> {
    const deleted = await this.core.store.setGroupDeleted(groupId, true);
    this.changed(deleted, actor);
    return deleted;
  }

  async restoreGroup(actor: Actor, groupId: string): Promise<Group> {
    const restored = await this.core.store.setGroupDeleted(groupId, false);
    this.changed(restored, actor);
    return restored;
  }

  async upsertGroupMembers(
    actor: Actor,
    groupId: string,
    userIds: readonly string[],
  ): Promise<GroupMember[]> {
    const members = await this.core.store.upsertGroupMembers(groupId, [...new Set(userIds)]);
    for (const member of members) this.core.emit("groupMemberAdded", member, actor);
    return members;
  }

  async deleteGroupMember(actor: Actor, groupId: string, userId: string): Promise<GroupMember> {
    const member = await this.core.store.deleteGroupMember(groupId, userId);
    this.core.emit("groupMemberRemoved", member, actor);
    return member;
  }

  getGroupSyncable(groupId: string, syncableId: string, type: string): Promise<GroupSyncable> {
    return this.core.store.getGroupSyncable(groupId, syncableId, checkType(type));
  }

  getGroupSyncables(groupId: string, type: string): Promise<GroupSyncable[]> {
    return this.core.store.getGroupSyncables(groupId, checkType(type));
  }

  async upsertGroupSyncable(actor: Actor, syncable: GroupSyncable): Promise<GroupSyncable> {
    checkSyncable(syncable);
    if (syncable.type === "channel") {
      // As Mattermost: a group linked to a channel is linked to the channel's team too.
      const channel = await this.core.store.getChannel(syncable.syncableId);
      const teamLink = await this.findSyncable(syncable.groupId, channel.teamId, "team");
      if (teamLink === undefined || teamLink.deleteAt !== 0n) {
        await this.upsertGroupSyncable(
          actor,
          create(GroupSyncableSchema, {
            groupId: syncable.groupId,
            syncableId: channel.teamId,
            type: "team",
            autoAdd: syncable.autoAdd,
          }),
        );
      }
    }
    const saved = await this.core.store.saveGroupSyncable(
      create(GroupSyncableSchema, { ...syncable, deleteAt: 0n }),
    );
    this.core.emit("groupSyncableChanged", saved, actor);
    return saved;
  }

  async updateGroupSyncable(actor: Actor, syncable: GroupSyncable): Promise<GroupSyncable> {
    checkSyncable(syncable);
    // Mattermost updates a live link in place, and upserts (restoring it) otherwise.
    if (syncable.deleteAt !== 0n) return this.upsertGroupSyncable(actor, syncable);
    const old = await this.core.store.getGroupSyncable(
      syncable.groupId,
      syncable.syncableId,
      syncable.type,
    );
    const saved = await this.core.store.saveGroupSyncable(
      create(GroupSyncableSchema, {
        ...old,
        autoAdd: syncable.autoAdd,
        schemeAdmin: syncable.schemeAdmin,
      }),
    );
    this.core.emit("groupSyncableChanged", saved, actor);
    return saved;
  }

  async deleteGroupSyncable(
    actor: Actor,
    groupId: string,
    syncableId: string,
    type: string,
  ): Promise<GroupSyncable> {
    const deleted = await this.unlink(groupId, syncableId, checkType(type));
    if (deleted.type === "team") {
      for (const link of await this.core.store.getGroupSyncables(groupId, "channel")) {
        const channel = await this.core.store.getChannel(link.syncableId);
        if (channel.teamId === syncableId) await this.unlink(groupId, link.syncableId, "channel");
      }
    }
    this.core.emit("groupSyncableChanged", deleted, actor);
    return deleted;
  }

  private async unlink(groupId: string, syncableId: string, type: string): Promise<GroupSyncable> {
    const link = await this.core.store.getGroupSyncable(groupId, syncableId, type);
    if (link.deleteAt !== 0n) {
      throw new ValidationError({
        id: "app.group.group_syncable_already_deleted",
        message: `Group ${groupId} is no longer linked to ${type} ${syncableId}.`,
        params: { group_id: groupId, syncable_id: syncableId, type },
      });
    }
    return this.core.store.saveGroupSyncable(
      create(GroupSyncableSchema, { ...link, deleteAt: BigInt(this.core.now()) }),
    );
  }

  private async findSyncable(
    groupId: string,
    syncableId: string,
    type: string,
  ): Promise<GroupSyncable | undefined> {
    try {
      return await this.core.store.getGroupSyncable(groupId, syncableId, type);
    } catch (error) {
      if ((error as { id?: string }).id === "store.group_syncable.not_found") return undefined;
      throw error;
    }
  }

  private async withExtras(group: Group, options: GroupReadOptions): Promise<Group> {
    if (options.includeMemberCount) {
      group.memberCount = await this.core.store.countGroupMembers(group.id);
    }
    if (options.includeMemberIds) {
      const ids: string[] = [];
      for (let page = 0; ; page++) {
        const users = await this.core.store.getGroupMemberUsers(group.id, {
          page,
          perPage: MAX_PER_PAGE,
        });
        ids.push(...users.map((user) => user.id));
        if (users.length < MAX_PER_PAGE) break;
      }
      group.memberIds = ids;
    }
    return group;
  }

  private changed(group: Group, actor: Actor): void {
    this.core.emit("groupChanged", group, actor);
  }
}

function invalid(field: string, id: string, message: string): ValidationError {
  return new ValidationError({ id, message, params: { field } });
}

/** Mattermost's Group.IsValidForCreate. */
export function checkGroup(group: Group): void {
  if (group.name === "") {
    if (group.allowReference) {
      throw invalid(
        "name",
        "model.group.name.app_error",
        "A group that can be mentioned needs a name.",
      );
    }
  } else {
    if (group.name.length > GROUP_NAME_MAX_LENGTH) {
      throw invalid(
        "name",
        "model.group.name.invalid_length.app_error",
        `A group's name has 1 to ${GROUP_NAME_MAX_LENGTH} characters.`,
      );
    }
    if (RESERVED_NAMES.has(group.name)) {
      throw invalid(
        "name",
        "model.group.name.reserved_name.app_error",
        `"${group.name}" mentions everyone already; choose another name.`,
      );
    }
    if (!VALID_NAME.test(group.name)) {
      throw invalid(
        "name",
        "model.group.name.invalid_chars.app_error",
        `"${group.name}": a group's name has lowercase letters, digits, ".", "-" and "_" only.`,
      );
    }
  }
  if (group.displayName.length === 0 || group.displayName.length > GROUP_DISPLAY_NAME_MAX_LENGTH) {
    throw invalid(
      "display_name",
      "model.group.display_name.app_error",
      `A group's display name has 1 to ${GROUP_DISPLAY_NAME_MAX_LENGTH} characters.`,
    );
  }
  if (group.description.length > GROUP_DESCRIPTION_MAX_LENGTH) {
    throw invalid(
      "description",
      "model.group.description.app_error",
      `A group's description has at most ${GROUP_DESCRIPTION_MAX_LENGTH} characters.`,
    );
  }
  const plugin = group.source.startsWith(GROUP_SOURCE_PLUGIN_PREFIX);
  if (
    group.source !== GROUP_SOURCE_CUSTOM &&
    group.source !== GROUP_SOURCE_LDAP &&
    !(plugin && group.source.length > GROUP_SOURCE_PLUGIN_PREFIX.length)
  ) {
    throw invalid(
      "source",
      "model.group.source.app_error",
      `"${group.source}" is not a group source; use "custom", "ldap" or "plugin_<name>".`,
    );
  }
  const needsRemoteId = group.source === GROUP_SOURCE_LDAP || plugin;
  if ((needsRemoteId && !group.remoteId) || group.remoteId.length > GROUP_REMOTE_ID_MAX_LENGTH) {
    throw invalid(
      "remote_id",
      "model.group.remote_id.app_error",
      `A ${group.source} group needs a remote id of 1 to ${GROUP_REMOTE_ID_MAX_LENGTH} characters.`,
    );
  }
}

function checkType(type: string): "team" | "channel" {
  if (type !== "team" && type !== "channel") {
    throw invalid(
      "syncable_type",
      "model.group_syncable.type.app_error",
      `"${type}" is not a syncable type; use "team" or "channel".`,
    );
  }
  return type;
}

function checkSyncable(syncable: GroupSyncable): void {
  checkType(syncable.type);
  if (!syncable.groupId) {
    throw invalid("group_id", "model.group_syncable.group_id.app_error", "group_id is required.");
  }
  if (!syncable.syncableId) {
    throw invalid(
      "syncable_id",
      "model.group_syncable.syncable_id.app_error",
      "syncable_id is required.",
    );
  }
}

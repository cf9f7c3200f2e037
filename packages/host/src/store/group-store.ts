import type { Group, GroupMember, GroupSyncable, User } from "@plugwire/protocol";
import type { PageQuery } from "./page-query.js";

/** Filters of getGroups, as Mattermost's GroupSearchOpts. Groups come by display name, then id. */
export interface GroupQuery extends PageQuery {
  /** Groups whose name or display name starts with this text, or has a word starting with it. */
  term?: string;
  source?: string;
  /** Groups with this user among their members. */
  hasMember?: string;
  /** Groups not linked to this team. */
  notInTeamId?: string;
  /** Groups not linked to this channel. */
  notInChannelId?: string;
  /** Groups that can be mentioned. */
  allowReferenceOnly?: boolean;
  /** Groups changed at or after this time. */
  since?: bigint;
  /** "active" (the default), "deleted" or "all". */
  deleted?: "active" | "deleted" | "all";
  /** Fill member_count. */
  includeMemberCount?: boolean;
}

/** Which memberships membersToAdd looks for (Mattermost's CreateDefaultMembershipParams). */
export interface MembersToAddQuery {
  /** Group memberships made, or links changed, at or after this time. */
  since: bigint;
  /** Also users who left or were removed (then `since` does not count), as Mattermost. */
  reAddRemovedMembers: boolean;
  /** Only this user. */
  userId?: string;
  /** Only this team or channel. */
  syncableId?: string;
}

/** A user to add to a team or channel. */
export interface MemberToAdd {
  userId: string;
  /** The team or channel. */
  syncableId: string;
  /** For a channel: its team. */
  teamId: string;
}

/**
 * User groups, their members and their links to teams and channels. A group's `has_syncables`
 * is read with it; `member_count` only when asked. Members and links are deleted by setting
 * their delete_at, so that adding them again keeps their create_at.
 */
export interface GroupStore {
  /**
   * Stores a new group (id and times filled in when empty). AlreadyExistsError when its name is
   * another group's or a user's, or its remote id is another group's of the same source.
   */
  createGroup(group: Group): Promise<Group>;
  /** A group by id, deleted or not; NotFoundError when missing. */
  getGroup(groupId: string): Promise<Group>;
  /** A group by name (not deleted); NotFoundError when missing. */
  getGroupByName(name: string): Promise<Group>;
  /** A group by its source and remote id, deleted or not; NotFoundError when missing. */
  getGroupByRemoteId(remoteId: string, source: string): Promise<Group>;
  getGroups(query: GroupQuery): Promise<Group[]>;
  /** The groups, not deleted, of which the user is a member. */
  getGroupsForUser(userId: string): Promise<Group[]>;
  /**
   * Saves a group's name, display name, description and allow_reference; source, remote id
   * and times stay. The same AlreadyExistsErrors as createGroup.
   */
  updateGroup(group: Group): Promise<Group>;
  /**
   * Deletes (`deleted` true) or restores a group; NotFoundError when there is no such group
   * in the other state.
   */
  setGroupDeleted(groupId: string, deleted: boolean): Promise<Group>;

  /** A page of the group's members whose account is active, by username. */
  getGroupMemberUsers(groupId: string, page: PageQuery): Promise<User[]>;
  /** How many members with an active account the group has. */
  countGroupMembers(groupId: string): Promise<bigint>;
  /**
   * Makes each user a member (keeping current memberships, restoring ended ones), all or none;
   * NotFoundError for a missing group or user.
   */
  upsertGroupMembers(groupId: string, userIds: readonly string[]): Promise<GroupMember[]>;
  /** Ends a membership; NotFoundError when the user is not a member. */
  deleteGroupMember(groupId: string, userId: string): Promise<GroupMember>;

  /** A group's link, deleted or not; NotFoundError when there is none. */
  getGroupSyncable(groupId: string, syncableId: string, type: string): Promise<GroupSyncable>;
  /** A group's links of one type, not deleted, oldest first. */
  getGroupSyncables(groupId: string, type: string): Promise<GroupSyncable[]>;
  /**
   * Creates a link, or saves auto_add, scheme_admin and delete_at of an existing one (which
   * restores a deleted one when delete_at is 0). NotFoundError for a missing group, team or
   * channel.
   */
  saveGroupSyncable(syncable: GroupSyncable): Promise<GroupSyncable>;
  /**
   * Members of groups linked with auto_add (groups, links, group memberships, teams and
   * channels not deleted; accounts active and not bots) who are not members of the team
   * (`type` "team") or channel (`type` "channel"), as Mattermost's TeamMembersToAdd and
   * ChannelMembersToAdd; each pair once, by syncable then user. For a channel, a user whose
   * membership of the channel's team ended is left out (Mattermost skips them: they left the
   * team). Plugwire keeps no channel membership history, so a user who left a channel counts
   * as never having been in it.
   */
  membersToAdd(type: string, query: MembersToAddQuery): Promise<MemberToAdd[]>;
}

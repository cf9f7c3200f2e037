import type { Channel, ChannelMember, ChannelStats, Post } from "@plugwire/protocol";
import type { PageQuery } from "./page-query.js";

/**
 * A membership change and the system post that tells of it (Mattermost's join, leave, add and
 * remove posts), made in one transaction: both are stored or neither is.
 */
export interface MembershipChange<Member> {
  /** The membership as it is after the change (an ended one for a team member who left). */
  member: Member;
  /** The system post as stored; absent when none was given or the membership did not change. */
  post?: Post;
}

/** Channels, their members, and the direct channels of two users. */
export interface ChannelStore {
  createChannel(channel: Channel): Promise<Channel>;
  getChannel(channelId: string): Promise<Channel>;
  getChannelByName(teamId: string, name: string, includeDeleted: boolean): Promise<Channel>;
  updateChannel(channel: Channel): Promise<Channel>;
  /** Archives (sets delete_at). */
  deleteChannel(channelId: string): Promise<Channel>;
  /**
   * Brings an archived channel back (delete_at 0). ValidationError
   * (`api.channel.restore_channel.restored.app_error`) when it is not archived.
   */
  restoreChannel(channelId: string): Promise<Channel>;
  getChannelMembers(channelId: string, page: PageQuery): Promise<ChannelMember[]>;
  getChannelMember(channelId: string, userId: string): Promise<ChannelMember | undefined>;
  addChannelMember(channelId: string, userId: string): Promise<ChannelMember>;
  removeChannelMember(channelId: string, userId: string): Promise<ChannelMember>;
  /**
   * addChannelMember, and `systemPost` created (as createPost does) in the same transaction
   * when the user was not a member yet.
   */
  joinChannel(
    channelId: string,
    userId: string,
    systemPost: Post,
  ): Promise<MembershipChange<ChannelMember>>;
  /** removeChannelMember, and `systemPost` created in the same transaction. */
  leaveChannel(
    channelId: string,
    userId: string,
    systemPost: Post,
  ): Promise<MembershipChange<ChannelMember>>;
  /** The direct ("D") channel of two users, created with both as members when missing. */
  getOrCreateDirectChannel(userId1: string, userId2: string): Promise<Channel>;
  /**
   * The group ("G") channel of 3 to 8 users, created with them as members when missing; named
   * as Mattermost names it (the SHA-1 of the sorted ids), shown as their usernames.
   */
  getOrCreateGroupChannel(userIds: readonly string[]): Promise<Channel>;
  /** The user's channels of the team and their direct and group channels, by display name. */
  getChannelsForTeamForUser(
    teamId: string,
    userId: string,
    includeDeleted: boolean,
  ): Promise<Channel[]>;
  /** The user's memberships of those channels. */
  getChannelMembersForUser(teamId: string, userId: string): Promise<ChannelMember[]>;
  /** The memberships of these users; users not members are skipped. */
  getChannelMembersByIds(channelId: string, userIds: readonly string[]): Promise<ChannelMember[]>;
  /** The team's active public channels, by display name. */
  getPublicChannelsForTeam(teamId: string, page: PageQuery): Promise<Channel[]>;
  /** The team's active public channels whose name or display name contains the term. */
  searchChannels(teamId: string, term: string): Promise<Channel[]>;
  getChannelStats(channelId: string): Promise<ChannelStats>;
  /**
   * Marks the channels read for the member, as Mattermost does: last_viewed_at becomes the
   * channel's last_post_at, msg_count its total_msg_count, mention_count 0. Answers the times
   * set, by channel id; channels the user is not a member of are skipped.
   */
  viewChannels(userId: string, channelIds: readonly string[]): Promise<Record<string, bigint>>;
  /** Replaces the given keys of the member's notify_props. NotFoundError when not a member. */
  updateChannelMemberNotifyProps(
    channelId: string,
    userId: string,
    props: Record<string, string>,
  ): Promise<ChannelMember>;
  /**
   * Replaces the given keys of the notify_props of each membership, in one transaction: when
   * one of them does not exist (NotFoundError), none changes. Answers them in the order given.
   */
  patchChannelMembersNotifyProps(
    members: readonly ChannelMemberIdentifier[],
    props: Record<string, string>,
  ): Promise<ChannelMember[]>;
}

/** One membership, by its channel and user (Mattermost's ChannelMemberIdentifier). */
export interface ChannelMemberIdentifier {
  channelId: string;
  userId: string;
}

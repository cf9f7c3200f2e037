// Channels and their members. Creating fires ChannelHasBeenCreated; joining and leaving fire
// UserHasJoinedChannel and UserHasLeftChannel, and post their system message (membership-posts.ts)
// in the membership change's transaction.
import type { Channel, ChannelMember, Post } from "@plugwire/protocol";
import type { Store } from "../store/store.js";
import type { Actor } from "./actor.js";
import { type AppCore, contextOf } from "./app-core.js";
import { joinedPost, leftPost, membershipPosted } from "./membership-posts.js";

/** Reads answer as the store does; writes fire the hooks and tell the members. */
export interface ChannelOperations
  extends Pick<
    Store,
    "getChannel" | "getChannelByName" | "getChannelMembers" | "getChannelMember"
  > {
  /**
   * Creates a channel, then ChannelHasBeenCreated. With addCreator, the creator (creator_id) is
   * made its first member and its channel_admin before the hook fires, without a
   * UserHasJoinedChannel of its own, as Mattermost does for channels people create (plugins'
   * channels start empty).
   */
  createChannel(
    actor: Actor,
    channel: Channel,
    options?: { addCreator?: boolean },
  ): Promise<Channel>;
  updateChannel(actor: Actor, channel: Channel): Promise<Channel>;
  /** Archives the channel (sets delete_at). */
  deleteChannel(actor: Actor, channelId: string): Promise<Channel>;
  /** The direct ("D") channel of two users, created with both as members when missing. */
  getDirectChannel(userId1: string, userId2: string): Promise<Channel>;
  addChannelMember(actor: Actor, channelId: string, userId: string): Promise<ChannelMember>;
  removeChannelMember(actor: Actor, channelId: string, userId: string): Promise<void>;
}

type ChannelWrites = "createChannel" | "addChannelMember" | "removeChannelMember";

export class Channels implements Pick<ChannelOperations, ChannelWrites> {
  constructor(private readonly core: AppCore) {}

  async createChannel(
    actor: Actor,
    channel: Channel,
    options: { addCreator?: boolean } = {},
  ): Promise<Channel> {
    const { store } = this.core;
    const addCreator = options.addCreator === true && channel.creatorId !== "";
    // The creator is checked first, so a bad creator id leaves no channel behind.
    if (addCreator) await store.getUser(channel.creatorId);
    const created = await store.createChannel(channel);
    if (addCreator) {
      const member = await store.addChannelMember(created.id, channel.creatorId);
      // The creator runs the channel (channel_admin), as in Mattermost.
      await store.setChannelMemberRoles(created.id, channel.creatorId, {
        explicitRoles: member.roles,
        schemeUser: member.schemeUser,
        schemeGuest: member.schemeGuest,
        schemeAdmin: true,
      });
    }
    this.core.notify("ChannelHasBeenCreated", { context: contextOf(actor), channel: created });
    this.core.emit("channelCreated", created, actor);
    return created;
  }

  async addChannelMember(actor: Actor, channelId: string, userId: string): Promise<ChannelMember> {
    const { store } = this.core;
    // The actor is looked up first, so a bad actor id fails the call before anything changes.
    const actorUser = await this.core.actorUser(actor, userId);
    const channel = await store.getChannel(channelId);
    let member: ChannelMember;
    let post: Post | undefined;
    if (hasMembershipPosts(channel)) {
      const user = await store.getUser(userId);
      ({ member, post } = await store.joinChannel(
        channelId,
        userId,
        joinedPost("channel", channelId, user, actorUser),
      ));
    } else {
      member = await store.addChannelMember(channelId, userId);
    }
    this.core.notify("UserHasJoinedChannel", {
      context: contextOf(actor),
      channelMember: member,
      actor: actorUser,
    });
    this.core.emit("channelMemberAdded", member, actor);
    if (post !== undefined) await membershipPosted(this.core, actor, post);
    return member;
  }

  async removeChannelMember(actor: Actor, channelId: string, userId: string): Promise<void> {
    const { store } = this.core;
    // The actor is looked up first, so a bad actor id fails the call before anything changes.
    const actorUser = await this.core.actorUser(actor, userId);
    const channel = await store.getChannel(channelId);
    let member: ChannelMember;
    let post: Post | undefined;
    if (hasMembershipPosts(channel)) {
      const user = await store.getUser(userId);
      ({ member, post } = await store.leaveChannel(
        channelId,
        userId,
        leftPost("channel", channelId, user, actorUser),
      ));
    } else {
      member = await store.removeChannelMember(channelId, userId);
    }
    this.core.notify("UserHasLeftChannel", {
      context: contextOf(actor),
      channelMember: member,
      actor: actorUser,
    });
    this.core.emit("channelMemberRemoved", member, actor);
    if (post !== undefined) await membershipPosted(this.core, actor, post);
  }
}

/**
 * Whether joining and leaving the channel are posted in it: not in direct and group channels,
 * whose members are fixed, nor in archived ones, which take no posts.
 */
function hasMembershipPosts(channel: Channel): boolean {
  return (channel.type === "O" || channel.type === "P") && channel.deleteAt === 0n;
}

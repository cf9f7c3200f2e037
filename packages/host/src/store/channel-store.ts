import type { Channel, ChannelMember } from "@plugwire/protocol";
import type { PageQuery } from "./page-query.js";

/** Channels, their members, and the direct channels of two users. */
export interface ChannelStore {
  createChannel(channel: Channel): Promise<Channel>;
  getChannel(channelId: string): Promise<Channel>;
  getChannelByName(teamId: string, name: string, includeDeleted: boolean): Promise<Channel>;
  updateChannel(channel: Channel): Promise<Channel>;
  /** Archives (sets delete_at). */
  deleteChannel(channelId: string): Promise<Channel>;
  getChannelMembers(channelId: string, page: PageQuery): Promise<ChannelMember[]>;
  getChannelMember(channelId: string, userId: string): Promise<ChannelMember | undefined>;
  addChannelMember(channelId: string, userId: string): Promise<ChannelMember>;
  removeChannelMember(channelId: string, userId: string): Promise<ChannelMember>;
  /** The direct ("D") channel of two users, created with both as members when missing. */
  getOrCreateDirectChannel(userId1: string, userId2: string): Promise<Channel>;
}

// The rules of channels and memberships that every store implementation applies the same way
// (SQLite and PostgreSQL alike): what a new channel needs, and what a new or returning
// membership holds. Only the reads and writes around them differ between the stores.
import { create } from "@bufbuild/protobuf";
import { ValidationError } from "@plugwire/errors";
import {
  type Channel,
  type ChannelMember,
  ChannelMemberSchema,
  type TeamMember,
  TeamMemberSchema,
} from "@plugwire/protocol";
import { requireField } from "./store-errors.js";

/** Mattermost's notification settings of a new channel membership. */
const DEFAULT_CHANNEL_NOTIFY_PROPS = {
  desktop: "default",
  email: "default",
  push: "default",
  mark_unread: "all",
  ignore_channel_mentions: "default",
};

/** Refuses a channel to create without a name, with an unknown type, or public/private without a team. */
export function checkNewChannel(channel: Channel): void {
  requireField(channel.name, "name", "channel.name is required; choose the channel's URL name.");
  if (!["O", "P", "D", "G"].includes(channel.type)) {
    throw new ValidationError({
      id: "store.channel.invalid_type",
      message: `channel.type is "${channel.type}"; use "O" (public), "P" (private), "D" (direct) or "G" (group).`,
      params: { field: "type" },
    });
  }
  if ((channel.type === "O" || channel.type === "P") && !channel.teamId) {
    throw new ValidationError({
      id: "store.channel.team_required",
      message: "channel.team_id is required for public and private channels.",
      params: { field: "team_id" },
    });
  }
}

/** A new channel membership: Mattermost's notification defaults; a guest account's is a guest one. */
export function newChannelMember(
  channelId: string,
  userId: string,
  guest: boolean,
  now: bigint,
): ChannelMember {
  return create(ChannelMemberSchema, {
    channelId,
    userId,
    notifyProps: DEFAULT_CHANNEL_NOTIFY_PROPS,
    lastUpdateAt: now,
    ...(guest ? { schemeGuest: true } : { schemeUser: true }),
  });
}

/**
 * The team membership a user joins with: a new one (guest or user, admin when asked), or the
 * one they left, with its old roles back, as in Mattermost.
 */
export function joiningTeamMember(
  teamId: string,
  userId: string,
  left: TeamMember | undefined,
  guest: boolean,
  admin: boolean,
): TeamMember {
  return left === undefined
    ? create(TeamMemberSchema, {
        teamId,
        userId,
        schemeUser: !guest,
        schemeGuest: guest,
        schemeAdmin: admin,
      })
    : create(TeamMemberSchema, { ...left, deleteAt: 0n });
}

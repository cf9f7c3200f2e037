// The system posts that tell a channel who joined, left, was added or was removed, as
// Mattermost writes them (types, props, messages; clients render their own text from the props).
// The store makes each in the membership change's own transaction (ChannelStore.joinChannel and
// the like), so a membership never changes without its post, nor the other way round.
import { create } from "@bufbuild/protobuf";
import { type Post, PostSchema, type User } from "@plugwire/protocol";
import { isGuestUser } from "../store/guest-accounts.js";
import type { Actor } from "./actor.js";
import { type AppCore, contextOf } from "./app-core.js";
import { consumedPost } from "./consumed-posts.js";

/** Team join and leave posts go to the team's default channel, as in Mattermost. */
export const DEFAULT_CHANNEL_NAME = "town-square";

type Place = "channel" | "team";

/**
 * Joining by oneself (`by` absent or the user): `system_join_channel` / `system_join_team` by the
 * user; added by someone else: `system_add_to_channel` / `system_add_to_team` by them. A guest
 * account joining or added to a channel gets Mattermost's guest types,
 * `system_guest_join_channel` and `system_add_guest_to_chan`.
 */
export function joinedPost(place: Place, channelId: string, user: User, by?: User): Post {
  const asGuest = place === "channel" && isGuestUser(user) ? " as a guest" : "";
  if (by === undefined || by.id === user.id) {
    return create(PostSchema, {
      channelId,
      userId: user.id,
      type: asGuest ? "system_guest_join_channel" : `system_join_${place}`,
      message: `${user.username} joined the ${place}${asGuest}.`,
      props: { username: user.username },
    });
  }
  return create(PostSchema, {
    channelId,
    userId: by.id,
    type: asGuest ? "system_add_guest_to_chan" : `system_add_to_${place}`,
    message: `${user.username} added to the ${place}${asGuest} by ${by.username}.`,
    props: {
      userId: by.id,
      username: by.username,
      addedUserId: user.id,
      addedUsername: user.username,
    },
  });
}

/**
 * Leaving by oneself (`by` absent or the user; a plugin removing someone makes them leave, as
 * Mattermost's DeleteChannelMember does): `system_leave_channel` / `system_leave_team` by the
 * user; removed by someone else: `system_remove_from_channel` / `system_remove_from_team` by them.
 * The message names the user with "@", so that it still reads as a mention once they are gone.
 */
export function leftPost(place: Place, channelId: string, user: User, by?: User): Post {
  if (by === undefined || by.id === user.id) {
    return create(PostSchema, {
      channelId,
      userId: user.id,
      type: `system_leave_${place}`,
      message: `@${user.username} left the ${place}.`,
      props: { username: user.username },
    });
  }
  return create(PostSchema, {
    channelId,
    userId: by.id,
    type: `system_remove_from_${place}`,
    message: `@${user.username} was removed from the ${place}.`,
    props: {
      userId: by.id,
      username: by.username,
      removedUserId: user.id,
      removedUsername: user.username,
    },
  });
}

/**
 * After the membership change committed: MessageHasBeenPosted and the posted event for its
 * system post. MessageWillBePosted is not asked: the post is part of the change, made in its
 * transaction, and a plugin can't reject one without the other.
 */
export async function membershipPosted(core: AppCore, actor: Actor, post: Post): Promise<void> {
  core.notify("MessageHasBeenPosted", { context: contextOf(actor), post });
  core.emit("postCreated", await consumedPost(core, post), actor);
}

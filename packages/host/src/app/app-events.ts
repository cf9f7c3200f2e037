// What the application layer tells the outside world about once it happened (live
// connections, mostly).
import type {
  Channel,
  ChannelMember,
  Post,
  Role,
  Team,
  TeamMember,
  User,
} from "@plugwire/protocol";
import type { Session } from "../store/store.js";
import type { Actor } from "./actor.js";

/**
 * Each method is called after the write committed; what it throws is logged and changes
 * nothing.
 */
export interface AppEvents {
  /** A post only `userId` should see, delivered to that user's live connections. */
  ephemeralPost?(userId: string, post: Post): void;
  postCreated?(post: Post, actor: Actor): void;
  postUpdated?(post: Post, actor: Actor): void;
  postDeleted?(post: Post, actor: Actor): void;
  channelCreated?(channel: Channel, actor: Actor): void;
  channelMemberAdded?(member: ChannelMember, actor: Actor): void;
  channelMemberRemoved?(member: ChannelMember, actor: Actor): void;
  teamMemberAdded?(member: TeamMember, actor: Actor): void;
  teamMemberRemoved?(member: TeamMember, actor: Actor): void;
  teamUpdated?(team: Team, actor: Actor): void;
  userDeactivated?(user: User, actor: Actor): void;
  /** Role changes (role-operations.ts): a user's system roles, a member's roles, a role's permissions. */
  userRolesUpdated?(user: User, actor: Actor): void;
  teamMemberRolesUpdated?(member: TeamMember, actor: Actor): void;
  channelMemberRolesUpdated?(member: ChannelMember, actor: Actor): void;
  roleUpdated?(role: Role, actor: Actor): void;
  /** A session ended by logout; its token no longer authenticates. */
  sessionEnded?(session: Session): void;
}

// What a client session and plugins read of users, teams and channels beyond the basics
// (memberships, unread counts, statistics, searches, pictures), and the
// changes that go with them: pictures, activation, passwords, direct and group channels,
// marking channels read, patching channels and notification settings. Changes tell the
// listeners (the websocket) as Mattermost's app layer publishes them.
import { create } from "@bufbuild/protobuf";
import { AlreadyExistsError, NotFoundError, ValidationError } from "@plugwire/errors";
import {
  type Channel,
  type ChannelMember,
  ChannelSchema,
  PostSchema,
  type Team,
  type User,
} from "@plugwire/protocol";
import { directChannelName, groupChannelName } from "../store/channel-names.js";
import type { ChannelMemberIdentifier, Store } from "../store/store.js";
import type { Actor } from "./actor.js";
import type { AppCore } from "./app-core.js";
import { checkChannelNotifyProps, MAX_NOTIFY_PROPS_PATCH } from "./channel-notify-props.js";
import { defaultProfileImage } from "./default-profile-image.js";
import { hashPassword, verifyPassword } from "./password.js";
import type { PostOperations } from "./post-operations.js";
import { requireUnlocked } from "./session-operations.js";

/** The fields of a channel a patch may change; undefined ones stay. */
export interface ChannelPatch {
  displayName?: string;
  name?: string;
  header?: string;
  purpose?: string;
}

/** How a user signs in (Mattermost's UserAuth without its unused password). */
export interface UserAuthFields {
  /** The service ("gitlab", "saml", ...); "" for e-mail and password. */
  authService: string;
  /** The user's id at the service; "" for none. */
  authData: string;
}

/** Mattermost's longest AuthData (model.User's IsValid). */
const MAX_AUTH_DATA = 128;

/** Reads answer as the store does; writes tell the listeners. */
export interface PeopleOperations
  extends Pick<
    Store,
    | "searchUsers"
    | "getUsersByUsernames"
    | "getTeamsForUser"
    | "getTeamMembersForUser"
    | "getTeamsUnreadForUser"
    | "getTeamStats"
    | "searchTeams"
    | "getTeamIcon"
    | "getChannelsForTeamForUser"
    | "getChannelMembersForUser"
    | "getChannelMembersByIds"
    | "getPublicChannelsForTeam"
    | "searchChannels"
    | "getChannelStats"
  > {
  /** The picture the user set, or else their generated default (`isDefault`). */
  getProfileImage(userId: string): Promise<{ image: Uint8Array; isDefault: boolean }>;
  /** The generated default picture: the username's initial on the user's colour, as PNG. */
  getDefaultProfileImage(userId: string): Promise<Uint8Array>;
  /** Sets the user's picture (PNG or JPEG); then user_updated. */
  setProfileImage(actor: Actor, userId: string, image: Uint8Array): Promise<User>;
  /** Activates the account, or deactivates it as deactivateUser does (hook included). */
  setUserActive(actor: Actor, userId: string, active: boolean): Promise<User>;
  /**
   * Sets a new password. `currentPassword` is checked when given; callers acting for others
   * (admins) pass undefined.
   */
  changePassword(
    actor: Actor,
    userId: string,
    currentPassword: string | undefined,
    newPassword: string,
  ): Promise<void>;
  /**
   * Moves the user to a sign-in service, as Mattermost's UpdateUserAuth: the password is
   * removed (so password sign-in ends), auth_data is unique among users. Answers what was
   * stored; never a password.
   */
  updateUserAuth(actor: Actor, userId: string, auth: UserAuthFields): Promise<UserAuthFields>;
  /** Soft-deletes the team (sets delete_at); then delete_team. */
  deleteTeam(actor: Actor, teamId: string): Promise<Team>;
  setTeamIcon(actor: Actor, teamId: string, image: Uint8Array): Promise<void>;
  /** Removes the team's icon (none is fine); then update_team, as Mattermost's RemoveTeamIcon. */
  removeTeamIcon(actor: Actor, teamId: string): Promise<void>;
  /**
   * Brings an archived channel back; then channel_restored to its team and, when a user acts,
   * their system_channel_restored post in it (Mattermost's RestoreChannel).
   */
  restoreChannel(actor: Actor, channelId: string): Promise<Channel>;
  /** The channel, when it is of this type ("O", "P", "D", "G"); NotFoundError otherwise. */
  getChannelOfType(channelId: string, channelType: string): Promise<Channel>;
  /** The direct channel of two users; direct_added to both when it is new. */
  createDirectChannel(actor: Actor, userId1: string, userId2: string): Promise<Channel>;
  /** The group channel of 3 to 8 users; group_added to each when it is new. */
  createGroupChannel(actor: Actor, userIds: readonly string[]): Promise<Channel>;
  /** Marks the channels read for the user; answers the times set; then channel_viewed. */
  viewChannels(
    actor: Actor,
    userId: string,
    channelIds: readonly string[],
  ): Promise<Record<string, bigint>>;
  /** Changes the fields the patch gives; then channel_updated. */
  patchChannel(actor: Actor, channelId: string, patch: ChannelPatch): Promise<Channel>;
  /** Replaces the given notification settings of the membership; then channel_member_updated. */
  updateChannelMemberNotifyProps(
    actor: Actor,
    channelId: string,
    userId: string,
    props: Record<string, string>,
  ): Promise<ChannelMember>;
  /**
   * Replaces the given notification settings of up to 200 memberships in one transaction
   * (Mattermost's limit and value rules); then channel_member_updated for each.
   */
  patchChannelMembersNotifyProps(
    actor: Actor,
    members: readonly ChannelMemberIdentifier[],
    props: Record<string, string>,
  ): Promise<ChannelMember[]>;
}

type PeopleWrites = Exclude<keyof PeopleOperations, keyof Store | "setUserActive">;

/** Mattermost's PostTypeChannelRestored. */
const CHANNEL_RESTORED_POST = "system_channel_restored";

/** Mattermost's password length limits (its minimum by default, bcrypt's maximum). */
export const MIN_PASSWORD = 8;
export const MAX_PASSWORD = 72;

export class People implements Pick<PeopleOperations, PeopleWrites> {
  constructor(
    private readonly core: AppCore,
    private readonly posts: Pick<PostOperations, "createPost">,
  ) {}

  async getProfileImage(userId: string): Promise<{ image: Uint8Array; isDefault: boolean }> {
    const image = await this.core.store.getProfileImage(userId);
    if (image !== undefined) return { image, isDefault: false };
    return { image: await this.getDefaultProfileImage(userId), isDefault: true };
  }

  async getDefaultProfileImage(userId: string): Promise<Uint8Array> {
    const user = await this.core.store.getUser(userId);
    return defaultProfileImage(user.id, user.username);
  }

  async setProfileImage(actor: Actor, userId: string, image: Uint8Array): Promise<User> {
    if (!isImage(image)) {
      throw new ValidationError({
        id: "api.user.upload_profile_user.decode.app_error",
        message: "The profile image is not a PNG or JPEG image.",
        params: { field: "data" },
      });
    }
    const user = await this.core.store.setProfileImage(userId, image);
    this.core.emit("userUpdated", user, actor);
    return user;
  }

  /** Clears the account's delete_at; then user_updated. */
  async reactivateUser(actor: Actor, userId: string): Promise<User> {
    const user = await this.core.store.reactivateUser(userId);
    this.core.emit("userUpdated", user, actor);
    return user;
  }

  async changePassword(
    _actor: Actor,
    userId: string,
    currentPassword: string | undefined,
    newPassword: string,
  ): Promise<void> {
    if (newPassword.length < MIN_PASSWORD || newPassword.length > MAX_PASSWORD) {
      throw new ValidationError({
        id: "model.user.is_valid.pwd.app_error",
        message: `new_password must have ${MIN_PASSWORD} to ${MAX_PASSWORD} characters.`,
        params: { field: "new_password" },
      });
    }
    if (currentPassword !== undefined) {
      // A user changing their own: a locked account stays locked, and a wrong current password
      // counts as a failed login (Mattermost's checkPasswordAndAllCriteria).
      await requireUnlocked(this.core, await this.core.store.getUser(userId));
      const hash = await this.core.store.getPasswordHash(userId);
      if (hash === undefined || !(await verifyPassword(currentPassword, hash))) {
        await this.core.store.recordFailedLogin(userId);
        // As Mattermost: a wrong current password is a 400 naming the field.
        throw new ValidationError({
          id: "api.user.update_password.incorrect.app_error",
          message: "current_password is incorrect.",
          params: { field: "current_password" },
        });
      }
    }
    await this.core.store.setPasswordHash(userId, await hashPassword(newPassword));
    // A new password unlocks the account, as Mattermost's password reset does.
    await this.core.store.resetFailedLogins(userId);
  }

  async updateUserAuth(
    _actor: Actor,
    userId: string,
    auth: UserAuthFields,
  ): Promise<UserAuthFields> {
    // The checks of Mattermost's User.IsValid for these two fields.
    if (auth.authData.length > MAX_AUTH_DATA) {
      throw new ValidationError({
        id: "model.user.is_valid.auth_data.app_error",
        message: `auth_data has ${auth.authData.length} characters; at most ${MAX_AUTH_DATA} are allowed.`,
        params: { field: "auth_data" },
      });
    }
    if (auth.authData !== "" && auth.authService === "") {
      throw new ValidationError({
        id: "model.user.is_valid.auth_data_type.app_error",
        message: "auth_data is set but auth_service is empty; name the service too.",
        params: { field: "auth_service" },
      });
    }
    try {
      await this.core.store.updateAuthData(userId, auth.authService, auth.authData || undefined);
    } catch (error) {
      if (error instanceof AlreadyExistsError) {
        // Mattermost's answer when the unique AuthData is taken.
        throw new ValidationError({
          id: "app.user.update_auth_data.email_exists.app_error",
          message: "Another account already signs in with this auth_data.",
          params: { field: "auth_data" },
        });
      }
      throw error;
    }
    return { authService: auth.authService, authData: auth.authData };
  }

  async deleteTeam(actor: Actor, teamId: string): Promise<Team> {
    const team = await this.core.store.deleteTeam(teamId);
    this.core.emit("teamDeleted", team, actor);
    return team;
  }

  async setTeamIcon(_actor: Actor, teamId: string, image: Uint8Array): Promise<void> {
    if (!isImage(image)) {
      throw new ValidationError({
        id: "api.team.set_team_icon.decode.app_error",
        message: "The team icon is not a PNG or JPEG image.",
        params: { field: "data" },
      });
    }
    await this.core.store.setTeamIcon(teamId, image);
  }

  async removeTeamIcon(actor: Actor, teamId: string): Promise<void> {
    await this.core.store.removeTeamIcon(teamId);
    this.core.emit("teamUpdated", await this.core.store.getTeam(teamId), actor);
  }

  async createDirectChannel(actor: Actor, userId1: string, userId2: string): Promise<Channel> {
    return this.getOrCreate(actor, directChannelName(userId1, userId2), () =>
      this.core.store.getOrCreateDirectChannel(userId1, userId2),
    );
  }

  async createGroupChannel(actor: Actor, userIds: readonly string[]): Promise<Channel> {
    return this.getOrCreate(actor, groupChannelName(userIds), () =>
      this.core.store.getOrCreateGroupChannel(userIds),
    );
  }

  async viewChannels(
    actor: Actor,
    userId: string,
    channelIds: readonly string[],
  ): Promise<Record<string, bigint>> {
    const times = await this.core.store.viewChannels(userId, channelIds);
    this.core.emit("channelsViewed", userId, Object.keys(times), actor);
    return times;
  }

  async patchChannel(actor: Actor, channelId: string, patch: ChannelPatch): Promise<Channel> {
    const old = await this.core.store.getChannel(channelId);
    if (old.type === "D" || old.type === "G") {
      if (patch.name !== undefined || patch.displayName !== undefined) {
        throw new ValidationError({
          id: "api.channel.patch_update_channel.update_direct_or_group_messages_not_allowed.app_error",
          message: "The name and display name of direct and group channels can't be changed.",
          params: { field: patch.name !== undefined ? "name" : "display_name" },
        });
      }
    }
    return this.updateChannel(
      actor,
      create(ChannelSchema, {
        ...old,
        displayName: patch.displayName ?? old.displayName,
        name: patch.name ?? old.name,
        header: patch.header ?? old.header,
        purpose: patch.purpose ?? old.purpose,
      }),
    );
  }

  /** Saves the channel's descriptive fields; then channel_updated. */
  async updateChannel(actor: Actor, channel: Channel): Promise<Channel> {
    const updated = await this.core.store.updateChannel(channel);
    this.core.emit("channelUpdated", updated, actor);
    return updated;
  }

  /** Archives the channel; then channel_deleted. */
  async deleteChannel(actor: Actor, channelId: string): Promise<Channel> {
    const channel = await this.core.store.deleteChannel(channelId);
    this.core.emit("channelDeleted", channel, actor);
    return channel;
  }

  async restoreChannel(actor: Actor, channelId: string): Promise<Channel> {
    const channel = await this.core.store.restoreChannel(channelId);
    this.core.emit("channelRestored", channel, actor);
    if (actor.userId) {
      const user = await this.core.store.getUser(actor.userId);
      await this.posts
        .createPost(
          actor,
          create(PostSchema, {
            channelId: channel.id,
            userId: user.id,
            type: CHANNEL_RESTORED_POST,
            message: `${user.username} unarchived the channel.`,
            props: { username: user.username },
          }),
        )
        // As Mattermost: the channel is back even when its notice can't be posted.
        .catch((error: unknown) =>
          this.core.log.warn("Failed to post the unarchive message", {
            channel_id: channel.id,
            error: String(error),
          }),
        );
    }
    return channel;
  }

  async getChannelOfType(channelId: string, channelType: string): Promise<Channel> {
    const channel = await this.core.store.getChannel(channelId);
    if (channel.type !== channelType) {
      throw new NotFoundError({
        id: "app.channel.get.existing.app_error",
        message: `Channel ${channelId} is of type "${channel.type}", not "${channelType}".`,
        params: { channel_id: channelId, channel_type: channelType },
      });
    }
    return channel;
  }

  async patchChannelMembersNotifyProps(
    actor: Actor,
    members: readonly ChannelMemberIdentifier[],
    props: Record<string, string>,
  ): Promise<ChannelMember[]> {
    if (members.length > MAX_NOTIFY_PROPS_PATCH) {
      throw new ValidationError({
        id: "app.channel.patch_channel_members_notify_props.too_many",
        message: `${members.length} memberships given; at most ${MAX_NOTIFY_PROPS_PATCH} change at once.`,
        params: { field: "members", max: MAX_NOTIFY_PROPS_PATCH },
      });
    }
    checkChannelNotifyProps(props);
    const updated = await this.core.store.patchChannelMembersNotifyProps(members, props);
    for (const member of updated) this.core.emit("channelMemberUpdated", member, actor);
    return updated;
  }

  async updateChannelMemberNotifyProps(
    actor: Actor,
    channelId: string,
    userId: string,
    props: Record<string, string>,
  ): Promise<ChannelMember> {
    const member = await this.core.store.updateChannelMemberNotifyProps(channelId, userId, props);
    this.core.emit("channelMemberUpdated", member, actor);
    return member;
  }

  /** Gets or creates a direct or group channel, and tells its members when it is new. */
  private async getOrCreate(
    actor: Actor,
    name: string,
    getOrCreate: () => Promise<Channel>,
  ): Promise<Channel> {
    const existed = await this.core.store.getChannelByName("", name, true).then(
      () => true,
      () => false,
    );
    const channel = await getOrCreate();
    if (!existed) this.core.emit("directChannelCreated", channel, actor);
    return channel;
  }
}

/** Whether the bytes start as a PNG or JPEG file does. */
function isImage(image: Uint8Array): boolean {
  const png = [0x89, 0x50, 0x4e, 0x47];
  const jpeg = [0xff, 0xd8, 0xff];
  const startsWith = (magic: number[]) => magic.every((byte, i) => image[i] === byte);
  return startsWith(png) || startsWith(jpeg);
}

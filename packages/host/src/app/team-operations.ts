// Teams and their members. Joining and leaving fire UserHasJoinedTeam and UserHasLeftTeam, and
// post their system message (membership-posts.ts) in the team's town-square, when it has one,
// in the membership change's transaction; changes are told to the team's members.
import { NotFoundError, PluginAPIError } from "@plugwire/errors";
import type { Channel, Post, Team, TeamMember } from "@plugwire/protocol";
import type { Store } from "../store/store.js";
import type { Actor } from "./actor.js";
import { type AppCore, contextOf } from "./app-core.js";
import {
  DEFAULT_CHANNEL_NAME,
  joinedPost,
  leftPost,
  membershipPosted,
} from "./membership-posts.js";

/** One user's outcome of addTeamMembersGracefully, as Mattermost's TeamMemberWithError. */
export interface TeamMemberWithError {
  userId: string;
  /** The membership, when the user was added. */
  member?: TeamMember;
  /** Why the user was not added. */
  error?: PluginAPIError;
}

/** Reads answer as the store does; writes fire the hooks and tell the members. */
export interface TeamOperations
  extends Pick<
    Store,
    "getTeam" | "getTeamByName" | "getTeams" | "getOpenTeams" | "getTeamMembers" | "getTeamMember"
  > {
  createTeam(actor: Actor, team: Team): Promise<Team>;
  /** Saves the team's descriptive fields (Store.updateTeam), and tells the team's members. */
  updateTeam(actor: Actor, team: Team): Promise<Team>;
  /** `admin`: a new member is the team's admin, as the team's creator is. */
  addTeamMember(
    actor: Actor,
    teamId: string,
    userId: string,
    options?: { admin?: boolean },
  ): Promise<TeamMember>;
  /**
   * Adds each user as addTeamMember does, going on past a user who can't be added and
   * reporting why (Mattermost's AddTeamMembers with graceful set), in the order given.
   */
  addTeamMembersGracefully(
    actor: Actor,
    teamId: string,
    userIds: readonly string[],
  ): Promise<TeamMemberWithError[]>;
  removeTeamMember(actor: Actor, teamId: string, userId: string): Promise<void>;
}

type TeamWrites = "updateTeam" | "addTeamMember" | "addTeamMembersGracefully" | "removeTeamMember";

export class Teams implements Pick<TeamOperations, TeamWrites> {
  constructor(private readonly core: AppCore) {}

  async updateTeam(actor: Actor, team: Team): Promise<Team> {
    const updated = await this.core.store.updateTeam(team);
    this.core.emit("teamUpdated", updated, actor);
    return updated;
  }

  async addTeamMember(
    actor: Actor,
    teamId: string,
    userId: string,
    options: { admin?: boolean } = {},
  ): Promise<TeamMember> {
    const { store } = this.core;
    const actorUser = await this.core.actorUser(actor, userId);
    const square = await this.defaultChannel(teamId);
    let member: TeamMember;
    let post: Post | undefined;
    if (square !== undefined) {
      const user = await store.getUser(userId);
      ({ member, post } = await store.joinTeam(
        teamId,
        userId,
        options,
        joinedPost("team", square.id, user, actorUser),
      ));
    } else {
      member = await store.addTeamMember(teamId, userId, options);
    }
    this.core.notify("UserHasJoinedTeam", {
      context: contextOf(actor),
      teamMember: member,
      actor: actorUser,
    });
    this.core.emit("teamMemberAdded", member, actor);
    if (post !== undefined) await membershipPosted(this.core, actor, post);
    return member;
  }

  async addTeamMembersGracefully(
    actor: Actor,
    teamId: string,
    userIds: readonly string[],
  ): Promise<TeamMemberWithError[]> {
    const outcomes: TeamMemberWithError[] = [];
    for (const userId of userIds) {
      try {
        outcomes.push({ userId, member: await this.addTeamMember(actor, teamId, userId) });
      } catch (error) {
        if (!(error instanceof PluginAPIError)) throw error;
        outcomes.push({ userId, error });
      }
    }
    return outcomes;
  }

  async removeTeamMember(actor: Actor, teamId: string, userId: string): Promise<void> {
    const { store } = this.core;
    // The actor is looked up first, so a bad actor id fails the call before anything changes.
    const actorUser = await this.core.actorUser(actor, userId);
    const square = await this.defaultChannel(teamId);
    let member: TeamMember;
    let post: Post | undefined;
    if (square !== undefined) {
      const user = await store.getUser(userId);
      ({ member, post } = await store.leaveTeam(
        teamId,
        userId,
        leftPost("team", square.id, user, actorUser),
      ));
    } else {
      member = await store.removeTeamMember(teamId, userId);
    }
    this.core.notify("UserHasLeftTeam", {
      context: contextOf(actor),
      teamMember: member,
      actor: actorUser,
    });
    this.core.emit("teamMemberRemoved", member, actor);
    if (post !== undefined) await membershipPosted(this.core, actor, post);
  }

  /** The team's town-square, where joining and leaving the team are posted, if it has one. */
  private async defaultChannel(teamId: string): Promise<Channel | undefined> {
    try {
      return await this.core.store.getChannelByName(teamId, DEFAULT_CHANNEL_NAME, false);
    } catch (error) {
      if (error instanceof NotFoundError) return undefined;
      throw error;
    }
  }
}

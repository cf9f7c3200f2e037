// Teams and their members. Joining and leaving fire UserHasJoinedTeam and UserHasLeftTeam;
// changes are told to the team's members.
import { PluginAPIError } from "@plugwire/errors";
import type { Team, TeamMember } from "@plugwire/protocol";
import type { Store } from "../store/store.js";
import type { Actor } from "./actor.js";
import { type AppCore, contextOf } from "./app-core.js";

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
    const member = await this.core.store.addTeamMember(teamId, userId, options);
    const actorUser = await this.core.actorUser(actor, userId);
    this.core.notify("UserHasJoinedTeam", {
      context: contextOf(actor),
      teamMember: member,
      actor: actorUser,
    });
    this.core.emit("teamMemberAdded", member, actor);
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
    // The actor is looked up first, so a bad actor id fails the call before anything changes.
    const actorUser = await this.core.actorUser(actor, userId);
    const member = await this.core.store.removeTeamMember(teamId, userId);
    this.core.notify("UserHasLeftTeam", {
      context: contextOf(actor),
      teamMember: member,
      actor: actorUser,
    });
    this.core.emit("teamMemberRemoved", member, actor);
  }
}

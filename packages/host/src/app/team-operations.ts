// Teams and their members. Joining and leaving fire UserHasJoinedTeam and UserHasLeftTeam;
// changes are told to the team's members.
import type { Team, TeamMember } from "@plugwire/protocol";
import type { Store } from "../store/store.js";
import type { Actor } from "./actor.js";
import { type AppCore, contextOf } from "./app-core.js";

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
  removeTeamMember(actor: Actor, teamId: string, userId: string): Promise<void>;
}

type TeamWrites = "updateTeam" | "addTeamMember" | "removeTeamMember";

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

// Teams and their members. Joining and leaving fire UserHasJoinedTeam and UserHasLeftTeam;
// changes are told to the team's members.
import type { Team, TeamMember } from "@plugwire/protocol";
import type { PageQuery } from "../store/store.js";
import type { Actor } from "./actor.js";
import { type AppCore, contextOf } from "./app-core.js";

export interface TeamOperations {
  createTeam(actor: Actor, team: Team): Promise<Team>;
  /** Saves the team's descriptive fields (Store.updateTeam), and tells the team's members. */
  updateTeam(actor: Actor, team: Team): Promise<Team>;
  getTeam(teamId: string): Promise<Team>;
  getTeamByName(name: string): Promise<Team>;
  getTeams(page: PageQuery): Promise<Team[]>;
  /** Teams anyone may join (allow_open_invite): the teams everyone may list. */
  getOpenTeams(page: PageQuery): Promise<Team[]>;
  getTeamMembers(teamId: string, page: PageQuery): Promise<TeamMember[]>;
  /** The membership, or undefined when the user is not (or no longer) a member. */
  getTeamMember(teamId: string, userId: string): Promise<TeamMember | undefined>;
  /** `admin`: a new member is the team's admin, as the team's creator is. */
  addTeamMember(
    actor: Actor,
    teamId: string,
    userId: string,
    options?: { admin?: boolean },
  ): Promise<TeamMember>;
  removeTeamMember(actor: Actor, teamId: string, userId: string): Promise<void>;
}

export class Teams implements TeamOperations {
  constructor(private readonly core: AppCore) {}

  createTeam(_actor: Actor, team: Team): Promise<Team> {
    return this.core.store.createTeam(team);
  }

  async updateTeam(actor: Actor, team: Team): Promise<Team> {
    const updated = await this.core.store.updateTeam(team);
    this.core.emit("teamUpdated", updated, actor);
    return updated;
  }

  getTeam(teamId: string): Promise<Team> {
    return this.core.store.getTeam(teamId);
  }

  getTeamByName(name: string): Promise<Team> {
    return this.core.store.getTeamByName(name);
  }

  getTeams(page: PageQuery): Promise<Team[]> {
    return this.core.store.getTeams(page);
  }

  getOpenTeams(page: PageQuery): Promise<Team[]> {
    return this.core.store.getOpenTeams(page);
  }

  getTeamMembers(teamId: string, page: PageQuery): Promise<TeamMember[]> {
    return this.core.store.getTeamMembers(teamId, page);
  }

  getTeamMember(teamId: string, userId: string): Promise<TeamMember | undefined> {
    return this.core.store.getTeamMember(teamId, userId);
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

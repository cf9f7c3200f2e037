import type { Team, TeamMember } from "@plugwire/protocol";
import type { PageQuery } from "./page-query.js";

/** Teams and their members. */
export interface TeamStore {
  createTeam(team: Team): Promise<Team>;
  /**
   * Replaces the team's descriptive fields (display name, description, e-mail, company name,
   * allowed domains, open invite) with `team`'s; its id, name, type and times are the store's.
   */
  updateTeam(team: Team): Promise<Team>;
  getTeam(teamId: string): Promise<Team>;
  getTeamByName(name: string): Promise<Team>;
  getTeams(page: PageQuery): Promise<Team[]>;
  /** Teams anyone may join (allow_open_invite), by name: the teams everyone may list. */
  getOpenTeams(page: PageQuery): Promise<Team[]>;
  getTeamMembers(teamId: string, page: PageQuery): Promise<TeamMember[]>;
  /** The membership, or undefined when the user is not (or no longer) a member. */
  getTeamMember(teamId: string, userId: string): Promise<TeamMember | undefined>;
  /**
   * Adds (or re-adds) the user to the team, idempotent for an existing member (a returning
   * member gets their old roles back); `admin` makes a new member the team's admin
   * (scheme_admin), as a team's creator is. A guest account's membership is a guest one
   * (scheme_guest instead of scheme_user).
   */
  addTeamMember(teamId: string, userId: string, options?: { admin?: boolean }): Promise<TeamMember>;
  /** Ends a membership; returns the ended membership. NotFoundError when not a member. */
  removeTeamMember(teamId: string, userId: string): Promise<TeamMember>;
}

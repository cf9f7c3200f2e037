import type { Post, Team, TeamMember, TeamStats, TeamUnread } from "@plugwire/protocol";
import type { MembershipChange } from "./channel-store.js";
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
  /**
   * addTeamMember, and `systemPost` (in one of the team's channels) created in the same
   * transaction when the user was not an active member yet.
   */
  joinTeam(
    teamId: string,
    userId: string,
    options: { admin?: boolean },
    systemPost: Post,
  ): Promise<MembershipChange<TeamMember>>;
  /** removeTeamMember, and `systemPost` created in the same transaction. */
  leaveTeam(
    teamId: string,
    userId: string,
    systemPost: Post,
  ): Promise<MembershipChange<TeamMember>>;
  /** The teams (not deleted) the user is an active member of, by display name. */
  getTeamsForUser(userId: string): Promise<Team[]>;
  /** The user's active memberships, of teams not deleted. */
  getTeamMembersForUser(userId: string): Promise<TeamMember[]>;
  /** Per team of the user's (but `excludeTeamId`): unread messages and mentions of its channels. */
  getTeamsUnreadForUser(userId: string, excludeTeamId?: string): Promise<TeamUnread[]>;
  /** Member counts; active ones are those whose account is not deactivated. */
  getTeamStats(teamId: string): Promise<TeamStats>;
  /** Teams whose name or display name contains the term (case-insensitive), by display name. */
  searchTeams(term: string): Promise<Team[]>;
  /** Sets delete_at (Mattermost's soft delete); returns the updated team. */
  deleteTeam(teamId: string): Promise<Team>;
  /** The team's icon bytes; undefined when none is set. */
  getTeamIcon(teamId: string): Promise<Uint8Array | undefined>;
  setTeamIcon(teamId: string, image: Uint8Array): Promise<void>;
  /** Removes the team's icon, if it has one; NotFoundError when there is no such team. */
  removeTeamIcon(teamId: string): Promise<void>;
}

// TeamStore on SQLite: the teams and team_members tables. An ended membership stays as a row
// with delete_at set, so that a returning member gets their old roles back.
import { create } from "@bufbuild/protobuf";
import { AlreadyExistsError, NotFoundError } from "@plugwire/errors";
import { type Team, type TeamMember, TeamMemberSchema, TeamSchema } from "@plugwire/protocol";
import { newRecord } from "../new-record.js";
import type { PageQuery } from "../page-query.js";
import { rowCodec } from "../row-codec.js";
import { idTaken, notFound, requireField } from "../store-errors.js";
import type { TeamStore } from "../team-store.js";
import { limitOffset, type SqliteDatabase } from "./sqlite-database.js";
import { isGuestUser } from "./sqlite-role-store.js";
import { userById } from "./sqlite-user-store.js";

const teams = rowCodec(TeamSchema);
const teamMembers = rowCodec(TeamMemberSchema);

export function sqliteTeamStore(db: SqliteDatabase): TeamStore {
  return {
    async createTeam(team: Team): Promise<Team> {
      requireField(team.name, "name", "team.name is required; choose the team's URL name.");
      return db.write(() => {
        if (team.id && db.one(`SELECT 1 FROM teams WHERE "id" = ?`, team.id)) {
          throw idTaken("team", team.id);
        }
        if (db.one(`SELECT 1 FROM teams WHERE "name" = ?`, team.name)) {
          throw new AlreadyExistsError({
            id: "store.team.name_exists",
            message: `A team named "${team.name}" exists already; choose another name.`,
            params: { field: "name", name: team.name },
          });
        }
        const stored = newRecord(TeamSchema, team, db.now());
        db.run(`INSERT INTO teams ${teams.insertClause}`, teams.toRow(stored));
        return stored;
      });
    },

    async updateTeam(team: Team): Promise<Team> {
      return db.write(() => {
        const old = teamById(db, team.id);
        const updated = create(TeamSchema, {
          ...team,
          id: old.id,
          name: old.name,
          type: old.type,
          createAt: old.createAt,
          updateAt: db.now(),
          deleteAt: old.deleteAt,
        });
        db.run(`UPDATE teams SET ${teams.assignments} WHERE "id" = @id`, teams.toRow(updated));
        return updated;
      });
    },

    async getTeam(teamId: string): Promise<Team> {
      return teamById(db, teamId);
    },

    async getTeamByName(name: string): Promise<Team> {
      const row = db.one(`SELECT ${teams.columnList} FROM teams WHERE "name" = ?`, name);
      if (row === undefined) {
        throw notFound("team", `No team is named "${name}".`, { name });
      }
      return teams.fromRow(row);
    },

    async getTeams(page: PageQuery): Promise<Team[]> {
      return db
        .all(
          `SELECT ${teams.columnList} FROM teams ORDER BY "name" LIMIT @limit OFFSET @offset`,
          limitOffset(page),
        )
        .map(teams.fromRow);
    },

    async getOpenTeams(page: PageQuery): Promise<Team[]> {
      return db
        .all(
          `SELECT ${teams.columnList} FROM teams WHERE "allow_open_invite" <> 0
           ORDER BY "name" LIMIT @limit OFFSET @offset`,
          limitOffset(page),
        )
        .map(teams.fromRow);
    },

    async getTeamMembers(teamId: string, page: PageQuery): Promise<TeamMember[]> {
      return db
        .all(
          `SELECT ${teamMembers.columnList} FROM team_members
           WHERE "team_id" = @teamId AND "delete_at" = 0
           ORDER BY "user_id" LIMIT @limit OFFSET @offset`,
          { teamId, ...limitOffset(page) },
        )
        .map(teamMembers.fromRow);
    },

    async getTeamMember(teamId: string, userId: string): Promise<TeamMember | undefined> {
      const member = teamMemberRow(db, teamId, userId);
      return member?.deleteAt === 0n ? member : undefined;
    },

    async addTeamMember(
      teamId: string,
      userId: string,
      options: { admin?: boolean } = {},
    ): Promise<TeamMember> {
      return db.write(() => {
        teamById(db, teamId);
        const guest = isGuestUser(userById(db, userId));
        const existing = teamMemberRow(db, teamId, userId);
        if (existing?.deleteAt === 0n) {
          return existing;
        }
        // A returning member gets their old roles back, as in Mattermost.
        const member =
          existing === undefined
            ? create(TeamMemberSchema, {
                teamId,
                userId,
                schemeUser: !guest,
                schemeGuest: guest,
                schemeAdmin: options.admin === true,
              })
            : create(TeamMemberSchema, { ...existing, deleteAt: 0n });
        db.run(
          `INSERT OR REPLACE INTO team_members ${teamMembers.insertClause}`,
          teamMembers.toRow(member),
        );
        return member;
      });
    },

    async removeTeamMember(teamId: string, userId: string): Promise<TeamMember> {
      return db.write(() => {
        const member = teamMemberRow(db, teamId, userId);
        if (member === undefined || member.deleteAt !== 0n) {
          throw new NotFoundError({
            id: "store.team_member.not_found",
            message: `User ${userId} is not a member of team ${teamId}.`,
            params: { team_id: teamId, user_id: userId },
          });
        }
        const ended = create(TeamMemberSchema, { ...member, deleteAt: db.now() });
        db.run(
          `UPDATE team_members SET "delete_at" = ? WHERE "team_id" = ? AND "user_id" = ?`,
          ended.deleteAt,
          teamId,
          userId,
        );
        return ended;
      });
    },
  };
}

/** The team with this id; NotFoundError when missing. Channels check their team with it. */
export function teamById(db: SqliteDatabase, teamId: string): Team {
  const row = db.one(`SELECT ${teams.columnList} FROM teams WHERE "id" = ?`, teamId);
  if (row === undefined) {
    throw notFound("team", `No team has id "${teamId}".`, { team_id: teamId });
  }
  return teams.fromRow(row);
}

/** The membership row, ended or not. */
function teamMemberRow(db: SqliteDatabase, teamId: string, userId: string): TeamMember | undefined {
  const row = db.one(
    `SELECT ${teamMembers.columnList} FROM team_members WHERE "team_id" = ? AND "user_id" = ?`,
    teamId,
    userId,
  );
  return row === undefined ? undefined : teamMembers.fromRow(row);
}

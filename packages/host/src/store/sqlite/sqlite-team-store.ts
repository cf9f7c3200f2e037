// TeamStore on SQLite: the teams and team_members tables. An ended membership stays as a row
// with delete_at set, so that a returning member gets their old roles back.
import { create } from "@bufbuild/protobuf";
import { AlreadyExistsError, NotFoundError } from "@plugwire/errors";
import {
  type Post,
  type Team,
  type TeamMember,
  TeamMemberSchema,
  TeamSchema,
  type TeamStats,
  TeamStatsSchema,
  type TeamUnread,
  TeamUnreadSchema,
} from "@plugwire/protocol";
import type { MembershipChange } from "../channel-store.js";
import { isGuestUser } from "../guest-accounts.js";
import { joiningTeamMember } from "../membership-rules.js";
import { newRecord } from "../new-record.js";
import type { PageQuery } from "../page-query.js";
import { rowCodec } from "../row-codec.js";
import { idTaken, notFound, requireField } from "../store-errors.js";
import type { TeamStore } from "../team-store.js";
import { limitOffset, type SqliteDatabase } from "./sqlite-database.js";
import { insertPost } from "./sqlite-post-store.js";
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
      return db.write(() => addMember(db, teamId, userId, options).member);
    },

    async removeTeamMember(teamId: string, userId: string): Promise<TeamMember> {
      return db.write(() => removeMember(db, teamId, userId));
    },

    async joinTeam(
      teamId: string,
      userId: string,
      options: { admin?: boolean },
      systemPost: Post,
    ): Promise<MembershipChange<TeamMember>> {
      return db.write(() => {
        const { member, added } = addMember(db, teamId, userId, options);
        return added ? { member, post: insertPost(db, systemPost) } : { member };
      });
    },

    async leaveTeam(
      teamId: string,
      userId: string,
      systemPost: Post,
    ): Promise<MembershipChange<TeamMember>> {
      return db.write(() => {
        const member = removeMember(db, teamId, userId);
        return { member, post: insertPost(db, systemPost) };
      });
    },

    async getTeamsForUser(userId: string): Promise<Team[]> {
      return db
        .all(
          `SELECT ${teams.columnListOf("t")} FROM teams t
           JOIN team_members tm ON tm."team_id" = t."id" AND tm."user_id" = ? AND tm."delete_at" = 0
           WHERE t."delete_at" = 0 ORDER BY t."display_name", t."name"`,
          userId,
        )
        .map(teams.fromRow);
    },

    async getTeamMembersForUser(userId: string): Promise<TeamMember[]> {
      return db
        .all(
          `SELECT ${teamMembers.columnListOf("tm")} FROM team_members tm
           JOIN teams t ON t."id" = tm."team_id" AND t."delete_at" = 0
           WHERE tm."user_id" = ? AND tm."delete_at" = 0 ORDER BY tm."team_id"`,
          userId,
        )
        .map(teamMembers.fromRow);
    },

    async getTeamsUnreadForUser(userId: string, excludeTeamId = ""): Promise<TeamUnread[]> {
      return db
        .all(
          `SELECT tm."team_id" AS team_id,
             COALESCE(SUM(c."total_msg_count" - cm."msg_count"), 0) AS msg_count,
             COALESCE(SUM(cm."mention_count"), 0) AS mention_count
           FROM team_members tm
           JOIN teams t ON t."id" = tm."team_id" AND t."delete_at" = 0
           LEFT JOIN channels c ON c."team_id" = tm."team_id" AND c."delete_at" = 0
           LEFT JOIN channel_members cm ON cm."channel_id" = c."id" AND cm."user_id" = tm."user_id"
           WHERE tm."user_id" = ? AND tm."delete_at" = 0 AND tm."team_id" <> ?
           GROUP BY tm."team_id" ORDER BY tm."team_id"`,
          userId,
          excludeTeamId,
        )
        .map((row) => {
          const msgCount = BigInt(row.msg_count as number);
          const mentionCount = BigInt(row.mention_count as number);
          return create(TeamUnreadSchema, {
            teamId: row.team_id as string,
            msgCount,
            mentionCount,
            msgCountRoot: msgCount,
            mentionCountRoot: mentionCount,
          });
        });
    },

    async getTeamStats(teamId: string): Promise<TeamStats> {
      teamById(db, teamId);
      const row = db.one(
        `SELECT COUNT(*) AS total, COALESCE(SUM(u."delete_at" = 0), 0) AS active
         FROM team_members tm JOIN users u ON u."id" = tm."user_id"
         WHERE tm."team_id" = ? AND tm."delete_at" = 0`,
        teamId,
      );
      return create(TeamStatsSchema, {
        teamId,
        totalMemberCount: BigInt((row?.total as number) ?? 0),
        activeMemberCount: BigInt((row?.active as number) ?? 0),
      });
    },

    async searchTeams(term: string): Promise<Team[]> {
      const pattern = `%${term.toLowerCase().replace(/[\\%_]/g, "\\$&")}%`;
      return db
        .all(
          `SELECT ${teams.columnList} FROM teams WHERE "delete_at" = 0
           AND (LOWER("name") LIKE @pattern ESCAPE '\\' OR LOWER("display_name") LIKE @pattern ESCAPE '\\')
           ORDER BY "display_name", "name"`,
          { pattern },
        )
        .map(teams.fromRow);
    },

    async deleteTeam(teamId: string): Promise<Team> {
      return db.write(() => {
        const team = teamById(db, teamId);
        if (team.deleteAt !== 0n) return team;
        const now = db.now();
        db.run(
          `UPDATE teams SET "delete_at" = ?, "update_at" = ? WHERE "id" = ?`,
          now,
          now,
          teamId,
        );
        return create(TeamSchema, { ...team, deleteAt: now, updateAt: now });
      });
    },

    async getTeamIcon(teamId: string): Promise<Uint8Array | undefined> {
      teamById(db, teamId);
      const row = db.one(`SELECT "image" FROM team_icons WHERE "team_id" = ?`, teamId);
      return row === undefined ? undefined : new Uint8Array(row.image as Buffer);
    },

    async setTeamIcon(teamId: string, image: Uint8Array): Promise<void> {
      db.write(() => {
        teamById(db, teamId);
        db.run(
          `INSERT OR REPLACE INTO team_icons ("team_id", "image") VALUES (?, ?)`,
          teamId,
          image,
        );
      });
    },

    async removeTeamIcon(teamId: string): Promise<void> {
      db.write(() => {
        teamById(db, teamId);
        db.run(`DELETE FROM team_icons WHERE "team_id" = ?`, teamId);
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

/** Adds (or re-adds) the member inside the caller's transaction; `added` is false for an active one. */
function addMember(
  db: SqliteDatabase,
  teamId: string,
  userId: string,
  options: { admin?: boolean },
): { member: TeamMember; added: boolean } {
  teamById(db, teamId);
  const guest = isGuestUser(userById(db, userId));
  const existing = teamMemberRow(db, teamId, userId);
  if (existing?.deleteAt === 0n) return { member: existing, added: false };
  const member = joiningTeamMember(teamId, userId, existing, guest, options.admin === true);
  db.run(
    `INSERT OR REPLACE INTO team_members ${teamMembers.insertClause}`,
    teamMembers.toRow(member),
  );
  return { member, added: true };
}

/** Ends the membership inside the caller's transaction; NotFoundError when not a member. */
function removeMember(db: SqliteDatabase, teamId: string, userId: string): TeamMember {
  const member = teamMemberRow(db, teamId, userId);
  if (member === undefined || member.deleteAt !== 0n) throw teamMemberNotFound(teamId, userId);
  const ended = create(TeamMemberSchema, { ...member, deleteAt: db.now() });
  db.run(
    `UPDATE team_members SET "delete_at" = ? WHERE "team_id" = ? AND "user_id" = ?`,
    ended.deleteAt,
    teamId,
    userId,
  );
  return ended;
}

function teamMemberNotFound(teamId: string, userId: string): NotFoundError {
  return new NotFoundError({
    id: "store.team_member.not_found",
    message: `User ${userId} is not a member of team ${teamId}.`,
    params: { team_id: teamId, user_id: userId },
  });
}

// TeamStore on PostgreSQL: the teams and team_members tables. An ended membership stays as a
// row with delete_at set, so that a returning member gets their old roles back.
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
import {
  limitOffset,
  type PostgresDatabase,
  type PostgresQueries,
  replaceOnConflict,
} from "./postgres-database.js";
import { insertPost } from "./postgres-post-store.js";
import { userById } from "./postgres-user-store.js";

const teams = rowCodec(TeamSchema);
const teamMembers = rowCodec(TeamMemberSchema);

export function postgresTeamStore(db: PostgresDatabase): TeamStore {
  return {
    async createTeam(team: Team): Promise<Team> {
      requireField(team.name, "name", "team.name is required; choose the team's URL name.");
      return db.write(async (tx) => {
        if (team.id && (await tx.one(`SELECT 1 FROM teams WHERE "id" = ?`, team.id))) {
          throw idTaken("team", team.id);
        }
        if (await tx.one(`SELECT 1 FROM teams WHERE "name" = ?`, team.name)) {
          throw new AlreadyExistsError({
            id: "store.team.name_exists",
            message: `A team named "${team.name}" exists already; choose another name.`,
            params: { field: "name", name: team.name },
          });
        }
        const stored = newRecord(TeamSchema, team, tx.now());
        await tx.run(`INSERT INTO teams ${teams.insertClause}`, teams.toRow(stored));
        return stored;
      });
    },

    async updateTeam(team: Team): Promise<Team> {
      return db.write(async (tx) => {
        const old = await teamById(tx, team.id);
        const updated = create(TeamSchema, {
          ...team,
          id: old.id,
          name: old.name,
          type: old.type,
          createAt: old.createAt,
          updateAt: tx.now(),
          deleteAt: old.deleteAt,
        });
        await tx.run(
          `UPDATE teams SET ${teams.assignments} WHERE "id" = @id`,
          teams.toRow(updated),
        );
        return updated;
      });
    },

    async getTeam(teamId: string): Promise<Team> {
      return teamById(db, teamId);
    },

    async getTeamByName(name: string): Promise<Team> {
      const row = await db.one(`SELECT ${teams.columnList} FROM teams WHERE "name" = ?`, name);
      if (row === undefined) {
        throw notFound("team", `No team is named "${name}".`, { name });
      }
      return teams.fromRow(row);
    },

    async getTeams(page: PageQuery): Promise<Team[]> {
      const rows = await db.all(
        `SELECT ${teams.columnList} FROM teams ORDER BY "name" LIMIT @limit OFFSET @offset`,
        limitOffset(page),
      );
      return rows.map(teams.fromRow);
    },

    async getOpenTeams(page: PageQuery): Promise<Team[]> {
      const rows = await db.all(
        `SELECT ${teams.columnList} FROM teams WHERE "allow_open_invite" <> 0
         ORDER BY "name" LIMIT @limit OFFSET @offset`,
        limitOffset(page),
      );
      return rows.map(teams.fromRow);
    },

    async getTeamMembers(teamId: string, page: PageQuery): Promise<TeamMember[]> {
      const rows = await db.all(
        `SELECT ${teamMembers.columnList} FROM team_members
         WHERE "team_id" = @teamId AND "delete_at" = 0
         ORDER BY "user_id" LIMIT @limit OFFSET @offset`,
        { teamId, ...limitOffset(page) },
      );
      return rows.map(teamMembers.fromRow);
    },

    async getTeamMember(teamId: string, userId: string): Promise<TeamMember | undefined> {
      const member = await teamMemberRow(db, teamId, userId);
      return member?.deleteAt === 0n ? member : undefined;
    },

    async addTeamMember(
      teamId: string,
      userId: string,
      options: { admin?: boolean } = {},
    ): Promise<TeamMember> {
      return db.write(async (tx) => (await addMember(tx, teamId, userId, options)).member);
    },

    async removeTeamMember(teamId: string, userId: string): Promise<TeamMember> {
      return db.write((tx) => removeMember(tx, teamId, userId));
    },

    async joinTeam(
      teamId: string,
      userId: string,
      options: { admin?: boolean },
      systemPost: Post,
    ): Promise<MembershipChange<TeamMember>> {
      return db.write(async (tx) => {
        const { member, added } = await addMember(tx, teamId, userId, options);
        return added ? { member, post: await insertPost(tx, systemPost) } : { member };
      });
    },

    async leaveTeam(
      teamId: string,
      userId: string,
      systemPost: Post,
    ): Promise<MembershipChange<TeamMember>> {
      return db.write(async (tx) => {
        const member = await removeMember(tx, teamId, userId);
        return { member, post: await insertPost(tx, systemPost) };
      });
    },

    async getTeamsForUser(userId: string): Promise<Team[]> {
      const rows = await db.all(
        `SELECT ${teams.columnListOf("t")} FROM teams t
         JOIN team_members tm ON tm."team_id" = t."id" AND tm."user_id" = ? AND tm."delete_at" = 0
         WHERE t."delete_at" = 0 ORDER BY t."display_name" COLLATE "C", t."name"`,
        userId,
      );
      return rows.map(teams.fromRow);
    },

    async getTeamMembersForUser(userId: string): Promise<TeamMember[]> {
      const rows = await db.all(
        `SELECT ${teamMembers.columnListOf("tm")} FROM team_members tm
         JOIN teams t ON t."id" = tm."team_id" AND t."delete_at" = 0
         WHERE tm."user_id" = ? AND tm."delete_at" = 0 ORDER BY tm."team_id"`,
        userId,
      );
      return rows.map(teamMembers.fromRow);
    },

    async getTeamsUnreadForUser(userId: string, excludeTeamId = ""): Promise<TeamUnread[]> {
      const rows = await db.all(
        `SELECT tm."team_id" AS team_id,
           COALESCE(SUM(c."total_msg_count" - cm."msg_count"), 0)::bigint AS msg_count,
           COALESCE(SUM(cm."mention_count"), 0)::bigint AS mention_count
         FROM team_members tm
         JOIN teams t ON t."id" = tm."team_id" AND t."delete_at" = 0
         LEFT JOIN channels c ON c."team_id" = tm."team_id" AND c."delete_at" = 0
         LEFT JOIN channel_members cm ON cm."channel_id" = c."id" AND cm."user_id" = tm."user_id"
         WHERE tm."user_id" = ? AND tm."delete_at" = 0 AND tm."team_id" <> ?
         GROUP BY tm."team_id" ORDER BY tm."team_id"`,
        userId,
        excludeTeamId,
      );
      return rows.map((row) => {
        const msgCount = BigInt(row.msg_count as bigint);
        const mentionCount = BigInt(row.mention_count as bigint);
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
      await teamById(db, teamId);
      const row = await db.one(
        `SELECT COUNT(*) AS total, COUNT(*) FILTER (WHERE u."delete_at" = 0) AS active
         FROM team_members tm JOIN users u ON u."id" = tm."user_id"
         WHERE tm."team_id" = ? AND tm."delete_at" = 0`,
        teamId,
      );
      return create(TeamStatsSchema, {
        teamId,
        totalMemberCount: BigInt((row?.total as bigint) ?? 0n),
        activeMemberCount: BigInt((row?.active as bigint) ?? 0n),
      });
    },

    async searchTeams(term: string): Promise<Team[]> {
      // LIKE can't read the case-insensitive collation of "name": it reads a "C" copy.
      const pattern = `%${term.toLowerCase().replace(/[\\%_]/g, "\\$&")}%`;
      const rows = await db.all(
        `SELECT ${teams.columnList} FROM teams WHERE "delete_at" = 0
         AND (LOWER("name" COLLATE "C") LIKE @pattern ESCAPE '\\'
           OR LOWER("display_name" COLLATE "C") LIKE @pattern ESCAPE '\\')
         ORDER BY "display_name" COLLATE "C", "name"`,
        { pattern },
      );
      return rows.map(teams.fromRow);
    },

    async deleteTeam(teamId: string): Promise<Team> {
      return db.write(async (tx) => {
        const team = await teamById(tx, teamId);
        if (team.deleteAt !== 0n) {
          return team;
        }
        const now = tx.now();
        await tx.run(
          `UPDATE teams SET "delete_at" = ?, "update_at" = ? WHERE "id" = ?`,
          now,
          now,
          teamId,
        );
        return create(TeamSchema, { ...team, deleteAt: now, updateAt: now });
      });
    },

    async getTeamIcon(teamId: string): Promise<Uint8Array | undefined> {
      await teamById(db, teamId);
      const row = await db.one(`SELECT "image" FROM team_icons WHERE "team_id" = ?`, teamId);
      return row === undefined ? undefined : new Uint8Array(row.image as Buffer);
    },

    async setTeamIcon(teamId: string, image: Uint8Array): Promise<void> {
      await db.write(async (tx) => {
        await teamById(tx, teamId);
        await tx.run(
          `INSERT INTO team_icons ("team_id", "image") VALUES (?, ?)
           ON CONFLICT ("team_id") DO UPDATE SET "image" = excluded."image"`,
          teamId,
          image,
        );
      });
    },

    async removeTeamIcon(teamId: string): Promise<void> {
      await db.write(async (tx) => {
        await teamById(tx, teamId);
        await tx.run(`DELETE FROM team_icons WHERE "team_id" = ?`, teamId);
      });
    },
  };
}

/** The team with this id; NotFoundError when missing. Channels check their team with it. */
export async function teamById(db: PostgresQueries, teamId: string): Promise<Team> {
  const row = await db.one(`SELECT ${teams.columnList} FROM teams WHERE "id" = ?`, teamId);
  if (row === undefined) {
    throw notFound("team", `No team has id "${teamId}".`, { team_id: teamId });
  }
  return teams.fromRow(row);
}

/** The membership row, ended or not. */
async function teamMemberRow(
  db: PostgresQueries,
  teamId: string,
  userId: string,
): Promise<TeamMember | undefined> {
  const row = await db.one(
    `SELECT ${teamMembers.columnList} FROM team_members WHERE "team_id" = ? AND "user_id" = ?`,
    teamId,
    userId,
  );
  return row === undefined ? undefined : teamMembers.fromRow(row);
}

/** Adds (or re-adds) the member inside the caller's transaction; `added` is false for an active one. */
async function addMember(
  tx: PostgresQueries,
  teamId: string,
  userId: string,
  options: { admin?: boolean },
): Promise<{ member: TeamMember; added: boolean }> {
  await teamById(tx, teamId);
  const guest = isGuestUser(await userById(tx, userId));
  const existing = await teamMemberRow(tx, teamId, userId);
  if (existing?.deleteAt === 0n) return { member: existing, added: false };
  const member = joiningTeamMember(teamId, userId, existing, guest, options.admin === true);
  await tx.run(
    `INSERT INTO team_members ${teamMembers.insertClause}
     ${replaceOnConflict(["team_id", "user_id"], teamMembers.columns)}`,
    teamMembers.toRow(member),
  );
  return { member, added: true };
}

/** Ends the membership inside the caller's transaction; NotFoundError when not a member. */
async function removeMember(
  tx: PostgresQueries,
  teamId: string,
  userId: string,
): Promise<TeamMember> {
  const member = await teamMemberRow(tx, teamId, userId);
  if (member === undefined || member.deleteAt !== 0n) throw teamMemberNotFound(teamId, userId);
  const ended = create(TeamMemberSchema, { ...member, deleteAt: tx.now() });
  await tx.run(
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

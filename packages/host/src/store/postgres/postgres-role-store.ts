// RoleStore on PostgreSQL: the roles table (migration 7 seeds the built-in roles), and the role
// columns of users, team_members and channel_members.
import { create } from "@bufbuild/protobuf";
import { NotFoundError } from "@plugwire/errors";
import {
  type ChannelMember,
  ChannelMemberSchema,
  type Role,
  RoleSchema,
  type TeamMember,
  TeamMemberSchema,
  type User,
  UserSchema,
} from "@plugwire/protocol";
import type { MemberRoles, RoleStore } from "../role-store.js";
import { rowCodec } from "../row-codec.js";
import { notFound } from "../store-errors.js";
import type { PostgresDatabase, PostgresQueries } from "./postgres-database.js";
import { userById } from "./postgres-user-store.js";

const roles = rowCodec(RoleSchema);
const teamMembers = rowCodec(TeamMemberSchema);
const channelMembers = rowCodec(ChannelMemberSchema);

export function postgresRoleStore(db: PostgresDatabase): RoleStore {
  return {
    async getRoles(): Promise<Role[]> {
      return (await db.all(`SELECT ${roles.columnList} FROM roles ORDER BY "name"`)).map(
        roles.fromRow,
      );
    },

    async getRole(roleId: string): Promise<Role> {
      return roleById(db, roleId);
    },

    async getRoleByName(name: string): Promise<Role> {
      const row = await db.one(`SELECT ${roles.columnList} FROM roles WHERE "name" = ?`, name);
      if (row === undefined) {
        throw notFound("role", `No role is named "${name}".`, { name });
      }
      return roles.fromRow(row);
    },

    async getRolesByNames(names: readonly string[]): Promise<Role[]> {
      if (names.length === 0) return [];
      const rows = await db.all(
        `SELECT ${roles.columnList} FROM roles WHERE "name" = ANY(?::text[]) ORDER BY "name"`,
        [...names],
      );
      return rows.map(roles.fromRow);
    },

    async setRolePermissions(roleId: string, permissions: readonly string[]): Promise<Role> {
      return db.write(async (tx) => {
        const updated = create(RoleSchema, {
          ...(await roleById(tx, roleId)),
          permissions: [...permissions],
          updateAt: tx.now(),
        });
        await tx.run(
          `UPDATE roles SET ${roles.assignments} WHERE "id" = @id`,
          roles.toRow(updated),
        );
        return updated;
      });
    },

    async setUserRoles(userId: string, newRoles: string): Promise<User> {
      return db.write(async (tx) => {
        const updated = create(UserSchema, {
          ...(await userById(tx, userId)),
          roles: newRoles,
          updateAt: tx.now(),
        });
        await tx.run(
          `UPDATE users SET "roles" = ?, "update_at" = ? WHERE "id" = ?`,
          updated.roles,
          updated.updateAt,
          userId,
        );
        return updated;
      });
    },

    async setTeamMemberRoles(
      teamId: string,
      userId: string,
      memberRoles: MemberRoles,
    ): Promise<TeamMember> {
      return db.write(async (tx) => {
        const row = await tx.one(
          `SELECT ${teamMembers.columnList} FROM team_members
           WHERE "team_id" = ? AND "user_id" = ? AND "delete_at" = 0`,
          teamId,
          userId,
        );
        if (row === undefined) {
          throw memberNotFound("team", teamId, userId);
        }
        const updated = create(TeamMemberSchema, {
          ...teamMembers.fromRow(row),
          ...membershipRoles(memberRoles),
        });
        await tx.run(
          `UPDATE team_members SET "roles" = @roles, "scheme_user" = @scheme_user,
           "scheme_admin" = @scheme_admin, "scheme_guest" = @scheme_guest
           WHERE "team_id" = @team_id AND "user_id" = @user_id`,
          teamMembers.toRow(updated),
        );
        return updated;
      });
    },

    async setChannelMemberRoles(
      channelId: string,
      userId: string,
      memberRoles: MemberRoles,
    ): Promise<ChannelMember> {
      return db.write(async (tx) => {
        const row = await tx.one(
          `SELECT ${channelMembers.columnList} FROM channel_members
           WHERE "channel_id" = ? AND "user_id" = ?`,
          channelId,
          userId,
        );
        if (row === undefined) {
          throw memberNotFound("channel", channelId, userId);
        }
        const updated = create(ChannelMemberSchema, {
          ...channelMembers.fromRow(row),
          ...membershipRoles(memberRoles),
          lastUpdateAt: tx.now(),
        });
        await tx.run(
          `UPDATE channel_members SET "roles" = @roles, "scheme_user" = @scheme_user,
           "scheme_admin" = @scheme_admin, "scheme_guest" = @scheme_guest,
           "last_update_at" = @last_update_at
           WHERE "channel_id" = @channel_id AND "user_id" = @user_id`,
          channelMembers.toRow(updated),
        );
        return updated;
      });
    },
  };
}

async function roleById(db: PostgresQueries, roleId: string): Promise<Role> {
  const row = await db.one(`SELECT ${roles.columnList} FROM roles WHERE "id" = ?`, roleId);
  if (row === undefined) {
    throw notFound("role", `No role has id "${roleId}".`, { role_id: roleId });
  }
  return roles.fromRow(row);
}

function membershipRoles(memberRoles: MemberRoles) {
  return {
    roles: memberRoles.explicitRoles,
    schemeUser: memberRoles.schemeUser,
    schemeAdmin: memberRoles.schemeAdmin,
    schemeGuest: memberRoles.schemeGuest,
  };
}

function memberNotFound(kind: "team" | "channel", id: string, userId: string): NotFoundError {
  return new NotFoundError({
    id: `store.${kind}_member.not_found`,
    message: `User ${userId} is not a member of ${kind} ${id}.`,
    params: { [`${kind}_id`]: id, user_id: userId },
  });
}

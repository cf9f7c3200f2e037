// /api/v4/roles and the routes that change who holds a role (users/{id}/roles,
// teams/{id}/members/{user_id}/roles, channels/{id}/members/{user_id}/roles), as Mattermost's
// api4 role.go, user.go, team.go and channel.go serve them: their permissions, status codes
// and parameter names.
import { Code } from "@connectrpc/connect";
import { PluginAPIError, ValidationError } from "@plugwire/errors";
import { type Role, RoleSchema } from "@plugwire/protocol";
import { fieldsOf, objectBody, typeName } from "./body-fields.js";
import { modelToJson } from "./model-json.js";
import {
  requireChannelPermission,
  requireSystemPermission,
  requireTeamPermission,
} from "./permissions.js";
import type { RestCall, RouteHandler } from "./rest-call.js";
import { invalidBodyParam, invalidUrlParam } from "./rest-errors.js";
import type { Router } from "./router.js";

/** Mattermost's role name rule. */
const ROLE_NAME = /^[a-z0-9_]{1,64}$/;

/** Roles whose permissions need sysconsole_write_user_management_permissions to change. */
const SCHEME_ROLES = new Set([
  "team_admin",
  "channel_admin",
  "system_user",
  "team_user",
  "channel_user",
  "system_guest",
  "team_guest",
  "channel_guest",
]);
const GUEST_ROLES = new Set(["system_guest", "team_guest", "channel_guest"]);
/** Permissions no patch may add or remove, as in Mattermost. */
const NOT_PATCHABLE = new Set([
  "sysconsole_write_user_management_system_roles",
  "sysconsole_read_user_management_system_roles",
  "manage_roles",
]);

export function roleRoutes(router: Router<RouteHandler>): void {
  router
    .add("GET", "/api/v4/roles", async (call) => {
      requireSystemPermission(call, "manage_system", "only system admins may list every role");
      sendRoles(call, await call.app.getRoles());
    })
    .add("GET", "/api/v4/roles/{role_id}", async (call) => {
      call.user();
      sendRole(call, await call.app.getRole(call.param("role_id")));
    })
    .add("GET", "/api/v4/roles/name/{role_name}", async (call) => {
      call.user();
      const name = call.param("role_name");
      if (!ROLE_NAME.test(name)) {
        throw invalidUrlParam("role_name", "use 1 to 64 of a-z, 0-9 and '_'.");
      }
      sendRole(call, await call.app.getRoleByName(name));
    })
    .add("POST", "/api/v4/roles/names", getRolesByNames)
    .add("PUT", "/api/v4/roles/{role_id}/patch", patchRole)
    .add("PUT", "/api/v4/users/{user_id}/roles", async (call) => {
      const roles = await rolesBody(call, "roles");
      requireSystemPermission(call, "manage_roles", "only system admins may change user roles");
      await call.app.updateUserRoles(call.actor(), call.param("user_id"), roles);
      call.ok();
    })
    .add("PUT", "/api/v4/teams/{team_id}/members/{user_id}/roles", async (call) => {
      const roles = await rolesBody(call, "team_member_roles");
      const teamId = call.param("team_id");
      await requireTeamPermission(call, teamId, "manage_team_roles");
      await call.app.updateTeamMemberRoles(call.actor(), teamId, call.param("user_id"), roles);
      call.ok();
    })
    .add("PUT", "/api/v4/channels/{channel_id}/members/{user_id}/roles", async (call) => {
      const roles = await rolesBody(call, "roles");
      const channelId = call.param("channel_id");
      await requireChannelPermission(call, channelId, "manage_channel_roles");
      await call.app.updateChannelMemberRoles(
        call.actor(),
        channelId,
        call.param("user_id"),
        roles,
      );
      call.ok();
    });
}

async function getRolesByNames(call: RestCall): Promise<void> {
  call.user();
  const body = await call.json();
  if (!Array.isArray(body) || body.length === 0) {
    throw invalidBodyParam("rolenames", "expected a JSON array of role names.");
  }
  const names: string[] = [];
  for (const name of body) {
    if (typeof name !== "string") {
      throw invalidBodyParam("rolename", `expected role names, got ${typeName(name)}.`);
    }
    if (name.trim() === "") continue;
    if (!ROLE_NAME.test(name)) {
      throw invalidBodyParam("rolename", `"${name}" is not a role name (a-z, 0-9 and '_').`);
    }
    names.push(name);
  }
  sendRoles(call, await call.app.getRolesByNames(names));
}

async function patchRole(call: RestCall): Promise<void> {
  call.user();
  const body = await call.json().catch(invalidRoleBody);
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw invalidBodyParam("role", `expected a JSON object, got ${typeName(body)}.`);
  }
  const permissions = fieldsOf(body, ["permissions"], call.ignoreField).permissions ?? undefined;
  if (
    permissions !== undefined &&
    (!Array.isArray(permissions) || permissions.some((p) => typeof p !== "string"))
  ) {
    throw invalidBodyParam(
      "permissions",
      `expected an array of permission ids, got ${typeName(permissions)}.`,
    );
  }
  const old = await call.app.getRole(call.param("role_id"));
  requireSystemPermission(
    call,
    old.name === "system_admin"
      ? "manage_system"
      : SCHEME_ROLES.has(old.name)
        ? "sysconsole_write_user_management_permissions"
        : "sysconsole_write_user_management_system_roles",
    `you may not change the permissions of role ${old.name}`,
  );
  if (permissions === undefined) {
    sendRole(call, old);
    return;
  }
  const next = permissions as string[];
  if (GUEST_ROLES.has(old.name)) {
    throw notImplemented(
      "api.roles.patch_roles.license.error",
      `changing the permissions of ${old.name} needs a licensed server in Mattermost; Plugwire has no guest accounts.`,
    );
  }
  const changed = [
    ...old.permissions.filter((p) => !next.includes(p)),
    ...next.filter((p) => !old.permissions.includes(p)),
  ];
  const locked = changed.find((p) => NOT_PATCHABLE.has(p));
  if (locked !== undefined) {
    throw notImplemented(
      "api.roles.patch_roles.not_allowed_permission.error",
      `Cannot add or remove permission: ${locked}.`,
    );
  }
  sendRole(call, await call.app.patchRole(call.actor(), old.id, next));
}

/** The "roles" of a {"roles": "..."} body, checked as Mattermost's IsValidUserRoles does. */
async function rolesBody(call: RestCall, field: string): Promise<string> {
  const body = objectBody(await call.json());
  const value = body.roles ?? "";
  if (typeof value !== "string") {
    throw invalidBodyParam(field, `expected "roles" to be a string, got ${typeName(value)}.`);
  }
  const names = value.split(/\s+/).filter(Boolean);
  const bad = names.find((name) => !ROLE_NAME.test(name));
  if (bad !== undefined) throw invalidBodyParam(field, `"${bad}" is not a role name.`);
  // As Mattermost: system_admin alone would take system_user away by mistake.
  if (names.length === 1 && names[0] === "system_admin") {
    throw invalidBodyParam(field, `"system_admin" needs "system_user" beside it.`);
  }
  return value;
}

function invalidRoleBody(error: unknown): never {
  if (error instanceof ValidationError) throw invalidBodyParam("role", error.message);
  throw error;
}

function notImplemented(id: string, message: string): PluginAPIError {
  return new PluginAPIError({ id, message, statusCode: 501 }, Code.Unimplemented);
}

function sendRole(call: RestCall, role: Role): void {
  call.send(200, modelToJson(RoleSchema, role));
}

function sendRoles(call: RestCall, roles: Role[]): void {
  call.send(
    200,
    roles.map((role) => modelToJson(RoleSchema, role)),
  );
}

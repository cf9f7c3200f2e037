// /api/v4/users: accounts, login and logout. Creating accounts is for system admins (as a
// Mattermost server with open sign-up off): people get accounts from an admin, or from the CLI.
import { create } from "@bufbuild/protobuf";
import { UserSchema } from "@plugwire/protocol";
import { csrfTokenOf, SESSION_LENGTH_MS } from "../../app/sessions.js";
import { fieldsOf, objectBody, stringField } from "./body-fields.js";
import { clearedSessionCookies, sessionCookies } from "./cookies.js";
import { modelFromJson, modelToJson } from "./model-json.js";
import { requireSelfOrAdmin, requireSystemAdmin } from "./permissions.js";
import type { RestCall, RouteHandler } from "./rest-call.js";
import { invalidBodyParam } from "./rest-errors.js";
import type { Router } from "./router.js";

/** The fields a new account may be given; the rest are the server's to assign. */
const SETTABLE = [
  "username",
  "email",
  "nickname",
  "first_name",
  "last_name",
  "position",
  "roles",
  "locale",
  "props",
  "notify_props",
  "timezone",
];

/** Mattermost's username rule: 3 to 22 of a-z 0-9 . _ -, starting with a letter. */
export const USERNAME = /^[a-z][a-z0-9._-]{2,21}$/;
export const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const ROLES = new Set(["system_user", "system_admin"]);
/** Mattermost's password length limits (its minimum by default, bcrypt's maximum). */
const MIN_PASSWORD = 8;
const MAX_PASSWORD = 72;

export function userRoutes(router: Router<RouteHandler>): void {
  router
    .add("POST", "/api/v4/users", createUser)
    .add("POST", "/api/v4/users/login", login)
    .add("POST", "/api/v4/users/logout", logout)
    .add("POST", "/api/v4/users/{user_id}/reset_failed_attempts", resetFailedAttempts)
    .add("GET", "/api/v4/users/me", async (call) => sendUser(call, call.user().id))
    .add("GET", "/api/v4/users/{user_id}", async (call) => sendUser(call, userIdParam(call)))
    .add("GET", "/api/v4/users/username/{username}", getUserByUsername)
    .add("DELETE", "/api/v4/users/{user_id}", deactivateUser)
    .add("POST", "/api/v4/users/ids", getUsersByIds);
}

/** The users whose ids the body lists, as clients fetch the profiles they show. */
async function getUsersByIds(call: RestCall): Promise<void> {
  call.user();
  const users = await call.app.getUsersByIds(userIdsBody(await call.json()));
  call.send(
    200,
    users.map((user) => modelToJson(UserSchema, user)),
  );
}

async function createUser(call: RestCall): Promise<void> {
  requireSystemAdmin(call);
  const { password, ...fields } = objectBody(await call.json());
  const secret = stringField({ password }, "password", true);
  if (secret.length < MIN_PASSWORD || secret.length > MAX_PASSWORD) {
    throw invalidBodyParam(
      "password",
      `it must have ${MIN_PASSWORD} to ${MAX_PASSWORD} characters.`,
    );
  }
  const { value: user } = modelFromJson(UserSchema, fields, SETTABLE, call.ignoreField);
  user.username = user.username.toLowerCase();
  if (!USERNAME.test(user.username)) {
    throw invalidBodyParam(
      "username",
      "use 3 to 22 of a-z, 0-9, '.', '_' and '-', starting with a letter.",
    );
  }
  if (!EMAIL.test(user.email))
    throw invalidBodyParam("email", "a valid e-mail address is required.");
  const roles = new Set(user.roles.split(/\s+/).filter(Boolean));
  for (const role of roles) {
    if (!ROLES.has(role)) {
      throw invalidBodyParam("roles", `"${role}" is not a role; use system_user or system_admin.`);
    }
  }
  roles.add("system_user");
  const created = await call.app.createUser(
    call.actor(),
    create(UserSchema, { ...user, roles: [...roles].sort().join(" ") }),
    secret,
  );
  call.send(201, modelToJson(UserSchema, created));
}

/**
 * A new password: users give their current one (a wrong one counts as a failed login), system
 * admins set anyone else's without it. Either way the account is unlocked, as in Mattermost.
 */
/** An admin unlocks an account that too many wrong passwords locked. */
async function resetFailedAttempts(call: RestCall): Promise<void> {
  requireSystemAdmin(call);
  await call.app.resetFailedAttempts(userIdParam(call));
  call.ok();
}

async function login(call: RestCall): Promise<void> {
  const fields = fieldsOf(
    await call.json(),
    ["login_id", "password", "token", "device_id", "ldap_only"],
    call.ignoreField,
  );
  const loginId = stringField(fields, "login_id", true);
  const password = stringField(fields, "password", true);
  const { user, token } = await call.app.login(call.actor(), loginId, password);
  call.send(200, modelToJson(UserSchema, user), {
    token,
    "set-cookie": sessionCookies({
      token,
      userId: user.id,
      csrfToken: csrfTokenOf(token),
      maxAgeMs: SESSION_LENGTH_MS,
      secure: call.server.siteUrl.startsWith("https:"),
    }),
  });
}

async function logout(call: RestCall): Promise<void> {
  if (call.session) await call.app.logout(call.session);
  call.send(
    200,
    { status: "OK" },
    { "set-cookie": clearedSessionCookies(call.server.siteUrl.startsWith("https:")) },
  );
}

async function sendUser(call: RestCall, userId: string): Promise<void> {
  call.user();
  call.send(200, modelToJson(UserSchema, await call.app.getUser(userId)));
}

async function getUserByUsername(call: RestCall): Promise<void> {
  call.user();
  const user = await call.app.getUserByUsername(call.param("username").toLowerCase());
  call.send(200, modelToJson(UserSchema, user));
}

async function deactivateUser(call: RestCall): Promise<void> {
  const userId = userIdParam(call);
  requireSelfOrAdmin(call, userId);
  await call.app.deactivateUser(call.actor(), userId);
  call.ok();
}

/** {user_id}, where "me" stands for the logged-in user, as in v4. */
/** A body that lists user ids: a JSON array of non-empty strings; 400 otherwise. */
function userIdsBody(body: unknown): string[] {
  if (!Array.isArray(body) || body.some((id) => typeof id !== "string" || id === "")) {
    throw invalidBodyParam("body", "expected a JSON array of user ids.");
  }
  return body as string[];
}

function userIdParam(call: RestCall): string {
  const userId = call.param("user_id");
  return userId === "me" ? call.user().id : userId;
}

// A user's sessions and personal access tokens, as Mattermost's api4/user.go and
// api4/user_access_token.go serve them. Sessions: the user or edit_other_users. Tokens: the
// permission of the act (create_, read_ or revoke_user_access_token) and, for another's, the
// right to act for them: edit_other_users, or managing the bot they are. A token's secret is
// answered once, when it is made; sessions never show theirs.
import type { JsonObject } from "@bufbuild/protobuf";
import {
  type Session,
  SessionSchema,
  type UserAccessToken,
  UserAccessTokenSchema,
} from "@plugwire/protocol";
import type { Permission } from "../../app/app.js";
import { fieldsOf, stringField } from "./body-fields.js";
import { modelToJson } from "./model-json.js";
import { pageOfQuery } from "./paging.js";
import { requireSelfOrAdmin, requireSystemAdmin, requireSystemPermission } from "./permissions.js";
import type { RestCall, RouteHandler } from "./rest-call.js";
import { invalidBodyParam, invalidUrlParam, permissionDenied } from "./rest-errors.js";
import type { Router } from "./router.js";

export function sessionRoutes(router: Router<RouteHandler>): void {
  router
    .add("GET", "/api/v4/users/{user_id}/sessions", async (call) => {
      const userId = call.param("user_id");
      requireSelfOrAdmin(call, userId);
      const sessions = await call.app.getUserSessions(userId);
      call.send(200, sessions.map(sessionJson));
    })
    .add("POST", "/api/v4/users/{user_id}/sessions/revoke", async (call) => {
      const sessionId = stringField(
        fieldsOf(await call.json(), ["session_id"], call.ignoreField),
        "session_id",
        true,
      );
      const userId = call.param("user_id");
      requireSelfOrAdmin(call, userId);
      const session = await call.app.getSession(sessionId);
      if (session.userId !== userId) {
        throw invalidUrlParam("user_id", `session ${sessionId} is not a session of this user.`);
      }
      await call.app.revokeSession(call.actor(), sessionId);
      call.ok();
    })
    .add("POST", "/api/v4/users/{user_id}/sessions/revoke/all", async (call) => {
      const userId = call.param("user_id");
      requireSelfOrAdmin(call, userId);
      await call.app.revokeUserSessions(call.actor(), userId);
      call.ok();
    })
    .add("POST", "/api/v4/users/{user_id}/tokens", async (call) => {
      const description = stringField(
        fieldsOf(await call.json(), ["description"], call.ignoreField),
        "description",
      );
      if (description === "") {
        throw invalidBodyParam("description", "a token needs a description saying what it is for.");
      }
      const userId = call.param("user_id");
      await requireTokenRight(call, userId, "create_user_access_token");
      const token = await call.app.createUserAccessToken(call.actor(), userId, description);
      call.send(200, tokenJson(token));
    })
    .add("GET", "/api/v4/users/{user_id}/tokens", async (call) => {
      const userId = call.param("user_id");
      await requireTokenRight(call, userId, "read_user_access_token");
      const tokens = await call.app.getUserAccessTokensForUser(
        userId,
        pageOfQuery(call.url.searchParams),
      );
      call.send(200, tokens.map(tokenJson));
    })
    .add("GET", "/api/v4/users/tokens", async (call) => {
      requireSystemAdmin(call);
      const tokens = await call.app.getUserAccessTokens(pageOfQuery(call.url.searchParams));
      call.send(200, tokens.map(tokenJson));
    })
    .add("GET", "/api/v4/users/tokens/{token_id}", async (call) => {
      requireSystemPermission(call, "read_user_access_token", "you may not read access tokens");
      const token = await call.app.getUserAccessToken(call.param("token_id"));
      await requireTokenRight(call, token.userId, "read_user_access_token");
      call.send(200, tokenJson(token));
    })
    .add("POST", "/api/v4/users/tokens/revoke", (call) =>
      changeToken(call, "revoke_user_access_token", (tokenId) =>
        call.app.revokeUserAccessToken(call.actor(), tokenId),
      ),
    )
    .add("POST", "/api/v4/users/tokens/disable", (call) =>
      changeToken(call, "revoke_user_access_token", (tokenId) =>
        call.app.setUserAccessTokenActive(call.actor(), tokenId, false),
      ),
    )
    .add("POST", "/api/v4/users/tokens/enable", (call) =>
      changeToken(call, "create_user_access_token", (tokenId) =>
        call.app.setUserAccessTokenActive(call.actor(), tokenId, true),
      ),
    );
}

/** Reads {"token_id"}, checks the right over the token's user, then acts. */
async function changeToken(
  call: RestCall,
  permission: Permission,
  change: (tokenId: string) => Promise<void>,
): Promise<void> {
  const tokenId = stringField(
    fieldsOf(await call.json(), ["token_id"], call.ignoreField),
    "token_id",
    true,
  );
  requireSystemPermission(call, permission, `you lack ${permission}`);
  const token = await call.app.getUserAccessToken(tokenId);
  await requireTokenRight(call, token.userId, permission);
  await change(tokenId);
  call.ok();
}

/**
 * The permission of the act, and the right to act for `userId`: oneself, edit_other_users, or
 * a bot one manages (Mattermost's SessionHasPermissionToUserOrBot).
 */
async function requireTokenRight(
  call: RestCall,
  userId: string,
  permission: Permission,
): Promise<void> {
  const user = requireSystemPermission(call, permission, `you lack ${permission}`);
  if (user.id === userId || call.app.hasPermissionTo(user, "edit_other_users")) return;
  const target = await call.app.getUser(userId);
  if (!target.isBot) {
    throw permissionDenied("you may act only for yourself", "edit_other_users");
  }
  await call.app.requireBotManager(user, userId);
}

function sessionJson(session: Session): JsonObject {
  const json = modelToJson(SessionSchema, session);
  delete json.token;
  return json;
}

/** A token's JSON; the secret only when it was just made. */
function tokenJson(token: UserAccessToken): JsonObject {
  const json = modelToJson(UserAccessTokenSchema, token);
  if (token.token === "") delete json.token;
  return json;
}

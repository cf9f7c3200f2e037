// Preferences over v4: a user's own, or any user's for a system admin (Mattermost's
// edit_other_users). Saving and deleting take a JSON array of {user_id, category, name, value};
// every preference must belong to the user of the URL (403 otherwise, as Mattermost).
import { create } from "@bufbuild/protobuf";
import { type Preference, PreferenceSchema } from "@plugwire/protocol";
import { modelFromJson, modelToJson } from "./model-json.js";
import { requireSelfOrAdmin } from "./permissions.js";
import type { RestCall, RouteHandler } from "./rest-call.js";
import { invalidBodyParam } from "./rest-errors.js";
import type { Router } from "./router.js";

const FIELDS = ["user_id", "category", "name", "value"];

export function preferenceRoutes(router: Router<RouteHandler>): void {
  router
    .add("GET", "/api/v4/users/{user_id}/preferences", async (call) => {
      const userId = allowedUser(call);
      sendPreferences(call, await call.app.getPreferencesForUser(userId));
    })
    .add("PUT", "/api/v4/users/{user_id}/preferences", async (call) => {
      const userId = allowedUser(call);
      await call.app.updatePreferences(call.actor(), userId, await preferencesBody(call));
      call.ok();
    })
    .add("POST", "/api/v4/users/{user_id}/preferences/delete", async (call) => {
      const userId = allowedUser(call);
      await call.app.deletePreferences(call.actor(), userId, await preferencesBody(call));
      call.ok();
    })
    .add("GET", "/api/v4/users/{user_id}/preferences/{category}", async (call) => {
      const userId = allowedUser(call);
      sendPreferences(
        call,
        await call.app.getPreferencesByCategory(userId, call.param("category")),
      );
    })
    .add("GET", "/api/v4/users/{user_id}/preferences/{category}/name/{name}", async (call) => {
      const userId = allowedUser(call);
      const preference = await call.app.getPreferenceForUser(
        userId,
        call.param("category"),
        call.param("name"),
      );
      call.send(200, modelToJson(PreferenceSchema, preference));
    });
}

/** The user of the URL ("me" for oneself), when the logged-in user may see their preferences. */
function allowedUser(call: RestCall): string {
  const userId = call.param("user_id") === "me" ? call.user().id : call.param("user_id");
  requireSelfOrAdmin(call, userId);
  return userId;
}

function sendPreferences(call: RestCall, preferences: Preference[]): void {
  call.send(
    200,
    preferences.map((preference) => modelToJson(PreferenceSchema, preference)),
  );
}

/** The body's array of preferences; 400 naming the element and field that is wrong. */
async function preferencesBody(call: RestCall): Promise<Preference[]> {
  const body = await call.json();
  if (!Array.isArray(body)) {
    throw invalidBodyParam("preferences", "expected a JSON array of preferences.");
  }
  return body.map((item, index) => {
    try {
      return create(
        PreferenceSchema,
        modelFromJson(PreferenceSchema, item, FIELDS, call.ignoreField).value,
      );
    } catch (error) {
      const field = (error as { params?: { field?: string } }).params?.field ?? "";
      throw invalidBodyParam(
        `preferences[${index}]${field && field !== "body" ? `.${field}` : ""}`,
        (error as Error).message.replace(/^Invalid or missing \S+ in request body: /, ""),
      );
    }
  });
}

// The PluginAPI methods of reactions, preferences and statuses, spread into
// createPluginApiService. As in Mattermost, the Plugin API is trusted: a plugin may react,
// change preferences and set statuses for any user, with no permission check; what the app
// refuses for everyone (a reaction on an archived channel, a preference of another user than
// the one named) it refuses here too.
import { create } from "@bufbuild/protobuf";
import type { ServiceImpl } from "@connectrpc/connect";
import { type PluginAPI, ReactionSchema } from "@plugwire/protocol";
import type { Actor, App } from "../app/app.js";
import { required, requiredMessage } from "./request-validation.js";

type SocialMethods =
  | "addReaction"
  | "removeReaction"
  | "getReactions"
  | "getPreferencesForUser"
  | "getPreferenceForUser"
  | "updatePreferencesForUser"
  | "deletePreferencesForUser"
  | "getUserStatus"
  | "getUserStatusesByIds"
  | "updateUserStatus"
  | "setUserStatusTimedDND"
  | "updateUserCustomStatus"
  | "removeUserCustomStatus";

export function pluginApiSocial(
  app: App,
  actor: Actor,
): Pick<ServiceImpl<typeof PluginAPI>, SocialMethods> {
  return {
    addReaction: async (request) => {
      const reaction = requiredMessage(request.reaction, "reaction");
      return { reaction: await app.addReaction(actor, create(ReactionSchema, reaction)) };
    },
    removeReaction: async (request) => {
      await app.removeReaction(actor, requiredMessage(request.reaction, "reaction"));
      return {};
    },
    getReactions: async (request) => ({
      reactions: await app.getReactions(required(request.postId, "post_id")),
    }),

    getPreferencesForUser: async (request) => ({
      preferences: await app.getPreferencesForUser(required(request.userId, "user_id")),
    }),
    getPreferenceForUser: async (request) => ({
      preference: await app.getPreferenceForUser(
        required(request.userId, "user_id"),
        required(request.category, "category"),
        required(request.name, "name"),
      ),
    }),
    updatePreferencesForUser: async (request) => {
      await app.updatePreferences(actor, required(request.userId, "user_id"), request.preferences);
      return {};
    },
    deletePreferencesForUser: async (request) => {
      await app.deletePreferences(actor, required(request.userId, "user_id"), request.preferences);
      return {};
    },

    getUserStatus: async (request) => ({
      status: await app.getUserStatus(required(request.userId, "user_id")),
    }),
    getUserStatusesByIds: async (request) => ({
      statuses: await app.getUserStatusesByIds(request.userIds),
    }),
    updateUserStatus: async (request) => ({
      status: await app.updateUserStatus(
        actor,
        required(request.userId, "user_id"),
        required(request.status, "status"),
      ),
    }),
    setUserStatusTimedDND: async (request) => ({
      status: await app.setUserStatusTimedDND(
        actor,
        required(request.userId, "user_id"),
        request.endTime,
      ),
    }),
    updateUserCustomStatus: async (request) => {
      await app.updateUserCustomStatus(
        actor,
        required(request.userId, "user_id"),
        requiredMessage(request.customStatus, "custom_status"),
      );
      return {};
    },
    removeUserCustomStatus: async (request) => {
      await app.removeUserCustomStatus(actor, required(request.userId, "user_id"));
      return {};
    },
  };
}

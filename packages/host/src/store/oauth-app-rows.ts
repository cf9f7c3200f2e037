// What both stores share about OAuth apps: the row codec, the order and the errors.
import { NotFoundError } from "@plugwire/errors";
import { OAuthAppSchema } from "@plugwire/protocol";
import { rowCodec } from "./row-codec.js";

export const oauthApps = rowCodec(OAuthAppSchema);

/** Oldest first; the id breaks ties. */
export const OAUTH_APP_ORDER = `"create_at", "id"`;

/** Mattermost's app.oauth.get_app.find.app_error. */
export function oauthAppNotFound(appId: string): NotFoundError {
  return new NotFoundError({
    id: "app.oauth.get_app.find.app_error",
    message: `No OAuth app has id "${appId}".`,
    params: { app_id: appId },
  });
}

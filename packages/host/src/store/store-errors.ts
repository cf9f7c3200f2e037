// The errors a Store throws, built in one place so that every implementation gives the same
// ids, messages and params (the contract suites check them).
import { AlreadyExistsError, NotFoundError, ValidationError } from "@plugwire/errors";
import type { PageQuery } from "./page-query.js";

export function requireField(value: string, field: string, message: string): void {
  if (!value) {
    throw new ValidationError({ id: "store.field.required", message, params: { field } });
  }
}

/** Refuses a negative page or page size, which no store can answer sensibly. */
export function requirePage(page: PageQuery): void {
  if (page.page < 0 || page.perPage < 0) {
    throw new ValidationError({
      id: "store.paging.negative",
      message: `page ${page.page} / per_page ${page.perPage} is negative; pages count from 0.`,
      params: { field: page.page < 0 ? "page" : "per_page" },
    });
  }
}

export function notFound(
  kind: string,
  message: string,
  params: Record<string, string>,
): NotFoundError {
  return new NotFoundError({ id: `store.${kind}.not_found`, message, params });
}

export function userNotFound(userId: string): NotFoundError {
  return notFound("user", `No user has id "${userId}".`, { user_id: userId });
}

export function idTaken(kind: string, id: string): AlreadyExistsError {
  return new AlreadyExistsError({
    id: `store.${kind}.id_exists`,
    message: `A ${kind} with id "${id}" exists already; leave id empty to get a new one.`,
    params: { field: "id", id },
  });
}

/** Another user signs in with this id at the service: Mattermost's AuthData is unique. */
export function authDataTaken(authData: string): AlreadyExistsError {
  return new AlreadyExistsError({
    id: "store.user.auth_data_exists",
    message: `Another account signs in with the auth data "${authData}"; use another.`,
    params: { field: "auth_data" },
  });
}

/** A bot that does not exist (or may not be seen): Mattermost's MakeBotNotFoundError. */
export function botNotFound(userId: string): NotFoundError {
  return new NotFoundError({
    id: "store.sql_bot.get.missing.app_error",
    message: `No bot has the user id "${userId}".`,
    params: { user_id: userId },
  });
}

export function sessionNotFound(sessionId: string): NotFoundError {
  return notFound("session", `No session has id "${sessionId}", or it has expired.`, {
    session_id: sessionId,
  });
}

export function userAccessTokenNotFound(tokenId: string): NotFoundError {
  return notFound("user_access_token", `No personal access token has id "${tokenId}".`, {
    token_id: tokenId,
  });
}

/** Restoring a channel that is not archived: Mattermost's restore_channel.restored error. */
export function notArchived(channelId: string): ValidationError {
  return new ValidationError({
    id: "api.channel.restore_channel.restored.app_error",
    message: `Channel ${channelId} is not archived, so there is nothing to restore.`,
    params: { field: "channel_id", channel_id: channelId },
  });
}

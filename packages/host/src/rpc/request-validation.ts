// Checks of PluginAPI requests that belong to the API rather than to the data: required
// ids, paging limits, KV key length. Each failure is a ValidationError naming the request
// field, so a plugin author sees which argument to fix.
import { ValidationError } from "@plugwire/errors";
import type { Paging } from "@plugwire/protocol";
import type { PageQuery } from "../app/app.js";
import { DEFAULT_PER_PAGE, MAX_PER_PAGE } from "../app/paging.js";

/** Longest KV key, in characters, as in Mattermost. */
export const MAX_KV_KEY_LENGTH = 150;

function invalid(field: string, message: string): ValidationError {
  return new ValidationError({ id: "api.request.invalid", message, params: { field } });
}

/** The value of a required string field; ValidationError when it is empty. */
export function required(value: string, field: string): string {
  if (!value) {
    throw invalid(field, `${field} is required.`);
  }
  return value;
}

/** The value of a required message field; ValidationError when it is unset. */
export function requiredMessage<T>(value: T | undefined, field: string): T {
  if (value === undefined) {
    throw invalid(field, `${field} is required.`);
  }
  return value;
}

/** The page to read: per_page 0 means the default, and anything above the maximum is capped. */
export function pageOf(paging: Paging | undefined): PageQuery {
  const page = paging?.page ?? 0;
  const perPage = paging?.perPage ?? 0;
  if (page < 0) {
    throw invalid("paging.page", `paging.page is ${page}; pages count from 0.`);
  }
  if (perPage < 0) {
    throw invalid(
      "paging.per_page",
      `paging.per_page is ${perPage}; use 0 for the default (${DEFAULT_PER_PAGE}) or up to ${MAX_PER_PAGE}.`,
    );
  }
  return { page, perPage: perPage === 0 ? DEFAULT_PER_PAGE : Math.min(perPage, MAX_PER_PAGE) };
}

/** A KV key: not empty and at most MAX_KV_KEY_LENGTH characters. */
export function kvKey(key: string): string {
  required(key, "key");
  const length = [...key].length;
  if (length > MAX_KV_KEY_LENGTH) {
    throw invalid(
      "key",
      `The key is ${length} characters long; KV keys may have at most ${MAX_KV_KEY_LENGTH}. Hash longer keys.`,
    );
  }
  return key;
}

/** An expiry in seconds as an absolute time in ms; 0 (never) stays 0. */
export function expiryOf(expireInSeconds: bigint, field: string, now: number): number {
  if (expireInSeconds < 0n) {
    throw invalid(
      field,
      `${field} is ${expireInSeconds}; use 0 to keep the key, or a positive number of seconds.`,
    );
  }
  return expireInSeconds === 0n ? 0 : now + Number(expireInSeconds) * 1000;
}

/** A slash command trigger: one word, without the slash. */
export function commandTrigger(trigger: string): string {
  required(trigger, "command.trigger");
  if (trigger.startsWith("/") || /\s/.test(trigger)) {
    throw invalid(
      "command.trigger",
      `The trigger "${trigger}" must be one word without the slash, e.g. "weather" for /weather.`,
    );
  }
  return trigger;
}

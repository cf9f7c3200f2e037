// What both stores share about custom emoji: the row codec, the orders, the search pattern
// and the errors.
import { AlreadyExistsError, type NotFoundError } from "@plugwire/errors";
import { EmojiSchema } from "@plugwire/protocol";
import { rowCodec } from "./row-codec.js";
import { notFound } from "./store-errors.js";

export const emojis = rowCodec(EmojiSchema);

export const EMOJI_ORDER = {
  created: `"create_at", "id"`,
  name: `"name"`,
} as const;

/** A LIKE pattern, wildcards escaped: `term%`, or `%term%` unless prefix only. */
export function emojiLikePattern(term: string, prefixOnly: boolean): string {
  const escaped = term.toLowerCase().replace(/[\\%_]/g, "\\$&");
  return prefixOnly ? `${escaped}%` : `%${escaped}%`;
}

export function emojiIdNotFound(emojiId: string): NotFoundError {
  return notFound("emoji", `No custom emoji has id "${emojiId}".`, { emoji_id: emojiId });
}

export function emojiNameNotFound(name: string): NotFoundError {
  return notFound("emoji", `No custom emoji is named "${name}".`, { name });
}

/** Mattermost's api.emoji.create.duplicate.app_error. */
export function emojiNameTaken(name: string): AlreadyExistsError {
  return new AlreadyExistsError({
    id: "api.emoji.create.duplicate.app_error",
    message: `A custom emoji named "${name}" exists already; choose another name.`,
    params: { field: "name", name },
  });
}

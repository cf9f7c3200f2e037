import type { Emoji } from "@plugwire/protocol";
import type { PageQuery } from "./page-query.js";

/**
 * Custom emoji (their images are in the FileStore). Deleting one sets its delete_at; a deleted
 * emoji is found by no read, and its name is free again.
 */
export interface EmojiStore {
  /** Stores a new emoji (id and times filled in when empty); AlreadyExistsError when the name is taken. */
  createEmoji(emoji: Emoji): Promise<Emoji>;
  /** NotFoundError when there is no such emoji, or it is deleted. */
  getEmoji(emojiId: string): Promise<Emoji>;
  getEmojiByName(name: string): Promise<Emoji>;
  /** The emoji among the names; unknown names are skipped. */
  getEmojisByNames(names: readonly string[]): Promise<Emoji[]>;
  /** A page of emoji, oldest first, or by name with `sortByName`. */
  getEmojiList(page: PageQuery, sortByName: boolean): Promise<Emoji[]>;
  /** Emoji whose name starts with `term` (or holds it, unless `prefixOnly`), by name, at most `limit`. */
  searchEmoji(term: string, prefixOnly: boolean, limit: number): Promise<Emoji[]>;
  /** Deletes an emoji; NotFoundError when there is none. Answers it with delete_at set. */
  deleteEmoji(emojiId: string): Promise<Emoji>;
}

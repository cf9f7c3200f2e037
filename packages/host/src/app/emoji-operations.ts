// Custom emoji, as Mattermost's: a name people type between colons and an image in the file
// store (the row first, so a taken name fails before any bytes are written). Who may make or delete one is the
// caller's check (REST: create_emojis, delete_emojis and delete_others_emojis); the Plugin API
// only reads them, as Mattermost's does.
import { create } from "@bufbuild/protobuf";
import { AlreadyExistsError, ValidationError } from "@plugwire/errors";
import { type Emoji, EmojiSchema } from "@plugwire/protocol";
import type { PageQuery } from "../store/store.js";
import type { Actor } from "./actor.js";
import type { AppCore } from "./app-core.js";

/** Mattermost's limits of a custom emoji. */
export const EMOJI_NAME_MAX_LENGTH = 64;
export const MAX_EMOJI_FILE_BYTES = 512 * 1024;
const VALID_NAME = /^[a-z0-9_+-]+$/;
/** Names of Mattermost's emoji that custom ones would hide; Plugwire checks the common ones. */
const SYSTEM_NAMES = new Set([
  "+1",
  "-1",
  "smile",
  "slightly_smiling_face",
  "heart",
  "thumbsup",
  "thumbsdown",
  "tada",
  "wave",
  "white_check_mark",
  "x",
  "eyes",
  "joy",
  "laughing",
  "fire",
  "rocket",
]);

/** Mattermost's answer to an image (or upload) over MAX_EMOJI_FILE_BYTES: 413. */
export function emojiTooLarge(): ValidationError {
  return new ValidationError({
    id: "api.emoji.create.too_large.app_error",
    message: `An emoji's image (with its upload) has at most ${MAX_EMOJI_FILE_BYTES} bytes; send a smaller one.`,
    statusCode: 413,
    params: { field: "image", max_bytes: MAX_EMOJI_FILE_BYTES },
  });
}

/** The image formats Mattermost takes, by their first bytes. */
const IMAGE_TYPES: { type: string; matches: (bytes: Uint8Array) => boolean }[] = [
  { type: "png", matches: (b) => startsWith(b, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]) },
  { type: "gif", matches: (b) => startsWith(b, [0x47, 0x49, 0x46, 0x38]) },
  { type: "jpeg", matches: (b) => startsWith(b, [0xff, 0xd8, 0xff]) },
  {
    type: "webp",
    matches: (b) =>
      startsWith(b, [0x52, 0x49, 0x46, 0x46]) &&
      startsWith(b.subarray(8), [0x57, 0x45, 0x42, 0x50]),
  },
];

export interface EmojiImage {
  image: Uint8Array;
  /** "png", "gif", "jpeg" or "webp". */
  imageType: string;
}

export interface EmojiOperations {
  getEmoji(emojiId: string): Promise<Emoji>;
  getEmojiByName(name: string): Promise<Emoji>;
  getEmojisByNames(names: readonly string[]): Promise<Emoji[]>;
  /** A page, oldest first or ("name") by name. */
  getEmojiList(page: PageQuery, sortBy: string): Promise<Emoji[]>;
  searchEmoji(term: string, prefixOnly: boolean, limit: number): Promise<Emoji[]>;
  getEmojiImage(emojiId: string): Promise<EmojiImage>;
  /** Makes an emoji of `creatorId` with its image (PNG, GIF, JPEG or WebP, at most 512 KiB). */
  createEmoji(actor: Actor, creatorId: string, name: string, image: Uint8Array): Promise<Emoji>;
  deleteEmoji(actor: Actor, emojiId: string): Promise<Emoji>;
}

export class Emojis implements EmojiOperations {
  constructor(private readonly core: AppCore) {}

  getEmoji(emojiId: string): Promise<Emoji> {
    return this.core.store.getEmoji(emojiId);
  }

  getEmojiByName(name: string): Promise<Emoji> {
    return this.core.store.getEmojiByName(name);
  }

  getEmojisByNames(names: readonly string[]): Promise<Emoji[]> {
    return this.core.store.getEmojisByNames(names);
  }

  getEmojiList(page: PageQuery, sortBy: string): Promise<Emoji[]> {
    if (sortBy !== "" && sortBy !== "name") {
      throw new ValidationError({
        id: "api.context.invalid_url_param.app_error",
        message: `"${sortBy}" is not a sort order of emoji; use "name" or leave it empty.`,
        params: { field: "sort" },
      });
    }
    return this.core.store.getEmojiList(page, sortBy === "name");
  }

  searchEmoji(term: string, prefixOnly: boolean, limit: number): Promise<Emoji[]> {
    return this.core.store.searchEmoji(term, prefixOnly, limit);
  }

  async getEmojiImage(emojiId: string): Promise<EmojiImage> {
    await this.core.store.getEmoji(emojiId);
    const chunks: Uint8Array[] = [];
    for await (const chunk of this.core.files.read(imagePath(emojiId), 64 * 1024))
      chunks.push(chunk);
    const image = Buffer.concat(chunks);
    return { image, imageType: imageTypeOf(image) ?? "" };
  }

  async createEmoji(
    actor: Actor,
    creatorId: string,
    name: string,
    image: Uint8Array,
  ): Promise<Emoji> {
    checkName(name);
    if (image.byteLength > MAX_EMOJI_FILE_BYTES) throw emojiTooLarge();
    if (imageTypeOf(image) === undefined) {
      throw new ValidationError({
        id: "api.emoji.upload.image.app_error",
        message: "The image is not a PNG, GIF, JPEG or WebP image.",
        params: { field: "image" },
      });
    }
    const emoji = create(EmojiSchema, { id: "", creatorId, name });
    const stored = await this.core.store.createEmoji(emoji).catch((error: unknown) => {
      // Mattermost answers a taken name 400, as any other invalid name.
      throw error instanceof AlreadyExistsError
        ? new ValidationError({ id: error.id, message: error.message, params: error.params })
        : error;
    });
    try {
      await this.core.files.write(
        imagePath(stored.id),
        (async function* () {
          yield image;
        })(),
      );
    } catch (error) {
      await this.core.store.deleteEmoji(stored.id);
      throw error;
    }
    this.core.emit("emojiAdded", stored, actor);
    return stored;
  }

  async deleteEmoji(_actor: Actor, emojiId: string): Promise<Emoji> {
    const deleted = await this.core.store.deleteEmoji(emojiId);
    await this.core.files.remove(imagePath(emojiId)).catch(() => undefined);
    return deleted;
  }
}

function imagePath(emojiId: string): string {
  return `emoji-${emojiId}-image`;
}

function imageTypeOf(bytes: Uint8Array): string | undefined {
  return IMAGE_TYPES.find((candidate) => candidate.matches(bytes))?.type;
}

function startsWith(bytes: Uint8Array, prefix: readonly number[]): boolean {
  return prefix.every((byte, index) => bytes[index] === byte);
}

/** Mattermost's IsValidEmojiName. */
function checkName(name: string): void {
  if (name === "" || name.length > EMOJI_NAME_MAX_LENGTH || !VALID_NAME.test(name)) {
    throw new ValidationError({
      id: "model.emoji.name.app_error",
      message: `"${name}": an emoji's name has 1 to ${EMOJI_NAME_MAX_LENGTH} lowercase letters, digits, "_", "-" or "+".`,
      params: { field: "name" },
    });
  }
  if (SYSTEM_NAMES.has(name)) {
    throw new ValidationError({
      id: "model.emoji.system_emoji_name.app_error",
      message: `"${name}" is a system emoji's name; choose another.`,
      params: { field: "name" },
    });
  }
}

// The PluginAPI methods of custom emoji, spread into createPluginApiService: reads only, as
// Mattermost's Plugin API has them.
import type { ServiceImpl } from "@connectrpc/connect";
import type { PluginAPI } from "@plugwire/protocol";
import type { App } from "../app/app.js";
import { pageOf, required } from "./request-validation.js";

type EmojiMethods = "getEmoji" | "getEmojiByName" | "getEmojiImage" | "getEmojiList";

export function pluginApiEmoji(app: App): Pick<ServiceImpl<typeof PluginAPI>, EmojiMethods> {
  return {
    getEmoji: async (request) => ({
      emoji: await app.getEmoji(required(request.emojiId, "emoji_id")),
    }),
    getEmojiByName: async (request) => ({
      emoji: await app.getEmojiByName(required(request.name, "name")),
    }),
    getEmojiImage: async (request) => app.getEmojiImage(required(request.emojiId, "emoji_id")),
    getEmojiList: async (request) => ({
      emojis: await app.getEmojiList(pageOf(request.paging), request.sortBy),
    }),
  };
}

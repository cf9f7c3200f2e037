// Custom emoji over v4, as Mattermost's api4/emoji.go: anyone logged in reads them; making one
// takes create_emojis (system-wide or in one of the user's teams), deleting one's own
// delete_emojis and another's delete_others_emojis. POST /emoji is multipart: the image in
// `image`, the emoji's JSON ({"name": …, "creator_id": …}) in `emoji`.
import { PermissionDeniedError, ValidationError } from "@plugwire/errors";
import { EmojiSchema } from "@plugwire/protocol";
import type { Permission } from "../../app/app.js";
import {
  EMOJI_NAME_MAX_LENGTH,
  emojiTooLarge,
  MAX_EMOJI_FILE_BYTES,
} from "../../app/emoji-operations.js";
import { modelToJson } from "./model-json.js";
import { readMultipartForm } from "./multipart-form.js";
import { pageOfQuery } from "./paging.js";
import { hasTeamPermission } from "./permissions.js";
import type { RestCall, RouteHandler } from "./rest-call.js";
import { invalidBodyParam, invalidUrlParam, permissionDenied } from "./rest-errors.js";
import type { Router } from "./router.js";

/** Most emoji an autocomplete or search answers, as Mattermost's. */
const SEARCH_LIMIT = 100;
const AUTOCOMPLETE_LIMIT = 100;

export function emojiRoutes(router: Router<RouteHandler>): void {
  router
    .add("GET", "/api/v4/emoji", async (call) => {
      call.user();
      const query = call.url.searchParams;
      const sort = query.get("sort") ?? "";
      if (sort !== "" && sort !== "name") {
        throw invalidUrlParam("sort", `"${sort}" is not a sort order; use "name" or leave it out.`);
      }
      const list = await call.app.getEmojiList(pageOfQuery(query), sort);
      call.send(
        200,
        list.map((emoji) => modelToJson(EmojiSchema, emoji)),
      );
    })
    .add("POST", "/api/v4/emoji", createEmoji)
    .add("GET", "/api/v4/emoji/autocomplete", async (call) => {
      call.user();
      const name = call.url.searchParams.get("name") ?? "";
      if (!name) throw invalidUrlParam("name", "name is required.");
      const found = await call.app.searchEmoji(name, true, AUTOCOMPLETE_LIMIT);
      call.send(
        200,
        found.map((emoji) => modelToJson(EmojiSchema, emoji)),
      );
    })
    .add("POST", "/api/v4/emoji/names", async (call) => {
      call.user();
      const names = await call.json();
      if (!Array.isArray(names) || names.some((name) => typeof name !== "string")) {
        throw invalidBodyParam("names", "expected a JSON array of emoji names.");
      }
      const found = await call.app.getEmojisByNames(names as string[]);
      call.send(
        200,
        found.map((emoji) => modelToJson(EmojiSchema, emoji)),
      );
    })
    .add("POST", "/api/v4/emoji/search", async (call) => {
      call.user();
      const body = (await call.json()) as { term?: unknown; prefix_only?: unknown } | null;
      if (typeof body?.term !== "string" || body.term === "") {
        throw invalidBodyParam("term", "expected the text to search for.");
      }
      const found = await call.app.searchEmoji(body.term, body.prefix_only === true, SEARCH_LIMIT);
      call.send(
        200,
        found.map((emoji) => modelToJson(EmojiSchema, emoji)),
      );
    })
    .add("GET", "/api/v4/emoji/name/{emoji_name}", async (call) => {
      call.user();
      const emoji = await call.app.getEmojiByName(emojiNameOf(call));
      call.send(200, modelToJson(EmojiSchema, emoji));
    })
    .add("GET", "/api/v4/emoji/{emoji_id}", async (call) => {
      call.user();
      call.send(200, modelToJson(EmojiSchema, await call.app.getEmoji(emojiIdOf(call))));
    })
    .add("GET", "/api/v4/emoji/{emoji_id}/image", async (call) => {
      call.user();
      const { image, imageType } = await call.app.getEmojiImage(emojiIdOf(call));
      call.res.writeHead(200, {
        "content-type": `image/${imageType}`,
        "content-length": image.byteLength,
        "cache-control": "max-age=2592000, private",
      });
      call.res.end(image);
    })
    .add("DELETE", "/api/v4/emoji/{emoji_id}", async (call) => {
      const user = call.user();
      const emoji = await call.app.getEmoji(emojiIdOf(call));
      await requireEmojiPermission(
        call,
        emoji.creatorId === user.id ? "delete_emojis" : "delete_others_emojis",
      );
      await call.app.deleteEmoji(call.actor(), emoji.id);
      call.ok();
    });
}

async function createEmoji(call: RestCall): Promise<void> {
  const user = call.user();
  await requireEmojiPermission(call, "create_emojis");
  // Mattermost caps the whole request, form and all, at the image's limit.
  const form = await readMultipartForm(call.req, MAX_EMOJI_FILE_BYTES).catch((error: unknown) => {
    throw error instanceof ValidationError && error.statusCode === 413 ? emojiTooLarge() : error;
  });
  const image = form.get("image");
  if (!(image instanceof Blob)) throw invalidBodyParam("image", "expected the emoji's image file.");
  const text = form.get("emoji");
  let fields: { name?: unknown; creator_id?: unknown };
  try {
    fields = JSON.parse(typeof text === "string" ? text : "null") ?? {};
  } catch {
    throw invalidBodyParam("emoji", "expected the emoji as JSON.");
  }
  if (typeof fields.name !== "string") throw invalidBodyParam("emoji", "expected a name.");
  if (
    fields.creator_id !== undefined &&
    fields.creator_id !== "" &&
    fields.creator_id !== user.id
  ) {
    throw new PermissionDeniedError({
      id: "api.emoji.create.other_user.app_error",
      message: "An emoji is made by the user who uploads it; creator_id must be your own id.",
      params: { field: "creator_id" },
    });
  }
  const bytes = new Uint8Array(await image.arrayBuffer());
  const emoji = await call.app.createEmoji(call.actor(), user.id, fields.name, bytes);
  call.send(200, modelToJson(EmojiSchema, emoji));
}

/** The permission system-wide, or in one of the user's teams, as Mattermost checks emoji. */
async function requireEmojiPermission(call: RestCall, permission: Permission): Promise<void> {
  const user = call.user();
  if (call.app.hasPermissionTo(user, permission)) return;
  for (const member of await call.app.getTeamMembersForUser(user.id)) {
    if (await hasTeamPermission(call, member.teamId, permission)) return;
  }
  throw permissionDenied(`you lack ${permission}`, permission);
}

/** Mattermost's RequireEmojiId: a 26-character id. */
function emojiIdOf(call: RestCall): string {
  const emojiId = call.param("emoji_id");
  if (!/^[a-zA-Z0-9]{26}$/.test(emojiId)) {
    throw invalidUrlParam("emoji_id", `"${emojiId}" is not an emoji id.`);
  }
  return emojiId;
}

/** Mattermost's RequireEmojiName: letters, digits, "-", "+" and "_", at most 64. */
function emojiNameOf(call: RestCall): string {
  const name = call.param("emoji_name");
  if (name.length > EMOJI_NAME_MAX_LENGTH || !/^[a-zA-Z0-9+_-]+$/.test(name)) {
    throw invalidUrlParam("emoji_name", `"${name}" is not an emoji name.`);
  }
  return name;
}

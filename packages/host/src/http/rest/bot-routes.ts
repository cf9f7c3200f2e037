// /api/v4/bots, as Mattermost's api4/bot.go serves it: reading bots needs read_bots (one's own)
// or read_others_bots (any), and a bot one may not read is answered 404 as if it were no bot;
// changing one needs manage_bots or manage_others_bots (the app's requireBotManager).
import { create } from "@bufbuild/protobuf";
import { type Bot, BotPatchSchema, BotSchema } from "@plugwire/protocol";
import { modelFromJson, modelToJson } from "./model-json.js";
import { pageOfQuery } from "./paging.js";
import { requireSystemPermission } from "./permissions.js";
import type { RestCall, RouteHandler } from "./rest-call.js";
import { permissionDenied } from "./rest-errors.js";
import type { Router } from "./router.js";

const PATCHABLE = ["username", "display_name", "description"];

export function botRoutes(router: Router<RouteHandler>): void {
  router
    .add("POST", "/api/v4/bots", createBot)
    .add("GET", "/api/v4/bots", getBots)
    .add("GET", "/api/v4/bots/{bot_user_id}", getBot)
    .add("PUT", "/api/v4/bots/{bot_user_id}", async (call) => {
      const { value: patch } = modelFromJson(
        BotPatchSchema,
        await call.json(),
        PATCHABLE,
        call.ignoreField,
      );
      const botUserId = call.param("bot_user_id");
      await call.app.requireBotManager(call.user(), botUserId);
      sendBot(call, 200, await call.app.patchBot(call.actor(), botUserId, patch));
    })
    .add("POST", "/api/v4/bots/{bot_user_id}/disable", (call) => setActive(call, false))
    .add("POST", "/api/v4/bots/{bot_user_id}/enable", (call) => setActive(call, true))
    .add("POST", "/api/v4/bots/{bot_user_id}/assign/{user_id}", assignBot);
}

/** A user's own bot: create_bot, and not by a bot (Mattermost's createBot). */
async function createBot(call: RestCall): Promise<void> {
  const { value: patch } = modelFromJson(
    BotPatchSchema,
    await call.json(),
    PATCHABLE,
    call.ignoreField,
  );
  const user = requireSystemPermission(call, "create_bot", "you may not create bots");
  if (user.isBot) throw permissionDenied("bots may not create bots", "create_bot");
  const bot = create(BotSchema, {
    username: patch.username ?? "",
    displayName: patch.displayName ?? "",
    description: patch.description ?? "",
    ownerId: user.id,
  });
  sendBot(call, 201, await call.app.createBot(call.actor(), bot));
}

async function getBots(call: RestCall): Promise<void> {
  const user = call.user();
  const query = call.url.searchParams;
  let ownerId: string | undefined;
  if (!call.app.hasPermissionTo(user, "read_others_bots")) {
    if (!call.app.hasPermissionTo(user, "read_bots")) {
      throw permissionDenied("you may not read bots", "read_bots");
    }
    ownerId = user.id;
  }
  const bots = await call.app.getBots({
    ...pageOfQuery(query),
    ownerId,
    includeDeleted: query.get("include_deleted") === "true",
    onlyOrphaned: query.get("only_orphaned") === "true",
  });
  call.send(
    200,
    bots.map((bot) => botJson(bot)),
  );
}

async function getBot(call: RestCall): Promise<void> {
  const includeDeleted = call.url.searchParams.get("include_deleted") === "true";
  sendBot(
    call,
    200,
    await call.app.requireBotReader(call.user(), call.param("bot_user_id"), includeDeleted),
  );
}

async function setActive(call: RestCall, active: boolean): Promise<void> {
  const botUserId = call.param("bot_user_id");
  await call.app.requireBotManager(call.user(), botUserId);
  sendBot(call, 200, await call.app.updateBotActive(call.actor(), botUserId, active));
}

/** Gives a bot to another (human) user: Mattermost's assignBot. */
async function assignBot(call: RestCall): Promise<void> {
  const botUserId = call.param("bot_user_id");
  await call.app.requireBotManager(call.user(), botUserId);
  const owner = await call.app.getUser(call.param("user_id"));
  if (owner.isBot) throw permissionDenied("a bot can't own a bot", "assign_bot");
  sendBot(call, 200, await call.app.assignBot(call.actor(), botUserId, owner.id));
}

function sendBot(call: RestCall, status: number, bot: Bot): void {
  call.send(status, botJson(bot));
}

/** Mattermost's Bot JSON, with its computed system_owned (no bot of Plugwire's is). */
function botJson(bot: Bot) {
  return { ...modelToJson(BotSchema, bot), system_owned: false };
}

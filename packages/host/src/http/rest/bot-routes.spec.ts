// /api/v4/bots driven through the official Client4, with raw calls for bad input: who may read
// and change which bots, and that a bot one may not read is "not found".
import { create } from "@bufbuild/protobuf";
import { BotSchema } from "@plugwire/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newClient4 } from "../../../test-fixtures/rest/mattermost-client.js";
import { RestFixture, type RestUser } from "../../../test-fixtures/rest/rest-fixture.js";

let f: RestFixture;
let member: RestUser;
const PLUGIN = "com.example.bots";

beforeAll(async () => {
  f = await RestFixture.start();
  member = await f.newUser("member");
});
afterAll(async () => {
  await f?.close();
});

const admin = () => newClient4(f.url, f.adminToken);

describe("bots over REST", () => {
  it("lets an admin create, read, page, patch, disable, enable and reassign bots (Client4)", async () => {
    const client = admin();
    const bot = await client.createBot({ username: "Reporter", display_name: "Reporter" });
    expect(bot).toMatchObject({
      username: "reporter",
      display_name: "Reporter",
      owner_id: f.adminId,
      delete_at: 0,
      system_owned: false,
    });
    const plugins = await f.host.app.createBot(
      { pluginId: PLUGIN },
      create(BotSchema, { username: "pluggy", ownerId: PLUGIN }),
    );
    expect((await client.getBot(bot.user_id)).username).toBe("reporter");
    expect((await client.getBots()).map((b) => b.username)).toEqual(["pluggy", "reporter"]);

    const patched = await client.patchBot(bot.user_id, { description: "daily numbers" });
    expect(patched).toMatchObject({ username: "reporter", description: "daily numbers" });
    expect((await client.disableBot(bot.user_id)).delete_at).toBeGreaterThan(0);
    expect((await client.getBots()).map((b) => b.username)).toEqual(["pluggy"]);
    expect((await client.getBotsIncludeDeleted()).map((b) => b.username)).toEqual([
      "pluggy",
      "reporter",
    ]);
    const gone = await f.call("GET", `/api/v4/bots/${bot.user_id}`, { token: f.adminToken });
    expect(gone.status).toBe(404);
    expect(gone.body.id).toBe("store.sql_bot.get.missing.app_error");
    expect(
      (
        await f.call("GET", `/api/v4/bots/${bot.user_id}?include_deleted=true`, {
          token: f.adminToken,
        })
      ).status,
    ).toBe(200);
    expect((await client.enableBot(bot.user_id)).delete_at).toBe(0);
    expect((await client.assignBot(plugins.userId, member.id)).owner_id).toBe(member.id);
  });

  it("shows a user only the bots they may read, and hides the rest as not found", async () => {
    const { body: bot } = await f.call("POST", "/api/v4/bots", {
      token: f.adminToken,
      json: { username: "secretive" },
    });
    const client = newClient4(f.url, member.token);
    // system_user holds no bot permission by default (Mattermost's defaults).
    const list = await f.call("GET", "/api/v4/bots", { token: member.token });
    expect(list.status).toBe(403);
    expect(list.body.id).toBe("api.context.permissions.app_error");
    const read = await f.call("GET", `/api/v4/bots/${bot.user_id}`, { token: member.token });
    expect(read.status).toBe(404);
    const patch = await f.call("PUT", `/api/v4/bots/${bot.user_id}`, {
      token: member.token,
      json: { description: "mine now" },
    });
    expect(patch.status).toBe(404);
    await expect(client.disableBot(bot.user_id)).rejects.toMatchObject({ status_code: 404 });
    const create = await f.call("POST", "/api/v4/bots", {
      token: member.token,
      json: { username: "minebot" },
    });
    expect(create.status).toBe(403);

    // Given read_bots only, a user sees their own bot but may not change it.
    await f.host.app.assignBot({}, bot.user_id, member.id);
    await f.host.app.patchRole({}, (await f.host.app.getRoleByName("system_user")).id, [
      ...(await f.host.app.getRoleByName("system_user")).permissions,
      "read_bots",
    ]);
    // Their own: the one just given, and the one the admin gave them before.
    expect((await client.getBots()).map((b) => b.username)).toEqual(["pluggy", "secretive"]);
    expect((await client.getBot(bot.user_id)).owner_id).toBe(member.id);
    const denied = await f.call("POST", `/api/v4/bots/${bot.user_id}/disable`, {
      token: member.token,
    });
    expect(denied.status).toBe(403);
    expect(denied.body.message).toContain("manage_bots");
  });

  it("refuses bad bodies and usernames with Mattermost's ids, and needs a session", async () => {
    const token = f.adminToken;
    const bad = await f.call("POST", "/api/v4/bots", { token, json: { username: "1st" } });
    expect(bad.status).toBe(400);
    expect(bad.body.id).toBe("model.bot.is_valid.username.app_error");
    const typed = await f.call("POST", "/api/v4/bots", { token, json: { username: 5 } });
    expect(typed.status).toBe(400);
    expect(typed.body.id).toBe("api.context.invalid_body_param.app_error");
    expect((await f.call("GET", "/api/v4/bots")).status).toBe(401);
    expect((await f.call("GET", `/api/v4/bots/${member.id}`, { token })).status).toBe(404);
  });
});

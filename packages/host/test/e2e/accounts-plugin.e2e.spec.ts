// Bots, sessions, personal access tokens and the audit log, driven by a real plugin process (the
// accounts plugin in test-fixtures) through the SDK's typed methods, against a real host whose
// REST API then sees what the plugin made: a bot posting as itself, tokens and sessions that
// authenticate until revoked, and an audit record that admins read and users may not.
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type RestChannel,
  RestFixture,
  type RestTeam,
  type RestUser,
} from "../../test-fixtures/rest/rest-fixture.js";

const ACCOUNTS_PLUGIN = "test.accounts";
const accountsPluginDir = join(
  dirname(fileURLToPath(import.meta.url)),
  "../../test-fixtures/accounts-plugin",
);

let f: RestFixture;
let owner: RestUser;
let member: RestUser;
let team: RestTeam;
let channel: RestChannel;

beforeAll(async () => {
  f = await RestFixture.start();
  await f.host.loadPlugin(accountsPluginDir);
  await f.host.enablePlugin(ACCOUNTS_PLUGIN);
  owner = await f.newUser("owner");
  member = await f.newUser("member");
  team = await f.newTeam(owner, [member]);
  channel = await f.newChannel(team, owner, { name: "town", displayName: "Town" }, [member]);
});
afterAll(async () => {
  await f?.close();
});

/** What the plugin's call returned, or the error it threw ({name, id, params}). */
// biome-ignore lint/suspicious/noExplicitAny: specs assert on whatever the call answered
async function pluginCall(method: string, ...args: unknown[]): Promise<any> {
  const { status, body } = await f.call("POST", `/plugins/${ACCOUNTS_PLUGIN}/call`, {
    token: member.token,
    json: { method, args },
  });
  expect(status).toBe(200);
  return body;
}

/** The user a token authenticates as over REST, or the status it was refused with. */
async function whoIs(token: string): Promise<string | number> {
  const { status, body } = await f.call("GET", "/api/v4/users/me", { token });
  return status === 200 ? body.username : status;
}

describe("a plugin's bot", () => {
  it("is created by the plugin, owned by it, and posts as its own user", async () => {
    const { result: bot } = await pluginCall("createBot", {
      username: "accountant",
      displayName: "Accountant",
      description: "keeps the books",
    });
    // Plain models serialize as Mattermost's v4 JSON (snake_case).
    expect(bot).toMatchObject({ username: "accountant", owner_id: ACCOUNTS_PLUGIN, delete_at: 0 });

    const listed = await f.call("GET", "/api/v4/bots", { token: f.adminToken });
    expect(listed.body).toEqual([
      expect.objectContaining({
        user_id: bot.user_id,
        username: "accountant",
        display_name: "Accountant",
        owner_id: ACCOUNTS_PLUGIN,
      }),
    ]);

    await f.call("POST", `/api/v4/teams/${team.id}/members`, {
      token: owner.token,
      json: { team_id: team.id, user_id: bot.user_id },
    });
    await f.call("POST", `/api/v4/channels/${channel.id}/members`, {
      token: owner.token,
      json: { user_id: bot.user_id },
    });
    const { result: post } = await pluginCall("createPost", {
      channelId: channel.id,
      userId: bot.user_id,
      message: "The books are balanced.",
    });
    const { body: posts } = await f.call("GET", `/api/v4/channels/${channel.id}/posts`, {
      token: member.token,
    });
    expect(posts.posts[post.id]).toMatchObject({
      user_id: bot.user_id,
      message: "The books are balanced.",
    });
    const { body: author } = await f.call("GET", `/api/v4/users/${bot.user_id}`, {
      token: member.token,
    });
    expect(author).toMatchObject({ username: "accountant", is_bot: true });
  });

  it("is patched, disabled, enabled and erased by the plugin", async () => {
    const { result: bot } = await pluginCall("createBot", { username: "temp" });
    expect(
      (await pluginCall("patchBot", bot.user_id, { displayName: "Temp" })).result,
    ).toMatchObject({ display_name: "Temp" });
    expect(
      (await pluginCall("updateBotActive", bot.user_id, false)).result.delete_at,
    ).toBeGreaterThan(0);
    expect((await pluginCall("getBot", bot.user_id)).error).toMatchObject({
      name: "NotFoundError",
      id: "store.sql_bot.get.missing.app_error",
    });
    expect(
      (await pluginCall("getBots", { ownerId: ACCOUNTS_PLUGIN, includeDeleted: true })).result.map(
        (b: { username: string }) => b.username,
      ),
    ).toEqual(["accountant", "temp"]);
    await pluginCall("updateBotActive", bot.user_id, true);
    expect((await pluginCall("permanentDeleteBot", bot.user_id)).error).toBeUndefined();
    const gone = await f.call("GET", `/api/v4/users/${bot.user_id}`, { token: member.token });
    expect(gone.status).toBe(404);
    expect((await pluginCall("permanentDeleteBot", member.id)).error).toMatchObject({
      name: "ValidationError",
      id: "app.bot.permenent_delete.bad_id",
    });
  });
});

describe("tokens and sessions a plugin makes", () => {
  it("give a personal access token that is a REST bearer token until revoked", async () => {
    const { result: bot } = await pluginCall("getBots", { ownerId: ACCOUNTS_PLUGIN });
    const botId = bot[0].user_id;
    const { result: token } = await pluginCall("createUserAccessToken", {
      userId: botId,
      description: "nightly report",
    });
    expect(token).toMatchObject({ user_id: botId, is_active: true });
    expect(await whoIs(token.token)).toBe("accountant");
    const posted = await f.call("POST", "/api/v4/posts", {
      token: token.token,
      json: { channel_id: channel.id, message: "Posted with my token." },
    });
    expect(posted.status).toBe(201);
    expect(posted.body.user_id).toBe(botId);

    await pluginCall("revokeUserAccessToken", token.id);
    expect(await whoIs(token.token)).toBe(401);
    expect((await pluginCall("revokeUserAccessToken", token.id)).error?.name).toBe("NotFoundError");
  });

  it("open a session for a user, read, extend and revoke it", async () => {
    const { result: session } = await pluginCall("createSession", {
      userId: member.id,
      deviceId: "kiosk",
      props: { origin: "sso" },
    });
    expect(session).toMatchObject({ user_id: member.id, device_id: "kiosk", expires_at: 0 });
    expect(await whoIs(session.token)).toBe("member");
    const { result: read } = await pluginCall("getSession", session.id);
    expect(read).toMatchObject({ id: session.id, token: "", props: { origin: "sso" } });
    const expiry = Date.now() + 3_600_000;
    await pluginCall("extendSessionExpiry", session.id, expiry);
    expect((await pluginCall("getSession", session.id)).result.expires_at).toBe(expiry);
    await pluginCall("revokeSession", session.id);
    expect(await whoIs(session.token)).toBe(401);
    expect((await pluginCall("getSession", session.id)).error?.name).toBe("NotFoundError");
  });
});

describe("the audit log", () => {
  it("keeps a plugin's records, which admins read and users may not", async () => {
    await pluginCall("logAuditRec", {
      eventName: "closeBooks",
      status: "success",
      actor: { userId: member.id, ipAddress: "10.1.2.3" },
      meta: { year: 2026 },
    });
    await pluginCall("logAuditRecWithLevel", { eventName: "reopenBooks", status: "fail" }, "warn");
    const { status, body } = await f.call("GET", "/api/v4/audits", { token: f.adminToken });
    expect(status).toBe(200);
    const byAction = (action: string) =>
      body.find((audit: { action: string }) => audit.action === action);
    expect(body).toHaveLength(2);
    expect(byAction("closeBooks")).toMatchObject({ user_id: member.id, ip_address: "10.1.2.3" });
    expect(JSON.parse(byAction("reopenBooks").extra_info)).toMatchObject({
      level: "warn",
      plugin_id: ACCOUNTS_PLUGIN,
    });
    const refused = await f.call("GET", "/api/v4/audits", { token: member.token });
    expect(refused.status).toBe(403);
    expect((await pluginCall("logAuditRec", { status: "success" })).error).toMatchObject({
      name: "ValidationError",
      params: { field: "record.event_name" },
    });
  });
});

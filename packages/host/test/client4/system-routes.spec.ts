// What a client reads before anything else (config, license, ping, emoji, web app plugins) and
// the command lists and autocomplete, through Client4 as the web app calls them, and their bad
// input through raw HTTP.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newClient4 } from "../../test-fixtures/rest/mattermost-client.js";
import {
  RECORDER_ID,
  RestFixture,
  type RestTeam,
  type RestUser,
} from "../../test-fixtures/rest/rest-fixture.js";

let f: RestFixture;
let alice: RestUser;
let outsider: RestUser;
let team: RestTeam;
/** The recorder registers its trigger, the last part of its id. */
const TRIGGER = RECORDER_ID.split(".").pop() ?? "";

beforeAll(async () => {
  f = await RestFixture.start();
  alice = await f.newUser("alice");
  outsider = await f.newUser("outsider");
  team = await f.newTeam(alice);
});
afterAll(async () => {
  await f?.close();
});

describe("config, license, ping", () => {
  it("getClientConfig (format=old) answers the login page's keys to everyone and the rest to a session", async () => {
    const anonymous = await newClient4(f.url).getClientConfig();
    expect(anonymous).toMatchObject({
      Version: f.host.serverVersion,
      BuildNumber: f.host.serverVersion,
      SiteURL: f.url,
      SiteName: "Plugwire",
      EnableSignUpWithEmail: "true",
      EnableSignInWithUsername: "true",
      EnableOpenServer: "false",
      EnableLdap: "false",
    });
    expect(anonymous).not.toHaveProperty("MaxPostSize");
    const full = await newClient4(f.url, alice.token).getClientConfig();
    expect(full).toMatchObject({
      ...anonymous,
      EnableCommands: "true",
      MaxPostSize: "16383",
      MaxFileSize: String(100 * 1024 * 1024),
      PluginsEnabled: "true",
    });
    for (const value of Object.values(full)) expect(typeof value).toBe("string");
  });

  it("getClientLicenseOld answers that the server is unlicensed", async () => {
    expect(await newClient4(f.url, alice.token).getClientLicenseOld()).toEqual({
      IsLicensed: "false",
    });
    expect(await newClient4(f.url).getClientLicenseOld()).toEqual({ IsLicensed: "false" });
  });

  it("both answer only the old format: 501 without it, 400 for another", async () => {
    for (const path of ["/api/v4/config/client", "/api/v4/license/client"]) {
      const none = await f.call("GET", path);
      expect(none.status).toBe(501);
      expect(none.body.id).toMatch(/old_format\.app_error$/);
      const other = await f.call("GET", `${path}?format=new`);
      expect(other.status).toBe(400);
      expect(other.body).toMatchObject({
        id: "api.context.invalid_url_param.app_error",
        message: expect.stringContaining("format"),
      });
    }
  });

  it("ping answers OK, and with get_server_status the database and file store status", async () => {
    const client = newClient4(f.url);
    const plain = await client.ping(false);
    expect(plain).toMatchObject({ status: "OK", AndroidLatestVersion: "", IosMinVersion: "" });
    expect(plain).not.toHaveProperty("database_status");
    expect(await client.ping(true)).toMatchObject({
      status: "OK",
      database_status: "OK",
      filestore_status: "OK",
    });
  });
});

describe("emoji and web app plugins", () => {
  it("getCustomEmojis is an empty list before anyone uploads one, checked like Mattermost's", async () => {
    expect(await newClient4(f.url, alice.token).getCustomEmojis()).toEqual([]);
    expect((await f.call("GET", "/api/v4/emoji")).status).toBe(401);
    const badSort = await f.call("GET", "/api/v4/emoji?sort=age", { token: alice.token });
    expect(badSort.status).toBe(400);
    expect(badSort.body.message).toContain("sort");
    const badPage = await f.call("GET", "/api/v4/emoji?page=-1", { token: alice.token });
    expect(badPage.status).toBe(400);
  });

  it("getWebappPlugins is an empty list: the recorder has no web app part", async () => {
    expect(await newClient4(f.url, alice.token).getWebappPlugins()).toEqual([]);
  });
});

describe("commands", () => {
  it("getCommandsList lists the plugin commands of the team", async () => {
    const commands = await newClient4(f.url, alice.token).getCommandsList(team.id);
    expect(commands).toEqual([
      expect.objectContaining({
        trigger: TRIGGER,
        auto_complete: true,
        plugin_id: RECORDER_ID,
        team_id: "",
        method: "",
        url: "",
      }),
    ]);
    const custom = await f.call("GET", `/api/v4/commands?team_id=${team.id}&custom_only=true`, {
      token: alice.token,
    });
    expect(custom).toMatchObject({ status: 200, body: [] });
  });

  it("autocomplete lists and suggests the registered commands as AutocompleteSuggestion", async () => {
    const client = newClient4(f.url, alice.token);
    expect(await client.getAutocompleteCommandsList(team.id)).toEqual([
      expect.objectContaining({ trigger: TRIGGER }),
    ]);
    const suggestions = await client.getCommandAutocompleteSuggestionsList(
      `/${TRIGGER.slice(0, 3)}`,
      team.id,
      {} as never,
    );
    expect(suggestions).toEqual([
      { Complete: TRIGGER, Suggestion: TRIGGER, Hint: "", Description: "", IconData: "" },
    ]);
    expect(
      await client.getCommandAutocompleteSuggestionsList("/zzz", team.id, {} as never),
    ).toEqual([]);
    expect(
      await client.getCommandAutocompleteSuggestionsList(`/${TRIGGER} arg`, team.id, {} as never),
    ).toEqual([]);
  });

  it("refuses a missing team or input with 400 and a non-member with 403", async () => {
    const noTeam = await f.call("GET", "/api/v4/commands", { token: alice.token });
    expect(noTeam.status).toBe(400);
    expect(noTeam.body.message).toContain("team_id");
    const notMember = await f.call("GET", `/api/v4/commands?team_id=${team.id}`, {
      token: outsider.token,
    });
    expect(notMember.status).toBe(403);
    const noInput = await f.call(
      "GET",
      `/api/v4/teams/${team.id}/commands/autocomplete_suggestions`,
      { token: alice.token },
    );
    expect(noInput.status).toBe(400);
    expect(noInput.body.message).toContain("user_input");
    for (const path of [
      `/api/v4/teams/${team.id}/commands/autocomplete`,
      `/api/v4/teams/${team.id}/commands/autocomplete_suggestions?user_input=/r`,
    ]) {
      expect((await f.call("GET", path, { token: outsider.token })).status).toBe(403);
      expect((await f.call("GET", path)).status).toBe(401);
    }
  });
});

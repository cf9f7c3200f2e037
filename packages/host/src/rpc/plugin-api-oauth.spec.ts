// The Plugin API's OAuth apps called from a real plugin process (the social test plugin, over
// its socket, through the SDK's typed methods): a plugin registers an app for a user and gets
// its secret, reads, changes and removes it, REST clients see the same records, and bad input
// comes back as the error naming the field.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newClient4 } from "../../test-fixtures/rest/mattermost-client.js";
import type { RestFixture, RestUser } from "../../test-fixtures/rest/rest-fixture.js";
import {
  type PluginApiCalls,
  startSocialFixture,
} from "../../test-fixtures/social/social-plugin.js";

let f: RestFixture;
let ann: RestUser;
/** The Plugin API of the social plugin, each call made in its process. */
let api: PluginApiCalls;

beforeAll(async () => {
  ({ f, api } = await startSocialFixture());
  ann = await f.newUser("ann");
});
afterAll(async () => {
  await f?.close();
});

const ticketing = () => ({
  creatorId: ann.id,
  name: "Ticketing",
  description: "Links tickets",
  callbackUrls: ["https://tickets.example.com/oauth/callback"],
  homepage: "https://tickets.example.com",
  mattermostAppId: "tickets",
});

describe("OAuth apps", () => {
  it("a plugin registers, reads, changes and removes an app", async () => {
    const { result: app } = await api.createOAuthApp(ticketing());
    expect(app).toMatchObject({ ...ticketing(), isTrusted: false });
    expect(app.id).toHaveLength(26);
    expect(app.clientSecret).toHaveLength(26);
    expect((await api.getOAuthApp(app.id)).result).toEqual(app);
    expect(await newClient4(f.url, f.adminToken).getOAuthApp(app.id)).toMatchObject({
      id: app.id,
      creator_id: ann.id,
      client_secret: app.clientSecret,
    });

    const { result: updated } = await api.updateOAuthApp({
      ...app,
      name: "Tickets",
      isTrusted: true,
      clientSecret: "chosen by the plugin",
      creatorId: f.adminId,
    });
    expect(updated).toMatchObject({
      name: "Tickets",
      isTrusted: true,
      clientSecret: app.clientSecret,
      creatorId: ann.id,
      createAt: app.createAt,
    });

    expect((await api.deleteOAuthApp(app.id)).error).toBeUndefined();
    expect((await api.getOAuthApp(app.id)).error).toMatchObject({ name: "NotFoundError" });
    expect((await api.deleteOAuthApp(app.id)).error).toMatchObject({ name: "NotFoundError" });
  });

  it("answers bad input with the error naming the field, and stores nothing", async () => {
    const refused = async (app: object) => (await api.createOAuthApp(app)).error;
    expect(await refused({ ...ticketing(), id: "x".repeat(26) })).toMatchObject({
      name: "ValidationError",
      id: "app.oauth.save_app.existing.app_error",
    });
    expect(await refused({ ...ticketing(), creatorId: "" })).toMatchObject({
      params: { field: "creator_id" },
    });
    expect(await refused({ ...ticketing(), homepage: "tickets.example.com" })).toMatchObject({
      id: "model.oauth.is_valid.homepage.app_error",
    });
    expect(await refused({ ...ticketing(), callbackUrls: [] })).toMatchObject({
      params: { field: "callback_urls" },
    });
    expect(await refused({ ...ticketing(), mattermostAppId: "m".repeat(33) })).toMatchObject({
      params: { field: "mattermost_app_id" },
    });
    expect(await newClient4(f.url, f.adminToken).getOAuthApps()).toEqual([]);

    expect((await api.getOAuthApp("")).error).toMatchObject({ params: { field: "app_id" } });
    expect((await api.deleteOAuthApp("")).error).toMatchObject({ params: { field: "app_id" } });
    expect((await api.updateOAuthApp({ ...ticketing() })).error).toMatchObject({
      params: { field: "app.id" },
    });
    expect((await api.updateOAuthApp({ ...ticketing(), id: "y".repeat(26) })).error).toMatchObject({
      name: "NotFoundError",
    });
  });
});

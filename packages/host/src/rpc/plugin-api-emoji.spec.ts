// The Plugin API's custom emoji read from a real plugin process (the social test plugin, over
// its socket, through the SDK's typed methods): emoji people uploaded over REST, by id, by
// name, their images and pages of them, and bad input answered with the error naming the field.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newClient4 } from "../../test-fixtures/rest/mattermost-client.js";
import type { RestFixture, RestUser } from "../../test-fixtures/rest/rest-fixture.js";
import {
  type PluginApiCalls,
  startSocialFixture,
} from "../../test-fixtures/social/social-plugin.js";

/** The smallest PNG: one transparent pixel. */
const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==",
  "base64",
);

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

const upload = (name: string) =>
  newClient4(f.url, ann.token).createCustomEmoji(
    { name, creator_id: ann.id } as never,
    new Blob([PNG], { type: "image/png" }) as never,
  );

describe("custom emoji", () => {
  it("a plugin reads the emoji people uploaded: by id, by name, its image, a page", async () => {
    const emoji = await upload("plugged");
    await upload("another");
    expect((await api.getEmoji(emoji.id)).result).toMatchObject({
      id: emoji.id,
      name: "plugged",
      creatorId: ann.id,
      deleteAt: 0,
    });
    expect((await api.getEmojiByName("plugged")).result).toMatchObject({ id: emoji.id });
    const { result: image } = await api.getEmojiImage(emoji.id);
    expect(image.imageType).toBe("png");
    expect(Buffer.from(Object.values(image.image) as number[])).toEqual(PNG);

    const byName = (await api.getEmojiList("name", { perPage: 200 })).result;
    expect(byName.map((e: { name: string }) => e.name)).toEqual(["another", "plugged"]);
    const oldestFirst = (await api.getEmojiList("", { page: 0, perPage: 1 })).result;
    expect(oldestFirst.map((e: { name: string }) => e.name)).toEqual(["plugged"]);
  });

  it("answers bad input with the error naming the field, and a missing emoji with NotFound", async () => {
    expect((await api.getEmojiList("age")).error).toMatchObject({ name: "ValidationError" });
    expect((await api.getEmoji("")).error).toMatchObject({ params: { field: "emoji_id" } });
    expect((await api.getEmojiByName("")).error).toMatchObject({ params: { field: "name" } });
    expect((await api.getEmojiImage("")).error).toMatchObject({ params: { field: "emoji_id" } });
    expect((await api.getEmojiByName("nobody")).error).toMatchObject({ name: "NotFoundError" });
    expect((await api.getEmojiImage("x".repeat(26))).error).toMatchObject({
      name: "NotFoundError",
    });
  });
});

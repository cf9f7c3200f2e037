// Custom emoji over v4 through the official client: uploading one with its image, reading it
// by id and name, its image, lists, search and autocomplete, deleting it, and Mattermost's
// refusals (the Plugin API's reads are in rpc/plugin-api-emoji.spec.ts).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newClient4 } from "../../../test-fixtures/rest/mattermost-client.js";
import { RestFixture, type RestUser } from "../../../test-fixtures/rest/rest-fixture.js";
import { WebSocketClient } from "../../../test-fixtures/rest/websocket-client.js";

/** The smallest PNG: one transparent pixel. */
const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==",
  "base64",
);

let f: RestFixture;
let ann: RestUser;
let bob: RestUser;

beforeAll(async () => {
  f = await RestFixture.start();
  ann = await f.newUser("ann");
  bob = await f.newUser("bob");
});
afterAll(async () => {
  await f?.close();
});

const upload = (token: string, name: string, image: Uint8Array = PNG) =>
  newClient4(f.url, token).createCustomEmoji(
    { name, creator_id: "" } as never,
    new Blob([image], { type: "image/png" }) as never,
  );

describe("custom emoji through Client4", () => {
  it("lets every user make and delete their own emoji, as Mattermost's system_user role does", async () => {
    const role = await newClient4(f.url, ann.token).getRoleByName("system_user");
    expect(role.permissions).toEqual(expect.arrayContaining(["create_emojis", "delete_emojis"]));
    expect(role.permissions).not.toContain("delete_others_emojis");
  });

  it("uploads, reads, lists, searches and deletes an emoji", async () => {
    const client = newClient4(f.url, ann.token);
    const emoji = await newClient4(f.url, ann.token).createCustomEmoji(
      { name: "shipit", creator_id: ann.id } as never,
      new Blob([PNG], { type: "image/png" }) as never,
    );
    expect(emoji).toMatchObject({ name: "shipit", creator_id: ann.id, delete_at: 0 });
    expect(await client.getCustomEmoji(emoji.id)).toEqual(emoji);
    expect(await client.getCustomEmojiByName("shipit")).toEqual(emoji);
    const image = await f.request("GET", `/api/v4/emoji/${emoji.id}/image`, { token: bob.token });
    expect(image.headers.get("content-type")).toBe("image/png");
    expect(Buffer.from(await image.arrayBuffer())).toEqual(PNG);

    await upload(bob.token, "approved");
    expect((await client.getCustomEmojis(0, 60, "name")).map((e) => e.name)).toEqual([
      "approved",
      "shipit",
    ]);
    expect((await client.searchCustomEmoji("IPI")).map((e) => e.name)).toEqual(["shipit"]);
    expect((await client.autocompleteCustomEmoji("app")).map((e) => e.name)).toEqual(["approved"]);

    // Only its maker (or who may delete others' emoji) deletes it.
    await expect(newClient4(f.url, bob.token).deleteCustomEmoji(emoji.id)).rejects.toMatchObject({
      status_code: 403,
    });
    expect(await client.deleteCustomEmoji(emoji.id)).toEqual({ status: "OK" });
    await expect(client.getCustomEmoji(emoji.id)).rejects.toMatchObject({ status_code: 404 });
    expect(
      await newClient4(f.url, f.adminToken).deleteCustomEmoji(
        (await client.getCustomEmojiByName("approved")).id,
      ),
    ).toEqual({ status: "OK" });
  });

  it("tells every connected client of a new emoji with emoji_added", async () => {
    const socket = await WebSocketClient.connect(f.url, { authorization: `Bearer ${bob.token}` });
    try {
      const emoji = await upload(ann.token, "partyparrot");
      const event = await socket.next((message) => message.event === "emoji_added");
      expect(event.broadcast).toMatchObject({ user_id: "", channel_id: "", team_id: "" });
      expect(JSON.parse(event.data.emoji as string)).toEqual(emoji);
    } finally {
      await socket.close();
    }
  });

  it("refuses what Mattermost refuses", async () => {
    await upload(ann.token, "taken");
    await expect(upload(bob.token, "taken")).rejects.toMatchObject({
      status_code: 400,
      server_error_id: "api.emoji.create.duplicate.app_error",
    });
    await expect(upload(ann.token, "Bad Name")).rejects.toMatchObject({
      status_code: 400,
      server_error_id: "model.emoji.name.app_error",
    });
    await expect(upload(ann.token, "thumbsup")).rejects.toMatchObject({
      server_error_id: "model.emoji.system_emoji_name.app_error",
    });
    await expect(
      upload(ann.token, "text", new TextEncoder().encode("hello")),
    ).rejects.toMatchObject({
      status_code: 400,
      server_error_id: "api.emoji.upload.image.app_error",
    });
    const big = new Uint8Array(600 * 1024);
    big.set(PNG);
    await expect(upload(ann.token, "huge", big)).rejects.toMatchObject({ status_code: 413 });
    expect((await f.call("GET", "/api/v4/emoji/name/huge", { token: ann.token })).status).toBe(404);
  });

  it("answers malformed uploads and ids with Mattermost's status codes, storing nothing", async () => {
    const before = await newClient4(f.url, ann.token).getCustomEmojis(0, 200);
    const post = (form: FormData, token = ann.token) =>
      f.call("POST", "/api/v4/emoji", { token, body: form });
    const form = (parts: { emoji?: string; image?: Uint8Array }) => {
      const data = new FormData();
      if (parts.emoji !== undefined) data.set("emoji", parts.emoji);
      if (parts.image !== undefined) data.set("image", new Blob([parts.image]), "emoji.png");
      return data;
    };

    // Just over 512 KiB of image: the request is too large, whatever the form around it.
    const justOver = new Uint8Array(512 * 1024 + 1);
    justOver.set(PNG);
    expect(
      (await post(form({ emoji: JSON.stringify({ name: "over" }), image: justOver }))).body,
    ).toMatchObject({ status_code: 413, id: "api.emoji.create.too_large.app_error" });
    expect((await post(form({ image: PNG }))).body).toMatchObject({ status_code: 400 });
    expect((await post(form({ emoji: "{not json", image: PNG }))).body).toMatchObject({
      status_code: 400,
      id: "api.context.invalid_body_param.app_error",
    });
    expect((await post(form({ emoji: JSON.stringify({ name: "noimage" }) }))).body).toMatchObject({
      status_code: 400,
      id: "api.context.invalid_body_param.app_error",
    });
    expect(
      (await post(form({ emoji: JSON.stringify({ name: "x".repeat(65) }), image: PNG }))).body,
    ).toMatchObject({ status_code: 400, id: "model.emoji.name.app_error" });
    expect(
      (
        await post(
          form({ emoji: JSON.stringify({ name: "theirs", creator_id: bob.id }), image: PNG }),
        )
      ).body,
    ).toMatchObject({ status_code: 403, id: "api.emoji.create.other_user.app_error" });
    const notMultipart = await f.call("POST", "/api/v4/emoji", {
      token: ann.token,
      json: { name: "json" },
    });
    expect(notMultipart.status).toBe(400);

    for (const [method, path] of [
      ["GET", "/api/v4/emoji/short"],
      ["GET", "/api/v4/emoji/short/image"],
      ["DELETE", "/api/v4/emoji/short"],
      ["GET", "/api/v4/emoji/name/Not%20A%20Name"],
    ] as const) {
      expect((await f.call(method, path, { token: ann.token })).body, path).toMatchObject({
        status_code: 400,
        id: "api.context.invalid_url_param.app_error",
      });
    }
    const missing = "m".repeat(26);
    expect((await f.call("GET", `/api/v4/emoji/${missing}`, { token: ann.token })).status).toBe(
      404,
    );
    expect(
      (await f.call("GET", `/api/v4/emoji/${missing}/image`, { token: ann.token })).status,
    ).toBe(404);

    // Nothing was stored, and the host still takes a good upload.
    expect(await newClient4(f.url, ann.token).getCustomEmojis(0, 200)).toEqual(before);
    expect((await upload(ann.token, "x".repeat(64))).name).toBe("x".repeat(64));
  });
});

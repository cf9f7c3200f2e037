// The contract of OAuthAppStore: OAuth 2.0 client app records. It uses only the Store
// interface; ../README.md says how to run it.
import { create } from "@bufbuild/protobuf";
import { AlreadyExistsError, NotFoundError } from "@plugwire/errors";
import { OAuthAppSchema } from "@plugwire/protocol";
import { describe, expect } from "vitest";
import type { Store } from "../store.js";
import { type OpenStore, page, START, storeTest } from "./store-test.js";

const newApp = (store: Store, name: string, creatorId = "u1") =>
  store.createOAuthApp(
    create(OAuthAppSchema, {
      name,
      creatorId,
      clientSecret: `secret-of-${name}`,
      callbackUrls: ["https://app.example.com/callback", "http://localhost:8080/cb"],
      homepage: "https://app.example.com",
    }),
  );

export function oauthAppStoreContract(open: OpenStore): void {
  const it = storeTest(open);

  describe("OAuth apps", () => {
    it("stores an app with every field and reads it back by id", async ({ store }) => {
      const app = await store.createOAuthApp(
        create(OAuthAppSchema, {
          creatorId: "u1",
          clientSecret: "s3cret",
          name: "Ticketing",
          description: "Links tickets",
          iconUrl: "https://app.example.com/icon.png",
          callbackUrls: ["https://app.example.com/cb"],
          homepage: "https://app.example.com",
          isTrusted: true,
          mattermostAppId: "ticketing",
        }),
      );
      expect(app.id).toHaveLength(26);
      expect(app).toMatchObject({ createAt: BigInt(START), updateAt: BigInt(START) });
      expect(await store.getOAuthApp(app.id)).toEqual(app);
      await expect(store.createOAuthApp(app)).rejects.toBeInstanceOf(AlreadyExistsError);
      await expect(store.getOAuthApp("a404")).rejects.toMatchObject({
        id: "app.oauth.get_app.find.app_error",
      });
    });

    it("pages every app, or one creator's, oldest first", async ({ store, clock }) => {
      const a = await newApp(store, "a", "u1");
      clock.time += 1;
      const b = await newApp(store, "b", "u2");
      clock.time += 1;
      const c = await newApp(store, "c", "u1");
      const ids = (list: { id: string }[]) => list.map((app) => app.id);
      expect(ids(await store.getOAuthApps(page()))).toEqual([a.id, b.id, c.id]);
      expect(ids(await store.getOAuthApps(page(2, 1)))).toEqual([c.id]);
      expect(ids(await store.getOAuthApps(page(), "u1"))).toEqual([a.id, c.id]);
      expect(ids(await store.getOAuthApps(page(1, 1), "u1"))).toEqual([c.id]);
      expect(await store.getOAuthApps(page(), "nobody")).toEqual([]);
    });

    it("updates an app, keeping its creator and creation time", async ({ store, clock }) => {
      const app = await newApp(store, "ticketing");
      clock.time += 5;
      const updated = await store.updateOAuthApp(
        create(OAuthAppSchema, {
          ...app,
          creatorId: "someone-else",
          createAt: 1n,
          name: "Ticketing 2",
          callbackUrls: ["https://other.example.com/cb"],
          clientSecret: "rotated",
        }),
      );
      expect(updated).toMatchObject({
        creatorId: "u1",
        createAt: BigInt(START),
        updateAt: BigInt(START + 5),
        name: "Ticketing 2",
        callbackUrls: ["https://other.example.com/cb"],
        clientSecret: "rotated",
      });
      expect(await store.getOAuthApp(app.id)).toEqual(updated);
      await expect(
        store.updateOAuthApp(create(OAuthAppSchema, { ...app, id: "a404" })),
      ).rejects.toBeInstanceOf(NotFoundError);
    });

    it("deletes an app", async ({ store }) => {
      const app = await newApp(store, "gone");
      const kept = await newApp(store, "kept");
      await store.deleteOAuthApp(app.id);
      await expect(store.getOAuthApp(app.id)).rejects.toBeInstanceOf(NotFoundError);
      await expect(store.deleteOAuthApp(app.id)).rejects.toBeInstanceOf(NotFoundError);
      expect((await store.getOAuthApps(page())).map((a) => a.id)).toEqual([kept.id]);
    });
  });
}

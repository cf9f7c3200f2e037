// The contract of StatusStore: users' saved statuses.
// It uses only the Store interface; ../README.md says how to run it.
import { create } from "@bufbuild/protobuf";
import { StatusSchema } from "@plugwire/protocol";
import { describe, expect } from "vitest";
import { type OpenStore, storeTest } from "./store-test.js";

export function statusStoreContract(open: OpenStore): void {
  const it = storeTest(open);

  describe("statuses", () => {
    it("saves and replaces a user's status, and reads several at once", async ({ store }) => {
      const dnd = create(StatusSchema, {
        userId: "u1",
        status: "dnd",
        manual: true,
        lastActivityAt: 5n,
        dndEndTime: 1_700_000_000n,
        prevStatus: "online",
      });
      await store.saveStatus(create(StatusSchema, { userId: "u1", status: "online" }));
      await store.saveStatus(dnd);
      await store.saveStatus(create(StatusSchema, { userId: "u2", status: "away" }));
      const found = await store.getStatuses(["u1", "u2", "u3"]);
      expect(found.sort((a, b) => a.userId.localeCompare(b.userId))).toEqual([
        dnd,
        create(StatusSchema, { userId: "u2", status: "away" }),
      ]);
      expect(await store.getStatuses([])).toEqual([]);
    });
  });
}

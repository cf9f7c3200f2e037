// The contract of FileInfoStore: lists of file records with Mattermost's filters and orders,
// and the searchable content of a file. It uses only the Store interface; ../README.md says
// how to run it.
import { create } from "@bufbuild/protobuf";
import { NotFoundError } from "@plugwire/errors";
import { FileInfoSchema } from "@plugwire/protocol";
import { describe, expect } from "vitest";
import type { FileInfoQuery } from "../file-info-store.js";
import type { Store } from "../store.js";
import { type OpenStore, START, storeTest } from "./store-test.js";

const query = (init: Partial<FileInfoQuery> = {}): FileInfoQuery => ({
  page: 0,
  perPage: 60,
  userIds: [],
  channelIds: [],
  since: 0n,
  includeDeleted: false,
  sortBy: "create_at",
  sortDescending: false,
  ...init,
});

export function fileInfoStoreContract(open: OpenStore): void {
  const it = storeTest(open);

  // Four files a millisecond apart: a (u1, c1, 30 B), b (u2, c1, 10 B), c (u1, c2, 20 B, deleted), d (u2, c2, 40 B).
  async function seed(store: Store): Promise<void> {
    const files = [
      { id: "a", creatorId: "u1", channelId: "c1", size: 30n, createAt: BigInt(START) },
      { id: "b", creatorId: "u2", channelId: "c1", size: 10n, createAt: BigInt(START + 1) },
      { id: "c", creatorId: "u1", channelId: "c2", size: 20n, createAt: BigInt(START + 2) },
      { id: "d", creatorId: "u2", channelId: "c2", size: 40n, createAt: BigInt(START + 3) },
    ];
    for (const file of files) {
      await store.saveFileInfo(
        create(FileInfoSchema, {
          ...file,
          path: file.id,
          name: `${file.id}.txt`,
          deleteAt: file.id === "c" ? BigInt(START + 9) : 0n,
        }),
      );
    }
  }
  const ids = async (store: Store, init: Partial<FileInfoQuery>) =>
    (await store.getFileInfos(query(init))).map((info) => info.id);

  describe("file infos", () => {
    it("list files oldest first, without deleted ones unless asked, filtered by users, channels and time", async ({
      store,
    }) => {
      await seed(store);
      expect(await ids(store, {})).toEqual(["a", "b", "d"]);
      expect(await ids(store, { includeDeleted: true })).toEqual(["a", "b", "c", "d"]);
      expect(await ids(store, { userIds: ["u1"], includeDeleted: true })).toEqual(["a", "c"]);
      expect(await ids(store, { channelIds: ["c2", "c9"] })).toEqual(["d"]);
      expect(await ids(store, { since: BigInt(START + 1), userIds: ["u2"] })).toEqual(["b", "d"]);
      expect(await ids(store, { since: BigInt(START + 2) })).toEqual(["d"]);
    });

    it("sort by size or creation, either way, and page", async ({ store }) => {
      await seed(store);
      expect(await ids(store, { sortBy: "size", includeDeleted: true })).toEqual([
        "b",
        "c",
        "a",
        "d",
      ]);
      expect(await ids(store, { sortBy: "size", sortDescending: true })).toEqual(["d", "a", "b"]);
      expect(await ids(store, { sortDescending: true, perPage: 2 })).toEqual(["d", "b"]);
      expect(await ids(store, { sortDescending: true, perPage: 2, page: 1 })).toEqual(["a"]);
    });

    it("keep the path they are given", async ({ store }) => {
      await seed(store);
      expect((await store.getFileInfo("a")).path).toBe("a");
    });

    it("take searchable content for an existing file only", async ({ store }) => {
      await seed(store);
      await store.setFileSearchableContent("a", "quarterly numbers");
      await expect(store.setFileSearchableContent("zz", "x")).rejects.toBeInstanceOf(NotFoundError);
      // The content is not part of the record.
      expect((await store.getFileInfo("a")).name).toBe("a.txt");
    });
  });
}

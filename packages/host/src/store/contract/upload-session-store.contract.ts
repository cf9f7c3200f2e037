// The contract of UploadSessionStore: resumable uploads, whose offset only moves from the value
// its writer read. It uses only the Store interface; ../README.md says how to run it.
import { create } from "@bufbuild/protobuf";
import { AlreadyExistsError, NotFoundError } from "@plugwire/errors";
import { UploadSessionSchema } from "@plugwire/protocol";
import { describe, expect } from "vitest";
import { expectEqualMessages, type OpenStore, START, storeTest } from "./store-test.js";

const session = (id: string, userId = "u1", createAt = BigInt(START)) =>
  create(UploadSessionSchema, {
    id,
    type: "attachment",
    createAt,
    userId,
    channelId: "c1",
    filename: "big.bin",
    path: `p${id}`,
    fileSize: 100n,
  });

export function uploadSessionStoreContract(open: OpenStore): void {
  const it = storeTest(open);

  describe("upload sessions", () => {
    it("keep every field, refuse a taken id, and are gone once deleted", async ({ store }) => {
      const saved = await store.saveUploadSession(session("s1"));
      expectEqualMessages(UploadSessionSchema, await store.getUploadSession("s1"), saved);
      await expect(store.saveUploadSession(session("s1"))).rejects.toBeInstanceOf(
        AlreadyExistsError,
      );
      const stamped = await store.saveUploadSession(session("s2", "u1", 0n));
      expect(stamped.createAt).toBe(BigInt(START));
      await store.deleteUploadSession("s1");
      await expect(store.getUploadSession("s1")).rejects.toMatchObject({
        constructor: NotFoundError,
        id: "store.upload_session.not_found",
      });
    });

    it("advance the offset only from the value expected, once when two race", async ({ store }) => {
      await store.saveUploadSession(session("s1"));
      const raced = await Promise.all([
        store.advanceUploadSession("s1", 0n, 40n),
        store.advanceUploadSession("s1", 0n, 60n),
      ]);
      expect(raced.filter(Boolean)).toHaveLength(1);
      const offset = (await store.getUploadSession("s1")).fileOffset;
      expect([40n, 60n]).toContain(offset);
      expect(await store.advanceUploadSession("s1", offset, 100n)).toBe(true);
      expect(await store.advanceUploadSession("gone", 0n, 1n)).toBe(false);
    });

    it("list a user's sessions oldest first", async ({ store }) => {
      await store.saveUploadSession(session("s2", "u1", BigInt(START + 5)));
      await store.saveUploadSession(session("s1", "u1"));
      await store.saveUploadSession(session("s3", "u2"));
      expect((await store.getUploadSessionsForUser("u1")).map((s) => s.id)).toEqual(["s1", "s2"]);
      expect(await store.getUploadSessionsForUser("u9")).toEqual([]);
    });
  });
}

// The contract of AuditStore: the audit log.
// It uses only the Store interface; ../README.md says how to run it.
import { create } from "@bufbuild/protobuf";
import { AuditSchema } from "@plugwire/protocol";
import { describe, expect } from "vitest";
import { type OpenStore, page, START, storeTest } from "./store-test.js";

export function auditStoreContract(open: OpenStore): void {
  const it = storeTest(open);

  describe("audits", () => {
    it("are kept with an id and time, and read newest first", async ({ store, clock }) => {
      const first = await store.saveAudit(
        create(AuditSchema, { userId: "u1", action: "createBot", extraInfo: '{"a":1}' }),
      );
      expect(first.id).not.toBe("");
      expect(first.createAt).toBe(BigInt(START));
      clock.time = START + 1;
      await store.saveAudit(create(AuditSchema, { userId: "u2", action: "login" }));
      clock.time = START + 2;
      await store.saveAudit(create(AuditSchema, { userId: "u1", action: "logout" }));
      expect((await store.getAudits(page())).map((a) => a.action)).toEqual([
        "logout",
        "login",
        "createBot",
      ]);
      expect((await store.getAudits({ ...page(1, 1), userId: "u1" }))[0]).toEqual(first);
    });
  });
}

// A call's status written as header fields reads back as the same error: code, message,
// details (whether they were given as messages or as bytes) and metadata.
import { create, toBinary } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import { describe, expect, it } from "vitest";
import { ErrorDetailSchema } from "../index.js";
import { statusError, statusFields } from "./grpc-status.js";

describe("statusFields and statusError", () => {
  it("say OK with grpc-status 0, which reads as no error", () => {
    const fields = statusFields(undefined);
    expect([...fields]).toEqual([["grpc-status", "0"]]);
    expect(statusError(fields)).toBeUndefined();
  });

  it("carry code, message, metadata and details, as messages or as bytes", () => {
    const detail = { id: "store.user.not_found", statusCode: 404 };
    const bytes = toBinary(ErrorDetailSchema, create(ErrorDetailSchema, detail));
    const error = new ConnectError("no user ü 100%", Code.NotFound, { "x-retry": "5" }, [
      { desc: ErrorDetailSchema, value: detail },
    ]);
    error.details.push({ type: ErrorDetailSchema.typeName, value: bytes });
    const fields = statusFields(error);
    expect(fields.get("grpc-message")).toBe("no%20user%20%C3%BC%20100%25");
    const read = statusError(fields);
    expect(read?.code).toBe(Code.NotFound);
    expect(read?.rawMessage).toBe("no user ü 100%");
    expect(read?.metadata.get("x-retry")).toBe("5");
    expect(read?.findDetails(ErrorDetailSchema)).toMatchObject([detail, detail]);
  });

  it("read a status without details from grpc-status and grpc-message alone", () => {
    const read = statusError(new Headers({ "grpc-status": "14", "grpc-message": "gone" }));
    expect([read?.code, read?.rawMessage]).toEqual([Code.Unavailable, "gone"]);
  });

  it("read an unknown code as Internal, and malformed details as DataLoss", () => {
    expect(statusError(new Headers({ "grpc-status": "99" }))?.rawMessage).toBe(
      "invalid grpc-status: 99",
    );
    expect(() => statusError(new Headers({ "grpc-status-details-bin": "CP8" }))).toThrow(
      expect.objectContaining({ code: Code.DataLoss }),
    );
  });
});

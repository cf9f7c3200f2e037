// keepEncoding: a message sent many times (one hook request to many plugins) is encoded once.
import { create, toBinary } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import {
  MessageHasBeenPostedRequestSchema,
  MessageWillBePostedRequestSchema,
  PostSchema,
} from "../index.js";
import { encodeMessage, keepEncoding } from "./message-codec.js";

const bytes = (value: Uint8Array) => [...value];

describe("keepEncoding", () => {
  it("makes the bytes once: every later encoding of the same object answers them", () => {
    const post = create(PostSchema, { id: "p1", message: "hello" });
    const request = { post };
    keepEncoding(MessageHasBeenPostedRequestSchema, request);
    const first = encodeMessage(MessageHasBeenPostedRequestSchema, request);
    expect(encodeMessage(MessageHasBeenPostedRequestSchema, request)).toBe(first);
    expect(bytes(first)).toEqual(
      bytes(
        toBinary(
          MessageHasBeenPostedRequestSchema,
          create(MessageHasBeenPostedRequestSchema, request),
        ),
      ),
    );
    // A change after keepEncoding is not sent: the caller promised none.
    post.message = "changed";
    expect(encodeMessage(MessageHasBeenPostedRequestSchema, request)).toBe(first);
  });

  it("leaves other objects, and the same object as another type, to be encoded as always", () => {
    const request = { post: create(PostSchema, { id: "p2", message: "one" }) };
    keepEncoding(MessageHasBeenPostedRequestSchema, request);
    const other = { post: create(PostSchema, { id: "p2", message: "two" }) };
    expect(bytes(encodeMessage(MessageHasBeenPostedRequestSchema, other))).toEqual(
      bytes(
        toBinary(
          MessageHasBeenPostedRequestSchema,
          create(MessageHasBeenPostedRequestSchema, other),
        ),
      ),
    );
    request.post.message = "three";
    expect(bytes(encodeMessage(MessageWillBePostedRequestSchema, request))).toEqual(
      bytes(
        toBinary(
          MessageWillBePostedRequestSchema,
          create(MessageWillBePostedRequestSchema, request),
        ),
      ),
    );
  });
});

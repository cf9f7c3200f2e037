// Plain models: what a plugin reads is numbers and JSON, never bigint.
import { create } from "@bufbuild/protobuf";
import {
  GetFileResponseSchema,
  GetPostThreadResponseSchema,
  modelToJson,
  PostListSchema,
  PostSchema,
  UserSchema,
} from "@plugwire/protocol";
import { describe, expect, it } from "vitest";
import { hasPlainConversion, plain, protocolMessage } from "./plain.js";

const createAt = 1_767_225_600_123;

describe("plain", () => {
  it("turns 64-bit fields into numbers, in nested models and lists too", () => {
    const list = create(PostListSchema, {
      order: ["p1"],
      posts: { p1: { id: "p1", createAt: BigInt(createAt), message: "hi" } },
    });
    const answer = plain(
      GetPostThreadResponseSchema,
      create(GetPostThreadResponseSchema, { postList: list }),
    );
    const post = answer.postList?.posts.p1;
    expect(post?.createAt).toBe(createAt);
    expect(typeof post?.updateAt).toBe("number");
    expect(new Date(post?.createAt ?? 0).toISOString()).toBe("2026-01-01T00:00:00.123Z");
  });

  it("gives models Mattermost's v4 JSON, for JSON.stringify and Response.json", async () => {
    const post = plain(
      PostSchema,
      create(PostSchema, { id: "p1", userId: "u1", createAt: BigInt(createAt), props: { a: 1 } }),
    );
    const json = JSON.parse(JSON.stringify(post));
    expect(json).toMatchObject({ id: "p1", user_id: "u1", create_at: createAt, props: { a: 1 } });
    expect(json).toEqual(modelToJson(PostSchema, post as never));
    expect(await Response.json({ post }).json()).toEqual({ post: json });
    // toJSON is not a field: spreading and key listing see only the model's fields.
    expect(Object.keys(post)).not.toContain("toJSON");
  });

  it("gives the models of a type one inherited toJSON, and leaves a plain model as it is", () => {
    const first = plain(PostSchema, create(PostSchema, { id: "p1", createAt: BigInt(createAt) }));
    const second = plain(PostSchema, create(PostSchema, { id: "p2" }));
    expect(Object.hasOwn(first, "toJSON")).toBe(false);
    expect((first as { toJSON?: unknown }).toJSON).toBe((second as { toJSON?: unknown }).toJSON);
    expect(plain(PostSchema, first as never)).toBe(first);
    expect(first.createAt).toBe(createAt);
    expect(JSON.parse(JSON.stringify(first))).toMatchObject({ id: "p1", create_at: createAt });
  });

  it("reaches a model inside a oneof", () => {
    const frame = plain(
      GetFileResponseSchema,
      create(GetFileResponseSchema, {
        frame: { case: "fileInfo", value: { id: "f1", size: 12n, createAt: 5n } },
      }),
    );
    expect(frame.frame.case === "fileInfo" && frame.frame.value.size).toBe(12);
    expect(JSON.parse(JSON.stringify(frame.frame.value))).toMatchObject({ id: "f1", size: 12 });
  });

  it("knows which messages need it", () => {
    expect(hasPlainConversion(UserSchema)).toBe(true);
    expect(hasPlainConversion(GetPostThreadResponseSchema)).toBe(true);
  });

  it("goes back to the protocol's bigint with protocolMessage, leaving the model as it was", () => {
    const model = plain(PostSchema, create(PostSchema, { id: "p1", createAt: BigInt(createAt) }));
    const message = protocolMessage(PostSchema, model);
    expect(message.createAt).toBe(BigInt(createAt));
    expect(model.createAt).toBe(createAt);
    expect(protocolMessage(PostSchema, { id: "p2", editAt: 7 }).editAt).toBe(7n);
  });
});

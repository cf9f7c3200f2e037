import { create } from "@bufbuild/protobuf";
import { CommandResponseSchema, FileInfoSchema, PostSchema, UserSchema } from "@plugwire/protocol";
import { describe, expect, it } from "vitest";
import { modelFromJson, modelToJson } from "./model-json.js";

describe("modelToJson", () => {
  it("writes every field under its snake_case name, 64-bit integers as numbers", () => {
    const post = create(PostSchema, {
      id: "p1",
      createAt: 1_700_000_000_123n,
      channelId: "c1",
      message: "hi",
      fileIds: ["f1"],
      props: { color: "blue", nested: { n: 1 } },
    });
    const json = modelToJson(PostSchema, post);
    expect(json).toMatchObject({
      id: "p1",
      create_at: 1_700_000_000_123,
      update_at: 0,
      channel_id: "c1",
      message: "hi",
      file_ids: ["f1"],
      props: { color: "blue", nested: { n: 1 } },
      is_pinned: false,
    });
    expect(Object.keys(json)).toHaveLength(PostSchema.fields.length);
  });

  it("writes unset props and metadata as empty objects, maps as objects", () => {
    expect(modelToJson(PostSchema, create(PostSchema))).toMatchObject({ props: {}, metadata: {} });
    const user = create(UserSchema, { notifyProps: { email: "true" } });
    expect(modelToJson(UserSchema, user)).toMatchObject({
      notify_props: { email: "true" },
      timezone: {},
    });
  });

  it("uses v4's names where they differ from the proto's: a file's creator is user_id", () => {
    const json = modelToJson(FileInfoSchema, create(FileInfoSchema, { creatorId: "u1", size: 5n }));
    expect(json).toMatchObject({ user_id: "u1", size: 5 });
    expect(json).not.toHaveProperty("creator_id");
  });

  it("writes nested models the same way", () => {
    const response = create(CommandResponseSchema, {
      responseType: "in_channel",
      extraResponses: [{ responseType: "ephemeral", text: "more" }],
    });
    expect(modelToJson(CommandResponseSchema, response).extra_responses).toEqual([
      expect.objectContaining({ response_type: "ephemeral", text: "more", props: {} }),
    ]);
  });
});

describe("modelFromJson", () => {
  it("takes the settable fields, reporting which were given", () => {
    const { value, given } = modelFromJson(
      PostSchema,
      { message: "hi", props: { a: 1 }, is_pinned: true, file_ids: ["f"] },
      ["message", "props", "is_pinned", "file_ids"],
    );
    expect(value).toMatchObject({ message: "hi", props: { a: 1 }, isPinned: true, fileIds: ["f"] });
    expect([...given].sort()).toEqual(["file_ids", "is_pinned", "message", "props"]);
  });

  it("reads 64-bit integers from JSON numbers", () => {
    const { value } = modelFromJson(PostSchema, { create_at: 1_700_000_000_123 }, ["create_at"]);
    expect(value.createAt).toBe(1_700_000_000_123n);
  });

  it("ignores model fields the server assigns, v4 fields Plugwire does not keep, and nulls", () => {
    const { value, given } = modelFromJson(
      PostSchema,
      { id: "client-id", user_id: "u", participants: [], message: null },
      ["message"],
    );
    expect(value).toMatchObject({ id: "", userId: "", message: "" });
    expect(given.size).toBe(0);
  });

  it("ignores fields the model does not have, as Mattermost does, and names them to the caller", () => {
    const ignored: string[] = [];
    const { value, given } = modelFromJson(
      PostSchema,
      { message: "hi", mesage: "typo", deviceId: "d" },
      ["message"],
      (name) => ignored.push(name),
    );
    expect(value.message).toBe("hi");
    expect([...given]).toEqual(["message"]);
    expect(ignored).toEqual(["mesage", "deviceId"]);
  });

  it("refuses wrong types, naming the field", () => {
    const cases: [unknown, string][] = [
      [{ message: 1 }, "message"],
      [{ is_pinned: "true" }, "is_pinned"],
      [{ props: [] }, "props"],
      [{ file_ids: "f1" }, "file_ids"],
      [{ create_at: 1.5 }, "create_at"],
      [{ create_at: "1700000000000" }, "create_at"],
      ["a string", "body"],
      [null, "body"],
    ];
    for (const [body, field] of cases) {
      expect(() =>
        modelFromJson(PostSchema, body, ["message", "is_pinned", "props", "file_ids", "create_at"]),
      ).toThrow(expect.objectContaining({ statusCode: 400, params: { field } }));
    }
  });

  it("names the key of a map value of the wrong type", () => {
    expect(() => modelFromJson(UserSchema, { props: { ok: "x", bad: 2 } }, ["props"])).toThrow(
      expect.objectContaining({ params: { field: "props.bad" } }),
    );
  });

  it("reads v4's names back: a file's user_id is its creator", () => {
    expect(modelFromJson(FileInfoSchema, { user_id: "u1" }, ["user_id"]).value.creatorId).toBe(
      "u1",
    );
  });
});

import { equals } from "@bufbuild/protobuf";
import { PluginClusterEventSchema, PostSchema, UserSchema } from "@plugwire/protocol";
import { describe, expect, it } from "vitest";
import { rowCodec } from "./row-codec.js";
import { filledMessage } from "./test-fixtures/filled-message.js";

describe("rowCodec", () => {
  it("names one column per field, as the field is named in the .proto file", () => {
    const codec = rowCodec(UserSchema);
    expect(codec.columns).toEqual(UserSchema.fields.map((field) => field.name));
    expect(codec.columns).toContain("last_picture_update");
  });

  it("turns a message into a row and back without losing anything", () => {
    const codec = rowCodec(PostSchema);
    const post = filledMessage(PostSchema);
    expect(equals(PostSchema, codec.fromRow(codec.toRow(post)), post)).toBe(true);
  });

  it("keeps an unset Struct unset rather than turning it into an empty object", () => {
    const codec = rowCodec(PostSchema);
    const row = codec.toRow(filledMessage(PostSchema, 2));
    row.props = null;
    expect(codec.fromRow(row).props).toBeUndefined();
  });

  it("refuses a message with a field type it does not know how to store", () => {
    expect(() => rowCodec(PluginClusterEventSchema)).toThrow(
      /plugwire\.v1\.PluginClusterEvent\.data .*teach row-codec\.ts/,
    );
  });
});

// checkPluginSettings: a plugin's settings against its manifest's settings_schema, in
// Mattermost's format; the error names the key and says what it takes.
import type { JsonObject } from "@bufbuild/protobuf";
import { ValidationError } from "@plugwire/errors";
import { describe, expect, it } from "vitest";
import { checkPluginSettings, settingsWithDefaults } from "./plugin-settings.js";

const schema: JsonObject = {
  header: "Settings of the example",
  settings: [
    { key: "Enabled", type: "bool", default: true },
    { key: "Greeting", type: "text", default: "Hello" },
    { key: "Notes", type: "longtext" },
    { key: "Limit", type: "number", default: 10 },
    {
      key: "Mode",
      type: "dropdown",
      default: "fast",
      options: [
        { display_name: "Fast", value: "fast" },
        { display_name: "Thorough", value: "thorough" },
      ],
    },
    { key: "Color", type: "radio", options: [{ display_name: "Red", value: "red" }] },
    { key: "Anything", type: "custom" },
  ],
};

function check(config: JsonObject): JsonObject {
  return checkPluginSettings("com.example", schema, config);
}

function refusal(config: JsonObject): ValidationError {
  try {
    check(config);
  } catch (error) {
    if (error instanceof ValidationError) return error;
    throw error;
  }
  throw new Error("the settings were accepted");
}

describe("checkPluginSettings", () => {
  it("accepts a value of each type and fills in the defaults of the settings left out", () => {
    expect(check({ Greeting: "Hi", Limit: 3.5, Color: "red", Anything: { nested: [1] } })).toEqual({
      Enabled: true,
      Greeting: "Hi",
      Limit: 3.5,
      Mode: "fast",
      Color: "red",
      Anything: { nested: [1] },
    });
  });

  it.each([
    [{ Enabled: "yes" }, "Enabled", 'must be true or false (got "yes")'],
    [{ Greeting: 42 }, "Greeting", "must be a string (got 42)"],
    [{ Notes: ["a"] }, "Notes", "must be a string (got a list)"],
    [{ Limit: "10" }, "Limit", 'must be a number (got "10")'],
    [{ Mode: "slow" }, "Mode", 'must be one of "fast", "thorough" (got "slow")'],
    [{ Color: null }, "Color", 'must be one of "red" (got null)'],
  ])("refuses %j, naming %s", (config, key, problem) => {
    const error = refusal(config as JsonObject);
    expect(error.params).toEqual({ field: key, plugin_id: "com.example" });
    expect(error.statusCode).toBe(400);
    expect(error.message).toBe(`Plugin com.example: setting "${key}" ${problem}.`);
  });

  it("refuses a key the schema does not list, guessing the one meant", () => {
    const error = refusal({ greting: "Hi" });
    expect(error.params.field).toBe("greting");
    expect(error.message).toContain(
      'setting "greting" is not a setting of this plugin; did you mean "Greeting"',
    );
  });

  it("accepts any object when the manifest has no settings list", () => {
    expect(checkPluginSettings("com.example", undefined, { any: [1, "two"] })).toEqual({
      any: [1, "two"],
    });
    expect(checkPluginSettings("com.example", { header: "no list" }, { any: 1 })).toEqual({
      any: 1,
    });
  });
});

describe("the settings of a schema's sections", () => {
  const sectioned: JsonObject = {
    settings: [{ key: "Greeting", type: "text", default: "Hello" }],
    sections: [
      { key: "Advanced", settings: [{ key: "Retries", type: "number", default: 3 }] },
      { key: "Custom", custom: true },
    ],
  };

  it("are checked and defaulted like those at the top", () => {
    expect(checkPluginSettings("com.example", sectioned, { Retries: 5 })).toEqual({
      Greeting: "Hello",
      Retries: 5,
    });
    expect(() => checkPluginSettings("com.example", sectioned, { Retries: "5" })).toThrow(
      'setting "Retries" must be a number (got "5")',
    );
    expect(settingsWithDefaults(sectioned, {})).toEqual({ Greeting: "Hello", Retries: 3 });
  });

  it("are the whole list when only sections have settings", () => {
    const onlySections: JsonObject = {
      sections: [{ key: "A", settings: [{ key: "On", type: "bool" }] }],
    };

    expect(() => checkPluginSettings("com.example", onlySections, { Off: true })).toThrow(
      'setting "Off" is not a setting of this plugin',
    );
  });
});

describe("settingsWithDefaults", () => {
  it("lays what was saved over the schema's defaults", () => {
    expect(settingsWithDefaults(schema, { Limit: 5 })).toEqual({
      Enabled: true,
      Greeting: "Hello",
      Limit: 5,
      Mode: "fast",
    });
  });
});

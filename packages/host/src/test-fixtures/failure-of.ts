// The error a call failed with, for specs that check its class, id and params.
import { PluginAPIError } from "@plugwire/errors";
import { expect } from "vitest";

/** The PluginAPIError `call` rejects with; fails the spec when it resolves or throws another error. */
export async function failureOf(call: Promise<unknown>): Promise<PluginAPIError> {
  try {
    await call;
  } catch (error) {
    expect(error).toBeInstanceOf(PluginAPIError);
    return error as PluginAPIError;
  }
  throw new Error("the call did not fail");
}

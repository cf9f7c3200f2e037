// The context a hook call carries, as a test gives it: any subset of its fields, the rest
// filled in the way the host fills them for a request it did not get one from.
import { randomUUID } from "node:crypto";
import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { type PluginContext, PluginContextSchema } from "@plugwire/protocol";

/** Who caused a hook call; fields left out are "", and requestId is a fresh id. */
export type HookContextInit = MessageInitShape<typeof PluginContextSchema>;

/** The context of a call: a fresh request id unless the test gives one. */
export function hookContext(init: HookContextInit = {}): PluginContext {
  return create(PluginContextSchema, { requestId: randomUUID(), ...init });
}

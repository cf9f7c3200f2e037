// The MessageHasBeenPosted request the latency figures send, as the app layer sends it: the
// stored Post and the request's context are messages.
import { create } from "@bufbuild/protobuf";
import { PluginContextSchema, PostSchema } from "@plugwire/protocol";

export function hasBeenPostedRequest() {
  return {
    post: create(PostSchema, {
      id: "p0000000000000000000000000",
      channelId: "c0000000000000000000000000",
      userId: "u0000000000000000000000000",
      message: "Hello, world!",
      createAt: BigInt(Date.now()),
    }),
    context: create(PluginContextSchema, {
      requestId: "r0000000000000000000000000",
      userAgent: "bench",
    }),
  };
}

// A plugin that does everything right: it logs structured and plain lines (and the configuration
// OnActivate brought), answers MessageWillBePosted, sleeps through MessageHasBeenPosted, refuses
// UserWillLogIn with a PermissionDeniedError, echoes ServeHTTP, and serves UserHasBeenCreated
// without naming it.
import { setTimeout as sleep } from "node:timers/promises";
import { PermissionDeniedError } from "@plugwire/errors";
import { MAX_CHUNK_BYTES } from "@plugwire/protocol";
import { log, servePlugin } from "./fixture-plugin.mjs";

log("debug", "environment", { env: process.env });
process.stderr.write("a plain line on stderr\n");

await servePlugin({
  hooks: {
    onActivate({ config }) {
      log("info", "activated", { answer: 42 });
      log("info", "activation config", { config: config ?? null });
      process.stdout.write("a plain line on stdout\n");
      return {};
    },
    onDeactivate() {
      log("info", "deactivated");
      return {};
    },
    messageWillBePosted({ post }) {
      const modified = { ...post, message: post.message.toUpperCase() };
      return { decision: { outcome: { case: "modify", value: modified } } };
    },
    async messageHasBeenPosted() {
      await sleep(10_000);
      return {};
    },
    userWillLogIn() {
      throw new PermissionDeniedError({ id: "fixture.login.closed", message: "logins are closed" });
    },
    async *serveHTTP(requests) {
      let head;
      const chunks = [];
      let largest = 0;
      for await (const { frame } of requests) {
        if (frame.case === "head") {
          head = frame.value;
        } else if (frame.value.data.length > 0) {
          chunks.push(frame.value.data);
          largest = Math.max(largest, frame.value.data.length);
        }
      }
      const body = Buffer.concat(chunks);
      const headers = [
        { name: "x-request", value: `${head.method} ${head.url}` },
        { name: "x-body-frames", value: String(chunks.length) },
        { name: "x-largest-frame", value: String(largest) },
      ];
      yield { frame: { case: "head", value: { status: 201, headers } } };
      for (let offset = 0; offset < body.length; offset += MAX_CHUNK_BYTES) {
        const data = body.subarray(offset, offset + MAX_CHUNK_BYTES);
        yield { frame: { case: "body", value: { data } } };
      }
      yield { frame: { case: "body", value: { end: true } } };
    },
  },
  unlisted: {
    userHasBeenCreated() {
      log("error", "UserHasBeenCreated was dispatched");
      return {};
    },
  },
});

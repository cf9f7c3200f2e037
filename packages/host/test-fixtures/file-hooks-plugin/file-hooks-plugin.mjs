// The host's FileWillBeUploaded and MessagesWillBeConsumed tests' plugin, run as a real process:
// - an upload named *.exe is rejected ("no executables here");
// - an upload named flip-*.bin is replaced, streamed: each byte XOR 0xff, written chunk by
//   chunk as it is read, and renamed *.flipped.bin; it records in its KV store, under "flip",
//   how many bytes it had read when it wrote its first chunk, and how many in all;
// - any other upload is let through as it is;
// - in posts on their way to a client, "secret" becomes "******".
import { allow, definePlugin, modifyFile, reject, runPlugin } from "@plugwire/sdk";

runPlugin(
  definePlugin({
    async FileWillBeUploaded(_ctx, info, file, output) {
      if (info.name.endsWith(".exe")) return reject("no executables here");
      if (!(info.name.startsWith("flip-") && info.name.endsWith(".bin"))) return allow();
      let read = 0;
      let readAtFirstWrite = -1;
      for await (const chunk of file) {
        read += chunk.byteLength;
        if (readAtFirstWrite < 0) readAtFirstWrite = read;
        await output.write(chunk.map((byte) => byte ^ 0xff));
      }
      await this.api.kvSetJSON("flip", { readAtFirstWrite, read });
      return modifyFile({ ...info, name: info.name.replace(/\.bin$/, ".flipped.bin") });
    },

    MessagesWillBeConsumed(_ctx, posts) {
      return posts
        .filter((post) => post.message.includes("secret"))
        .map((post) => ({ ...post, message: post.message.replaceAll("secret", "******") }));
    },
  }),
);

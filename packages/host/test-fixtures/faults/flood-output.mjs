// Floods stderr once OnConfigurationChange is called: 200 MiB as fast as the host reads it,
// mostly 1 KiB lines and now and then a 100 KiB one.
import { servePlugin } from "../supervisor/fixture-plugin.mjs";

const totalBytes = 200 * 1024 * 1024;
const shortLines = `${"f".repeat(1023)}\n`.repeat(63);
const chunk = Buffer.from(`${shortLines}${"L".repeat(100 * 1024)}\n`);

function flood() {
  let written = 0;
  const more = () => {
    while (written < totalBytes) {
      written += chunk.length;
      if (!process.stderr.write(chunk)) {
        process.stderr.once("drain", more);
        return;
      }
    }
  };
  more();
}

await servePlugin({
  hooks: {
    onConfigurationChange() {
      setImmediate(flood);
      return {};
    },
  },
});

// A hostile plugin: tries to read and write what targets.json (in its folder) names, prints one
// line per attempt to stderr ("probe <label> read", "probe <label> denied <code>"), then exits
// without a handshake. Plain Node, no imports from outside its folder: it runs copied there.
import { readFileSync, writeFileSync } from "node:fs";

const { reads = {}, writes = {} } = JSON.parse(readFileSync("targets.json", "utf8"));
for (const [label, path] of Object.entries(reads)) {
  try {
    readFileSync(path);
    process.stderr.write(`probe ${label} read\n`);
  } catch (error) {
    process.stderr.write(`probe ${label} denied ${error.code}\n`);
  }
}
for (const [label, path] of Object.entries(writes)) {
  try {
    writeFileSync(path, "written by the probe");
    process.stderr.write(`probe ${label} written\n`);
  } catch (error) {
    process.stderr.write(`probe ${label} denied ${error.code}\n`);
  }
}

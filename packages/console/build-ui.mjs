// Bundles the page (src/ui/main.ts and what it imports) into dist/assets/console.js with
// esbuild, and copies index.html and console.css beside it: the files the host serves.
import { copyFile, mkdir } from "node:fs/promises";
import { join } from "node:path";
import { build } from "esbuild";

const root = import.meta.dirname;
const out = join(root, "dist", "assets");
await mkdir(out, { recursive: true });
await build({
  entryPoints: [join(root, "src", "ui", "main.ts")],
  bundle: true,
  format: "esm",
  target: "es2022",
  minify: true,
  sourcemap: "linked",
  outfile: join(out, "console.js"),
  logLevel: "warning",
});
for (const file of ["index.html", "console.css"]) {
  await copyFile(join(root, "src", "ui", file), join(out, file));
}

// Every relative link of the guide points at a file that exists and, when it names an anchor,
// at a heading of that file (anchors as GitHub makes them from headings).
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { markdownFiles } from "./snippets.js";

const docsDir = join(dirname(fileURLToPath(import.meta.url)), "..");

/** GitHub's anchor of a heading: lower case, punctuation but "-" and "_" dropped, spaces to "-". */
export function anchorOf(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, "")
    .replace(/\s/g, "-");
}

function anchorsOf(file: string): Set<string> {
  const text = readFileSync(file, "utf8").replace(/```[\s\S]*?```/g, "");
  return new Set([...text.matchAll(/^#{1,6} (.+)$/gm)].map((m) => anchorOf(m[1] ?? "")));
}

describe("the guide's links", () => {
  it("makes anchors as GitHub does", () => {
    expect(anchorOf("`settings_schema`")).toBe("settings_schema");
    expect(anchorOf("Light `Request` and `Response`")).toBe("light-request-and-response");
  });

  for (const markdown of markdownFiles(docsDir)) {
    it(`resolve in ${markdown}`, () => {
      const file = join(docsDir, markdown);
      const text = readFileSync(file, "utf8").replace(/```[\s\S]*?```/g, "");
      const broken: string[] = [];
      for (const [, target = ""] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^[a-z]+:/.test(target)) continue;
        const [path = "", anchor] = target.split("#");
        const linked = path === "" ? file : resolve(dirname(file), path);
        if (!existsSync(linked)) broken.push(`${target}: no such file`);
        else if (anchor !== undefined && linked.endsWith(".md") && !anchorsOf(linked).has(anchor)) {
          broken.push(`${target}: no heading with that anchor`);
        }
      }
      expect(broken).toEqual([]);
    });
  }
});

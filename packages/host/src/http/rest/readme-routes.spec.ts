// The README's REST tables list each route of the v4 areas Plugwire serves, marked served or not
// served. This spec keeps them true: every route the server registers is listed as served, and
// no row says served (or not served) against what the router holds. Path parameters compare by
// position, not by name.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { restRouter } from "./server.js";

const readme = readFileSync(new URL("../../../../../README.md", import.meta.url), "utf8");

/** "GET /users/{user_id}" → "GET /users/{}". */
const shape = (route: string) => route.replace(/\{[^}]*\}/g, "{}");

function readmeRows(): { route: string; status: string }[] {
  const section = readme.slice(readme.indexOf("## The REST API"), readme.indexOf("## Benchmarks"));
  return [...section.matchAll(/^\| `([A-Z]+ \/[^`]*)` \| (served|not served) \|/gm)].map((m) => ({
    route: m[1] ?? "",
    status: m[2] ?? "",
  }));
}

describe("README's REST route tables", () => {
  const registered = restRouter()
    .list()
    .map(({ method, template }) => shape(`${method} ${template.replace(/^\/api\/v4/, "")}`));
  const rows = readmeRows();

  it("registers each route once", () => {
    expect(registered.filter((route, i) => registered.indexOf(route) !== i)).toEqual([]);
  });

  it("lists every route the server registers as served", () => {
    const served = new Set(rows.filter((r) => r.status === "served").map((r) => shape(r.route)));
    expect(registered.filter((route) => !served.has(route))).toEqual([]);
  });

  it("marks served only the routes the server registers, and not served only the others", () => {
    const known = new Set(registered);
    const wrong = rows.filter((row) => known.has(shape(row.route)) !== (row.status === "served"));
    expect(wrong).toEqual([]);
    expect(rows.length).toBeGreaterThan(registered.length);
  });
});

// Server: the host's version, the database that keeps its data, and the cluster's nodes when
// the host serves GET /api/v4/cluster/status and there are several.
import { api } from "./api.js";
import { duration, h, pageHeading, replace } from "./dom.js";
import type { PageStop } from "./main.js";

const STORE_NAMES = { sqlite: "SQLite", postgresql: "PostgreSQL" } as const;

export function serverPage(main: HTMLElement): PageStop {
  const body = h("div", {}, h("p", {}, "Loading…"));
  replace(main, pageHeading("Server"), body);
  void (async () => {
    try {
      const [info, nodes] = await Promise.all([api.server(), api.clusterNodes()]);
      replace(
        body,
        h(
          "dl",
          { class: "facts" },
          h("dt", {}, "Version"),
          h("dd", { "data-fact": "version" }, info.version),
          h("dt", {}, "Database"),
          h("dd", { "data-fact": "store" }, STORE_NAMES[info.store] ?? info.store),
          h("dt", {}, "Cluster"),
          h(
            "dd",
            { "data-fact": "cluster" },
            nodes === undefined || nodes.length <= 1
              ? "One node (this host)"
              : `${nodes.length} nodes`,
          ),
        ),
        nodes !== undefined &&
          nodes.length > 1 &&
          h(
            "table",
            {},
            h("caption", {}, "Cluster nodes"),
            h(
              "thead",
              {},
              h(
                "tr",
                {},
                ["Id", "Host name", "Version", "Up for", "Last seen"].map((t) =>
                  h("th", { scope: "col" }, t),
                ),
              ),
            ),
            h(
              "tbody",
              {},
              nodes.map((node) =>
                h(
                  "tr",
                  {},
                  h("td", {}, node.id),
                  h("td", {}, node.hostname),
                  h("td", {}, node.version),
                  h("td", {}, node.started_at ? duration(Date.now() - node.started_at) : "—"),
                  h(
                    "td",
                    {},
                    node.last_seen_at ? `${duration(Date.now() - node.last_seen_at)} ago` : "—",
                  ),
                ),
              ),
            ),
          ),
      );
    } catch (error) {
      replace(body, h("p", { role: "alert", class: "error" }, (error as Error).message));
    }
  })();
  return () => undefined;
}

// docs/parity.md maps every method and hook of Mattermost's plugin API to Plugwire. This spec
// keeps it true while the protocol changes: every RPC of PluginAPI, PluginHooks and PluginHTTP
// is listed there, rows marked served name RPCs that exist, and the summary's counts are the
// counts of the rows.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { PluginAPI, PluginHooks, PluginHTTP } from "./index.js";

const parityDoc = readFileSync(new URL("../../../docs/parity.md", import.meta.url), "utf8");
const readme = readFileSync(new URL("../../../README.md", import.meta.url), "utf8");

const statuses = ["served", "served differently", "not served", "out of scope"] as const;
type Status = (typeof statuses)[number];

/** The `##` sections whose tables list Mattermost's methods and hooks, and who serves each. */
const mattermostSections = { Methods: PluginAPI, Hooks: PluginHooks } as const;
type MattermostSection = keyof typeof mattermostSections;
const ownSection = "Plugwire's own RPCs";
/** Mattermost methods and hooks newer than the counted API: their rows name RPCs too. */
const newerSection = "Newer than the count";
const services = { PluginAPI, PluginHooks, PluginHTTP } as const;

interface Row {
  section: string;
  line: number;
  /** The cells of its table's header row. */
  header: string[];
  cells: string[];
}

function splitCells(text: string): string[] {
  return text
    .trim()
    .replace(/^\||\|$/g, "")
    .split("|")
    .map((c) => c.trim());
}

/** The body rows of every Markdown table, each with the `##` section it is in. */
function tableRows(doc: string): Row[] {
  const lines = doc.split("\n");
  const rows: Row[] = [];
  let section = "";
  let header: string[] = [];
  const isSeparator = (s: string | undefined) => s !== undefined && /^\|[\s|:-]+\|$/.test(s);
  lines.forEach((text, index) => {
    const heading = /^## (.+)$/.exec(text);
    if (heading) {
      section = heading[1].trim();
      return;
    }
    if (!text.startsWith("|") || isSeparator(text)) return;
    if (isSeparator(lines[index + 1])) {
      header = splitCells(text);
      return;
    }
    rows.push({ section, line: index + 1, header, cells: splitCells(text) });
  });
  return rows;
}

/** The names in backticks in a cell that look like RPC names (`GetUser`, not `in_team_id`). */
function rpcNames(cell: string): string[] {
  return [...cell.matchAll(/`([A-Z][A-Za-z]*)`/g)].map((m) => m[1]);
}

function methodNames(service: { methods: readonly { name: string }[] }): string[] {
  return service.methods.map((m) => m.name);
}

type Counts = Record<Status, number> & { total: number };

/** Everything wrong with a parity document, as sentences; empty when it is right. */
function parityProblems(doc: string): string[] {
  const problems: string[] = [];
  const rows = tableRows(doc);
  const named = new Set<string>();
  const byIssue: Record<MattermostSection, Map<string, number>> = {
    Methods: new Map(),
    Hooks: new Map(),
  };
  const counted: Record<MattermostSection, Counts> = {
    Methods: { served: 0, "served differently": 0, "not served": 0, "out of scope": 0, total: 0 },
    Hooks: { served: 0, "served differently": 0, "not served": 0, "out of scope": 0, total: 0 },
  };

  for (const section of Object.keys(mattermostSections) as MattermostSection[]) {
    const service = mattermostSections[section];
    const rpcs = new Set(methodNames(service));
    const seen = new Set<string>();
    for (const { line, cells } of rows.filter((r) => r.section === section)) {
      if (cells.length !== 4) {
        problems.push(`line ${line}: ${cells.length} columns, not 4`);
        continue;
      }
      const [mattermost, plugwire, status, note] = cells;
      const name = /`([A-Za-z]+)/.exec(mattermost)?.[1];
      if (name === undefined) {
        problems.push(`line ${line}: no Mattermost name in backticks`);
        continue;
      }
      if (seen.has(name)) problems.push(`line ${line}: ${name} is listed twice under ${section}`);
      seen.add(name);
      if (!(statuses as readonly string[]).includes(status)) {
        problems.push(`line ${line}: ${name} has status "${status}", not one of ${statuses}`);
        continue;
      }
      counted[section][status as Status] += 1;
      counted[section].total += 1;
      if (status === "not served") {
        const issues = new Set([...note.matchAll(/#\d+/g)].map((m) => m[0]));
        const issue = note.includes("No issue") ? "no issue" : [...issues][0];
        if (issue === undefined || (issue !== "no issue" && issues.size > 1)) {
          problems.push(
            `line ${line}: ${name} is not served; its note must name one issue or say "No issue"`,
          );
        } else {
          byIssue[section].set(issue, (byIssue[section].get(issue) ?? 0) + 1);
        }
      }
      const ours = rpcNames(plugwire);
      for (const rpc of ours) {
        if (rpcs.has(rpc)) named.add(`${service.typeName}.${rpc}`);
        else problems.push(`line ${line}: ${name} names ${rpc}, which ${service.name} lacks`);
      }
      if (status === "served" && ours.length === 0) {
        problems.push(`line ${line}: ${name} is marked served but names no ${service.name} RPC`);
      }
    }
  }

  for (const { line, cells } of rows.filter((r) => r.section === ownSection)) {
    const [rpc] = rpcNames(cells[0] ?? "");
    const [serviceName] = rpcNames(cells[1] ?? "");
    const service = services[serviceName as keyof typeof services];
    if (rpc === undefined || service === undefined) {
      problems.push(`line ${line}: a row of "${ownSection}" names no RPC and service`);
    } else if (!methodNames(service).includes(rpc)) {
      problems.push(`line ${line}: ${serviceName} has no RPC ${rpc}`);
    } else {
      named.add(`${service.typeName}.${rpc}`);
    }
  }

  for (const { line, cells } of rows.filter((r) => r.section === newerSection)) {
    const [mattermost = "", plugwire = "", status = ""] = cells;
    const service = mattermost.includes("(hook)") ? PluginHooks : PluginAPI;
    const ours = rpcNames(plugwire);
    for (const rpc of ours) {
      if (methodNames(service).includes(rpc)) named.add(`${service.typeName}.${rpc}`);
      else problems.push(`line ${line}: a newer row names ${rpc}, which ${service.name} lacks`);
    }
    if (status === "served" && ours.length === 0) {
      problems.push(`line ${line}: a newer row is marked served but names no RPC`);
    }
  }

  for (const service of Object.values(services)) {
    for (const rpc of methodNames(service)) {
      if (!named.has(`${service.typeName}.${rpc}`)) {
        problems.push(`${service.name}.${rpc} is not named in the parity document`);
      }
    }
  }

  const summary = rows.filter((r) => r.section === "Summary");
  for (const section of Object.keys(mattermostSections) as MattermostSection[]) {
    const row = summary.find((r) => r.cells[0] === section);
    const expected = counted[section];
    const columns = [...statuses, "total"] as const;
    if (row === undefined) {
      problems.push(`the summary has no "${section}" row`);
    } else {
      columns.forEach((column, i) => {
        const stated = Number(row.cells[i + 1]);
        if (stated !== expected[column]) {
          problems.push(
            `the summary says ${section} ${column}: ${row.cells[i + 1]}; the rows say ${expected[column]}`,
          );
        }
      });
    }
  }
  for (const section of Object.keys(mattermostSections) as MattermostSection[]) {
    const label = `${section} not served`;
    const row = summary.find((r) => r.cells[0] === label);
    if (row === undefined) {
      problems.push(`the summary has no "${label}" row`);
      continue;
    }
    const stated = new Map(row.header.slice(1).map((issue, i) => [issue, row.cells[i + 1]]));
    for (const issue of new Set([...stated.keys(), ...byIssue[section].keys()])) {
      const rowsSay = byIssue[section].get(issue) ?? 0;
      if (Number(stated.get(issue) ?? 0) !== rowsSay) {
        problems.push(
          `the summary says ${label} ${issue}: ${stated.get(issue) ?? "(no column)"}; the rows say ${rowsSay}`,
        );
      }
    }
  }
  const { Methods: m, Hooks: h } = counted;
  const sentences = [
    `Mattermost methods served: **${m.served} / ${m.total}** (${m.served + m["served differently"]} / ${m.total} counting the ${m["served differently"]} served differently).`,
    `Hooks served: **${h.served} / ${h.total}**.`,
  ];
  for (const sentence of sentences) {
    if (!doc.includes(sentence)) problems.push(`the summary does not say: ${sentence}`);
  }
  return problems;
}

describe("docs/parity.md", () => {
  it("names every RPC, marks every row, and counts what the rows say", () => {
    expect(parityProblems(parityDoc)).toEqual([]);
  });

  it("agrees with the README's counts", () => {
    const summary = tableRows(parityDoc).filter((r) => r.section === "Summary");
    const [methods, hooks] = ["Methods", "Hooks"].map((name) =>
      summary.find((r) => r.cells[0] === name),
    );
    const served = Number(methods?.cells[1]);
    const differently = Number(methods?.cells[2]);
    expect(readme).toContain(
      `**${served} of Mattermost's ${methods?.cells[5]} plugin API methods** (${served + differently} counting`,
    );
    expect(readme).toContain(`**${hooks?.cells[1]} of its ${hooks?.cells[5]} hooks**`);
  });

  it("lists Mattermost's 236 methods and 42 hooks, each once", () => {
    const rows = tableRows(parityDoc);
    expect(rows.filter((r) => r.section === "Methods")).toHaveLength(236);
    expect(rows.filter((r) => r.section === "Hooks")).toHaveLength(42);
  });

  it("fails when an RPC is not listed", () => {
    const withoutKVGetMany = parityDoc.replace(/^\| `KVGetMany` .*\n/m, "");
    expect(withoutKVGetMany).not.toBe(parityDoc);
    expect(parityProblems(withoutKVGetMany)).toContain(
      "PluginAPI.KVGetMany is not named in the parity document",
    );
  });

  it("fails when a row marked served names an RPC that does not exist", () => {
    const renamed = parityDoc.replace("| `GetUser` | served |", "| `FetchUser` | served |");
    expect(renamed).not.toBe(parityDoc);
    expect(parityProblems(renamed).join("\n")).toMatch(/GetUser names FetchUser, which .* lacks/);
  });

  it("fails when the summary's counts differ from the rows", () => {
    // The first method row still not served, now claimed as served: one for an issue (not one
    // saying "No issue", whose note may name an issue in passing) while there is one, else one
    // that belongs to no issue.
    const notServedRows = [
      ...parityDoc.matchAll(/^\| `\w+[^|\n]*\| — \| not served \| [^\n]*$/gm),
    ].map((match) => match[0]);
    const forIssue = notServedRows.find((line) => /#\d+/.test(line) && !line.includes("No issue"));
    const row = forIssue ?? notServedRows.find((line) => line.includes("No issue")) ?? "";
    const issue = forIssue === undefined ? "no issue" : (/#\d+/.exec(row)?.[0] ?? "");
    const oneMore = parityDoc.replace(
      row,
      row.replace("| — | not served |", "| `GetTeam` | served |"),
    );
    expect(oneMore).not.toBe(parityDoc);
    const problems = parityProblems(oneMore);
    // The counts as the summary states them now, so the spec holds as rows change.
    const [, served, , notServed] = (
      /\| Methods \| (\d+) \| (\d+) \| (\d+) \|/.exec(parityDoc) ?? []
    ).map(Number);
    const byIssue = tableRows(parityDoc).find((r) => r.cells[0] === "Methods not served");
    const notServedForIssue = Number(byIssue?.cells[byIssue.header.indexOf(issue)]);
    expect(problems).toContain(
      `the summary says Methods served: ${served}; the rows say ${(served ?? 0) + 1}`,
    );
    expect(problems).toContain(
      `the summary says Methods not served: ${notServed}; the rows say ${(notServed ?? 0) - 1}`,
    );
    expect(problems).toContain(
      `the summary says Methods not served ${issue}: ${notServedForIssue}; the rows say ${notServedForIssue - 1}`,
    );
  });

  it("fails when a row not served names no issue and does not say there is none", () => {
    const silent = parityDoc.replace(
      "| No issue: retired in Mattermost, where it does nothing. |",
      "| Retired in Mattermost, where it does nothing. |",
    );
    expect(silent).not.toBe(parityDoc);
    expect(parityProblems(silent).join("\n")).toMatch(
      /RegisterCollectionAndTopic is not served; its note must name one issue/,
    );
  });
});

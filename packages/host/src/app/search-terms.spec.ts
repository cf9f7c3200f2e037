import { create } from "@bufbuild/protobuf";
import { SearchParamsSchema } from "@plugwire/protocol";
import { describe, expect, it } from "vitest";
import { parseSearchTerms, searchTimeRange } from "./search-terms.js";

describe("parseSearchTerms", () => {
  it("splits words and phrases from exclusions and filters", () => {
    const params = parseSearchTerms(
      'apples "green pears" -plums from:@bob -from:eve in:~town -in:ops on:2024-03-05 x*',
    );
    expect(params).toMatchObject({
      terms: 'apples "green pears" x*',
      excludedTerms: "plums",
      fromUsers: ["bob"],
      excludedUsers: ["eve"],
      inChannels: ["town"],
      excludedChannels: ["ops"],
      onDate: "2024-03-05",
    });
  });

  it("keeps a lone dash as a word", () => {
    expect(parseSearchTerms("a - b").terms).toBe("a - b");
  });
});

describe("searchTimeRange", () => {
  const day = Date.UTC(2024, 2, 5);
  const DAY = 86_400_000;

  it("on: is the whole day; after: starts the next day; before: ends the day before", () => {
    const on = searchTimeRange(create(SearchParamsSchema, { onDate: "2024-03-05" }));
    expect(on).toEqual({ from: BigInt(day), to: BigInt(day + DAY - 1) });
    const range = searchTimeRange(
      create(SearchParamsSchema, { afterDate: "2024-03-05", beforeDate: "2024-03-05" }),
    );
    expect(range).toEqual({ from: BigInt(day + DAY), to: BigInt(day - 1) });
  });

  it("counts days in the searcher's time zone and ignores malformed dates", () => {
    const east = searchTimeRange(
      create(SearchParamsSchema, { onDate: "2024-03-05", timeZoneOffset: 3600 }),
    );
    expect(east.from).toBe(BigInt(day - 3_600_000));
    expect(searchTimeRange(create(SearchParamsSchema, { afterDate: "yesterday" }))).toEqual({
      from: undefined,
      to: undefined,
    });
  });
});

// What a search box string means, as Mattermost's ParseSearchParams reads it: words and
// "quoted phrases" to find, -words to leave out, and the from:, in:, on:, after: and before:
// filters (each also negated with a leading -, for from: and in:).
import { create } from "@bufbuild/protobuf";
import { type SearchParams, SearchParamsSchema } from "@plugwire/protocol";

/** Parses a search string into one SearchParams (channels and users still by name). */
export function parseSearchTerms(text: string, timeZoneOffset = 0): SearchParams {
  const params = create(SearchParamsSchema, { timeZoneOffset });
  const terms: string[] = [];
  const excluded: string[] = [];
  for (const [token] of text.matchAll(/-?"[^"]*"|\S+/g)) {
    const filter = /^(-?)(from|in|channel|on|after|before):(.+)$/i.exec(token);
    if (filter) {
      const [, negated, name = "", value = ""] = filter;
      switch (name.toLowerCase()) {
        case "from":
          (negated ? params.excludedUsers : params.fromUsers).push(value.replace(/^@/, ""));
          break;
        case "in":
        case "channel":
          (negated ? params.excludedChannels : params.inChannels).push(value.replace(/^~/, ""));
          break;
        case "on":
          params.onDate = value;
          break;
        case "after":
          params.afterDate = value;
          break;
        case "before":
          params.beforeDate = value;
          break;
      }
    } else if (token.startsWith("-") && token.length > 1) {
      excluded.push(token.slice(1));
    } else {
      terms.push(token);
    }
  }
  params.terms = terms.join(" ");
  params.excludedTerms = excluded.join(" ");
  return params;
}

/**
 * The creation times a search's dates allow, in ms, as Mattermost counts them: on: is that
 * whole day, after: starts the day after, before: ends the day before, each day in the
 * searcher's time zone. A malformed date is ignored.
 */
export function searchTimeRange(params: SearchParams): { from?: bigint; to?: bigint } {
  const offsetMs = params.timeZoneOffset * 1000;
  const startOfDay = (date: string, days = 0) => {
    const match = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(date);
    if (!match) return undefined;
    const [, year, month, day] = match.map(Number) as [number, number, number, number];
    return BigInt(Date.UTC(year, month - 1, day + days) - offsetMs);
  };
  const endOfDay = (date: string, days = 0) => {
    const start = startOfDay(date, days + 1);
    return start === undefined ? undefined : start - 1n;
  };
  if (params.onDate) return { from: startOfDay(params.onDate), to: endOfDay(params.onDate) };
  return {
    from: params.afterDate ? startOfDay(params.afterDate, 1) : undefined,
    to: params.beforeDate ? endOfDay(params.beforeDate, -1) : undefined,
  };
}

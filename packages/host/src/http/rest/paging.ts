// ?page and ?per_page as v4 reads them: pages count from 0, per_page defaults to 60 and is
// silently capped at 200.
import type { PageQuery } from "../../app/app.js";
import { DEFAULT_PER_PAGE, MAX_PER_PAGE } from "../../app/paging.js";
import { invalidUrlParam } from "./rest-errors.js";

export function pageOfQuery(query: URLSearchParams): PageQuery {
  const page = nonNegativeInteger(query, "page", 0);
  const perPage = nonNegativeInteger(query, "per_page", DEFAULT_PER_PAGE);
  return { page, perPage: Math.min(perPage || DEFAULT_PER_PAGE, MAX_PER_PAGE) };
}

function nonNegativeInteger(query: URLSearchParams, name: string, fallback: number): number {
  const text = query.get(name);
  if (text === null || text === "") return fallback;
  if (!/^\d{1,9}$/.test(text)) {
    throw invalidUrlParam(name, `"${text}" is not a whole number from 0 up.`);
  }
  return Number(text);
}

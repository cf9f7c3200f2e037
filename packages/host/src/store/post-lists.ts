// What every PostListStore implementation shares: how a PostList is put together, and how the
// search terms split into what the full-text index matches.
import { create } from "@bufbuild/protobuf";
import { type Post, type PostList, PostListSchema } from "@plugwire/protocol";

/** A PostList: `ordered` in order, and every post (thread posts too) by id. */
export function postList(ordered: Post[], threads: Post[]): PostList {
  const byId: Record<string, Post> = {};
  for (const post of [...threads, ...ordered]) byId[post.id] = post;
  return create(PostListSchema, { order: ordered.map((post) => post.id), posts: byId });
}

export function sortNewestFirst(list: Post[]): Post[] {
  return [...list].sort((a, b) =>
    a.createAt === b.createAt ? b.id.localeCompare(a.id) : a.createAt > b.createAt ? -1 : 1,
  );
}

/** One word, "quoted phrase" or prefix* word of a search. */
export interface SearchTerm {
  /** The word or phrase, without quotes or the trailing `*`. */
  text: string;
  /** A word ending in `*`: matches the words it starts. */
  prefix: boolean;
}

/**
 * The words, "quoted phrases" and prefix* words of search terms. Those with no letter or digit
 * are dropped, as Mattermost drops them.
 */
export function searchTerms(terms: string): SearchTerm[] {
  const parts: SearchTerm[] = [];
  for (const [, phrase, word] of terms.matchAll(/"([^"]*)"|(\S+)/g)) {
    const text = phrase ?? word ?? "";
    if (!/[\p{L}\p{N}]/u.test(text)) continue;
    const prefix = phrase === undefined && text.endsWith("*");
    parts.push({ text: text.replace(/\*+$/, ""), prefix });
  }
  return parts;
}

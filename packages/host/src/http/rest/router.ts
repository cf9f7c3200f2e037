// Method and path templates ("/api/v4/users/{user_id}") to handlers. A literal segment wins
// over a parameter at the same place, so /users/me and /users/login are never read as ids.
import { invalidUrlParam } from "./rest-errors.js";

/** A route's match: its handler and the decoded path parameters. */
export interface RouteMatch<H> {
  handler: H;
  params: Record<string, string>;
  /** The route's template, e.g. "/api/v4/users/{user_id}". */
  template: string;
}

interface Route<H> {
  method: string;
  template: string;
  segments: string[];
  handler: H;
}

export class Router<H> {
  private readonly routes: Route<H>[] = [];

  add(method: string, template: string, handler: H): this {
    this.routes.push({ method, template, segments: template.split("/").slice(1), handler });
    return this;
  }

  /** Every route added, in order: its method and template, for documentation and its checks. */
  list(): { method: string; template: string }[] {
    return this.routes.map(({ method, template }) => ({ method, template }));
  }

  /**
   * The route for a request: a match, or the methods the path has (405 when some, 404 when
   * none). Throws a 400 for a path segment that is not valid percent-encoding.
   */
  find(method: string, pathname: string): RouteMatch<H> | { allowed: string[] } {
    const segments = pathname
      .split("/")
      .slice(1)
      .map((segment) => {
        try {
          return decodeURIComponent(segment);
        } catch {
          throw invalidUrlParam("path", `"${segment}" is not valid percent-encoding.`);
        }
      });
    let best: { route: Route<H>; params: Record<string, string>; literals: number } | undefined;
    const allowed = new Set<string>();
    for (const route of this.routes) {
      const params = matchSegments(route.segments, segments);
      if (params === undefined) continue;
      allowed.add(route.method);
      if (route.method !== method) continue;
      const literals = route.segments.filter((segment) => !segment.startsWith("{")).length;
      if (best === undefined || literals > best.literals) best = { route, params, literals };
    }
    return best
      ? { handler: best.route.handler, params: best.params, template: best.route.template }
      : { allowed: [...allowed] };
  }
}

function matchSegments(
  template: readonly string[],
  segments: readonly string[],
): Record<string, string> | undefined {
  if (template.length !== segments.length) return undefined;
  const params: Record<string, string> = {};
  for (const [i, part] of template.entries()) {
    const segment = segments[i] as string;
    if (part.startsWith("{")) {
      if (segment === "") return undefined;
      params[part.slice(1, -1)] = segment;
    } else if (part !== segment) {
      return undefined;
    }
  }
  return params;
}

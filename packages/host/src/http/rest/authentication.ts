// Who a request comes from. The session token travels as "Authorization: Bearer <token>" (or
// Mattermost's "Token <token>") or as the MMAUTHTOKEN cookie. A browser sends cookies along with
// requests other sites make it send, so a cookie counts only with proof that the page itself
// asked: X-Requested-With: XMLHttpRequest or X-CSRF-Token, as Mattermost requires.
import type { IncomingMessage } from "node:http";
import type { Authenticated, SessionOperations } from "../../app/app.js";
import { csrfTokenOf } from "../../app/sessions.js";
import { parseCookies, SESSION_COOKIE } from "./cookies.js";

/** The outcome of authenticating a request; `failure` says why a token given did not count. */
export interface RequestAuth {
  session?: Authenticated;
  failure?: string;
}

export interface AuthenticateOptions {
  /** Accept a cookie without CSRF proof: reads of plugin pages, which browsers navigate to. */
  cookieWithoutProof?: boolean;
}

export async function authenticateRequest(
  app: SessionOperations,
  req: IncomingMessage,
  options: AuthenticateOptions = {},
): Promise<RequestAuth> {
  const header = /^(?:bearer|token)\s+(\S+)$/i.exec(req.headers.authorization ?? "")?.[1];
  const cookie = parseCookies(req.headers.cookie).get(SESSION_COOKIE);
  const token = header ?? cookie;
  if (!token) return {};
  if (header === undefined && !options.cookieWithoutProof && !csrfProven(req, token)) {
    return {
      failure:
        "A session cookie needs the header X-Requested-With: XMLHttpRequest or X-CSRF-Token (the MMCSRF cookie).",
    };
  }
  const session = await app.authenticate(token);
  return session ? { session } : { failure: "The session token is unknown or has expired." };
}

function csrfProven(req: IncomingMessage, token: string): boolean {
  return (
    req.headers["x-requested-with"] === "XMLHttpRequest" ||
    req.headers["x-csrf-token"] === csrfTokenOf(token)
  );
}

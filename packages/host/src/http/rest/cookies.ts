// The cookies of a browser session, named and shaped as Mattermost sets them: MMAUTHTOKEN
// holds the session token and is HttpOnly; MMUSERID and MMCSRF are readable by the page, which
// sends MMCSRF back as X-CSRF-Token.

export const SESSION_COOKIE = "MMAUTHTOKEN";
export const USER_ID_COOKIE = "MMUSERID";
export const CSRF_COOKIE = "MMCSRF";

/** The cookies of a Cookie header, by name; the first of repeated names wins. */
export function parseCookies(header: string | undefined): Map<string, string> {
  const cookies = new Map<string, string>();
  for (const pair of (header ?? "").split(";")) {
    const eq = pair.indexOf("=");
    if (eq < 0) continue;
    const name = pair.slice(0, eq).trim();
    if (name && !cookies.has(name)) cookies.set(name, pair.slice(eq + 1).trim());
  }
  return cookies;
}

export interface SessionCookies {
  token: string;
  userId: string;
  csrfToken: string;
  /** Lifetime in ms. */
  maxAgeMs: number;
  /** Whether the site is served over HTTPS, so the cookies travel only there. */
  secure: boolean;
}

/** The Set-Cookie values of a login. */
export function sessionCookies(cookies: SessionCookies): string[] {
  const attributes = cookieAttributes(Math.floor(cookies.maxAgeMs / 1000), cookies.secure);
  return [
    `${SESSION_COOKIE}=${cookies.token}; ${attributes}; HttpOnly`,
    `${USER_ID_COOKIE}=${cookies.userId}; ${attributes}`,
    `${CSRF_COOKIE}=${cookies.csrfToken}; ${attributes}`,
  ];
}

/** The Set-Cookie values of a logout: each session cookie, expired. */
export function clearedSessionCookies(secure: boolean): string[] {
  const attributes = cookieAttributes(0, secure);
  return [SESSION_COOKIE, USER_ID_COOKIE, CSRF_COOKIE].map((name) => `${name}=; ${attributes}`);
}

function cookieAttributes(maxAgeSeconds: number, secure: boolean): string {
  return `Path=/; Max-Age=${maxAgeSeconds}; SameSite=Lax${secure ? "; Secure" : ""}`;
}

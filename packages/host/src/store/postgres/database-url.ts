// A database URL as it may be shown: in messages, logs and the start-up story. Apart from the
// database code so that showing one doesn't load the PostgreSQL client.

/** The URL without its password, for messages and logs. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== "") parsed.password = "***";
    return parsed.toString();
  } catch {
    return "(a database URL that is not a valid URL)";
  }
}

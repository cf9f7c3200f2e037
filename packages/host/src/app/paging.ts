// Page sizes of every list the host answers, over REST and the PluginAPI alike, as Mattermost's.

/** Page size when a request leaves per_page unset or 0. */
export const DEFAULT_PER_PAGE = 60;
/** Largest page size; larger requests are capped to it. */
export const MAX_PER_PAGE = 200;

// The REST API as the console calls it: the same routes and the same session as any client.
// The session cookie (HttpOnly, set by the login) goes with every request; writes prove that
// this page sent them with the MMCSRF cookie's value in X-CSRF-Token, as the API requires.
import type {
  ApiErrorBody,
  ClusterNode,
  ConsolePluginStatus,
  CurrentUser,
  LogEvent,
  PluginActivity,
  PluginManifest,
  ServerInfo,
} from "./types.js";

/** An error answer of the API, with the host's message as written. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly id: string,
    message: string,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

const API = "/api/v4";

/** The event `window` gets when a request answers 401: the session is gone. */
export const SESSION_ENDED = "plugwire:session-ended";

function csrfToken(): string {
  const match = /(?:^|;\s*)MMCSRF=([^;]*)/.exec(document.cookie);
  return match === null ? "" : decodeURIComponent(match[1] ?? "");
}

function headers(json: boolean): Record<string, string> {
  return {
    "X-Requested-With": "XMLHttpRequest",
    "X-CSRF-Token": csrfToken(),
    ...(json ? { "Content-Type": "application/json" } : {}),
  };
}

/** The error an answer carries: the v4 body's message, or the status when it has none. */
function errorOf(status: number, text: string): ApiError {
  try {
    const body = JSON.parse(text) as Partial<ApiErrorBody>;
    if (typeof body.message === "string") return new ApiError(status, body.id ?? "", body.message);
  } catch {
    // Not the API's JSON: a proxy's page, say.
  }
  return new ApiError(status, "", `The server answered ${status}${text ? `: ${text}` : ""}.`);
}

async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  let response: Response;
  try {
    response = await fetch(`${API}${path}`, {
      method,
      credentials: "same-origin",
      headers: headers(body !== undefined),
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (error) {
    throw new ApiError(0, "", `The server could not be reached: ${(error as Error).message}`);
  }
  const text = await response.text();
  if (response.status === 401 && path !== "/users/login" && path !== "/users/me") {
    // The session ended (logged out elsewhere, expired): the shell signs in again.
    window.dispatchEvent(new CustomEvent(SESSION_ENDED));
  }
  if (!response.ok) throw errorOf(response.status, text);
  return (text === "" ? undefined : JSON.parse(text)) as T;
}

export const api = {
  login: (loginId: string, password: string) =>
    call<CurrentUser>("POST", "/users/login", { login_id: loginId, password }),
  logout: () => call<unknown>("POST", "/users/logout"),
  me: () => call<CurrentUser>("GET", "/users/me"),
  statuses: () => call<ConsolePluginStatus[]>("GET", "/plugins/statuses"),
  plugins: () => call<{ active: PluginManifest[]; inactive: PluginManifest[] }>("GET", "/plugins"),
  enable: (id: string) => call<unknown>("POST", `/plugins/${encodeURIComponent(id)}/enable`),
  disable: (id: string) => call<unknown>("POST", `/plugins/${encodeURIComponent(id)}/disable`),
  remove: (id: string) => call<unknown>("DELETE", `/plugins/${encodeURIComponent(id)}`),
  config: (id: string) =>
    call<Record<string, unknown>>("GET", `/plugins/${encodeURIComponent(id)}/config`),
  saveConfig: (id: string, config: Record<string, unknown>) =>
    call<Record<string, unknown>>("PUT", `/plugins/${encodeURIComponent(id)}/config`, config),
  activity: (id: string) =>
    call<PluginActivity>("GET", `/plugins/${encodeURIComponent(id)}/activity`),
  server: () => call<ServerInfo>("GET", "/system/server"),
  /** The cluster's nodes; undefined when this host serves no cluster status. */
  clusterNodes: async (): Promise<ClusterNode[] | undefined> => {
    try {
      return await call<ClusterNode[]>("GET", "/cluster/status");
    } catch (error) {
      if (error instanceof ApiError && (error.status === 404 || error.status === 405)) {
        return undefined;
      }
      throw error;
    }
  },
};

/**
 * Uploads a bundle (POST /api/v4/plugins, multipart field "plugin", "force" to replace),
 * reporting the bytes sent; XMLHttpRequest, since fetch reports no upload progress.
 */
export function uploadBundle(
  file: File,
  replace: boolean,
  onProgress: (fraction: number) => void,
): Promise<PluginManifest> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", `${API}/plugins`);
    for (const [name, value] of Object.entries(headers(false))) xhr.setRequestHeader(name, value);
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress(event.loaded / event.total);
    };
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) {
        onProgress(1);
        resolve(JSON.parse(xhr.responseText) as PluginManifest);
      } else {
        reject(errorOf(xhr.status, xhr.responseText));
      }
    };
    xhr.onerror = () =>
      reject(new ApiError(0, "", "The upload was cut off before the server answered."));
    const form = new FormData();
    form.append("plugin", file);
    if (replace) form.append("force", "true");
    xhr.send(form);
  });
}

/**
 * Follows a plugin's log (server-sent events read through fetch, which can send the CSRF
 * header EventSource cannot) until `signal` aborts. Resolves when the stream ends.
 */
export async function followLog(
  pluginId: string,
  onEvent: (event: LogEvent) => void,
  signal: AbortSignal,
): Promise<void> {
  const response = await fetch(`${API}/plugins/${encodeURIComponent(pluginId)}/logs`, {
    credentials: "same-origin",
    headers: headers(false),
    signal,
  });
  if (!response.ok || response.body === null) {
    if (response.status === 401) window.dispatchEvent(new CustomEvent(SESSION_ENDED));
    throw errorOf(response.status, await response.text());
  }
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffered = "";
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffered += value;
      let end = buffered.indexOf("\n\n");
      while (end >= 0) {
        const block = buffered.slice(0, end);
        buffered = buffered.slice(end + 2);
        const data = block
          .split("\n")
          .filter((line) => line.startsWith("data: "))
          .map((line) => line.slice(6))
          .join("\n");
        if (data !== "") onEvent(JSON.parse(data) as LogEvent);
        end = buffered.indexOf("\n\n");
      }
    }
  } catch (error) {
    if (signal.aborted) return;
    throw error;
  }
}

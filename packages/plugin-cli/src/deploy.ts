// `deploy`: packs, uploads the bundle to a server replacing the installed one
// (POST /api/v4/plugins, multipart field plugin, force=true) and enables it.
import { readFile } from "node:fs/promises";
import { basename } from "node:path";
import { packProject } from "./pack.js";
import { PluginCliError, type PluginProject } from "./project.js";

export interface DeployTarget {
  /** The server's URL, e.g. http://localhost:8065. */
  url: string;
  /** A system admin's session token or personal access token. */
  token: string;
}

/** Packs, uploads and enables `project`; `progress` gets a line per step. */
export async function deployProject(
  project: PluginProject,
  target: DeployTarget,
  progress: (line: string) => void = () => {},
): Promise<void> {
  const archive = await packProject(project);
  progress(`packed ${archive}`);
  const base = target.url.replace(/\/+$/, "");
  const form = new FormData();
  form.append("plugin", new Blob([await readFile(archive)]), basename(archive));
  form.append("force", "true");
  await call(target, "POST", `${base}/api/v4/plugins`, form);
  progress(`uploaded to ${base}`);
  await call(
    target,
    "POST",
    `${base}/api/v4/plugins/${encodeURIComponent(project.manifest.id)}/enable`,
  );
  progress(`enabled ${project.manifest.id}`);
}

async function call(target: DeployTarget, method: string, url: string, body?: FormData) {
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      headers: { authorization: `Bearer ${target.token}` },
      ...(body && { body }),
    });
  } catch (error) {
    throw new PluginCliError(`${method} ${url} failed: ${(error as Error).cause ?? error}`);
  }
  if (!response.ok) {
    const text = await response.text();
    let message = text;
    try {
      message = (JSON.parse(text) as { message?: string }).message ?? text;
    } catch {}
    throw new PluginCliError(`${method} ${url} answered ${response.status}: ${message}`);
  }
}

// Changes to the plugins folder, each atomic from a reader's point of view: a plugin folder is
// either there complete or not there, because every change ends in one rename. Work in progress
// sits in hidden ("."-prefixed) siblings, which Host.loadPluginsFrom skips.
import { randomUUID } from "node:crypto";
import { cp, rename, rm } from "node:fs/promises";
import { basename, dirname, join } from "node:path";

/** Moves `source` to the absent `target`; across file systems, through a copy next to it. */
export async function moveFolder(source: string, target: string): Promise<void> {
  try {
    await rename(source, target);
    return;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EXDEV") throw error;
  }
  const incoming = hiddenSibling(target, "incoming");
  try {
    await cp(source, incoming, { recursive: true, errorOnExist: true, force: false });
    await rename(incoming, target);
  } catch (error) {
    await rm(incoming, { recursive: true, force: true });
    throw error;
  }
}

/** Puts `source` in the place of `target`, which may or may not exist; the old one is deleted. */
export async function replaceFolder(source: string, target: string): Promise<void> {
  const previous = hiddenSibling(target, "replaced");
  const hadPrevious = await rename(target, previous).then(
    () => true,
    (error: NodeJS.ErrnoException) => {
      if (error.code === "ENOENT") return false;
      throw error;
    },
  );
  try {
    await moveFolder(source, target);
  } catch (error) {
    if (hadPrevious) await rename(previous, target);
    throw error;
  }
  if (hadPrevious) await rm(previous, { recursive: true, force: true });
}

/** Deletes a plugin folder; a crash half-way leaves only a hidden folder behind. */
export async function removeFolder(target: string): Promise<void> {
  const removed = hiddenSibling(target, "removed");
  try {
    await rename(target, removed);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return;
    throw error;
  }
  await rm(removed, { recursive: true, force: true });
}

function hiddenSibling(target: string, purpose: string): string {
  return join(dirname(target), `.${basename(target)}.${purpose}-${randomUUID()}`);
}

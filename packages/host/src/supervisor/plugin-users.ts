// The user and group each plugin runs as, when the host runs as root: one id per plugin from a
// configured range (uid and gid alike), recorded in a file so that a plugin keeps its id, and
// with it the files in its data folder, from one host start to the next.
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import type { PluginUser } from "./spawn-command.js";

/** Ids `first` to `first + count - 1`, used for nothing else on the machine. */
export interface PluginIdRange {
  first: number;
  count: number;
}

export class PluginUsers {
  private constructor(
    private readonly file: string,
    private readonly range: PluginIdRange,
    private readonly ids: Map<string, number>,
  ) {}

  /** Reads the ids given so far from `file` (none when it does not exist yet). */
  static async open(file: string, range: PluginIdRange): Promise<PluginUsers> {
    if (!Number.isInteger(range.first) || range.first < 1_000 || range.count < 1) {
      throw new Error(
        `the plugin id range must start at 1000 or above (ids below are the system's) and hold at least one id, got ${range.first} and ${range.count}`,
      );
    }
    let ids = new Map<string, number>();
    try {
      ids = new Map(
        Object.entries(JSON.parse(await readFile(file, "utf8")) as Record<string, number>),
      );
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") {
        throw new Error(`cannot read the plugin ids in ${file}: ${(error as Error).message}`);
      }
    }
    return new PluginUsers(file, range, ids);
  }

  /** The plugin's user and group, given (and recorded) on its first start. */
  async userFor(pluginId: string): Promise<PluginUser> {
    let id = this.ids.get(pluginId);
    if (id === undefined) {
      const taken = new Set(this.ids.values());
      const { first, count } = this.range;
      for (let candidate = first; candidate < first + count; candidate++) {
        if (!taken.has(candidate)) {
          id = candidate;
          break;
        }
      }
      if (id === undefined) {
        throw new Error(
          `no free id left for plugin "${pluginId}" in ${first}–${first + count - 1}; widen the plugin id range`,
        );
      }
      this.ids.set(pluginId, id);
      await this.save();
    }
    return { uid: id, gid: id };
  }

  private async save(): Promise<void> {
    await mkdir(dirname(this.file), { recursive: true, mode: 0o700 });
    const temporary = `${this.file}.tmp`;
    await writeFile(temporary, JSON.stringify(Object.fromEntries(this.ids)), { mode: 0o600 });
    await rename(temporary, this.file);
  }
}

// The plugin processes a host has running, recorded in a folder of its own (one file per
// process), so that the next start of the host can end any its predecessor left behind: a
// host killed by SIGKILL cannot stop its plugins, and a plugin that is too busy to notice may
// outlive it. Each record keeps the process's start time from /proc/<pid>/stat, so a pid the
// system has since given to another process is never killed.
import { mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";

/** One recorded plugin process. */
export interface PluginPidRecord {
  pid: number;
  pluginId: string;
  /** Field 22 of /proc/<pid>/stat: clock ticks after boot at which the process started. */
  startTime: string;
}

export class PluginPidRegistry {
  /** `dir` is created when missing, 0700. */
  constructor(readonly dir: string) {}

  /** Records a running plugin process; a process whose start time cannot be read is not recorded. */
  async record(pid: number, pluginId: string): Promise<void> {
    const startTime = await processStartTime(pid);
    if (startTime === undefined) {
      return;
    }
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const record: PluginPidRecord = { pid, pluginId, startTime };
    await writeFile(this.file(pid), JSON.stringify(record), { mode: 0o600 });
  }

  /** Forgets a process that has ended. */
  async forget(pid: number): Promise<void> {
    await rm(this.file(pid), { force: true });
  }

  /**
   * Kills (SIGKILL) every recorded process that is still the one recorded, forgets them all,
   * and answers the ones it killed. Call it at start-up, before starting plugins.
   */
  async endLeftovers(): Promise<PluginPidRecord[]> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch {
      return [];
    }
    const ended: PluginPidRecord[] = [];
    for (const name of names.filter((entry) => entry.endsWith(".json"))) {
      const record = await readRecord(join(this.dir, name));
      if (record !== undefined && (await processStartTime(record.pid)) === record.startTime) {
        try {
          process.kill(record.pid, "SIGKILL");
          ended.push(record);
        } catch {
          // Ended meanwhile.
        }
      }
      await rm(join(this.dir, name), { force: true });
    }
    return ended;
  }

  private file(pid: number): string {
    return join(this.dir, `${pid}.json`);
  }
}

async function readRecord(path: string): Promise<PluginPidRecord | undefined> {
  try {
    const record = JSON.parse(await readFile(path, "utf8")) as Partial<PluginPidRecord>;
    if (Number.isInteger(record.pid) && typeof record.startTime === "string") {
      return record as PluginPidRecord;
    }
  } catch {
    // Half-written or damaged: nothing to trust in it.
  }
  return undefined;
}

/** The start time of a running process, or undefined when there is none with this pid. */
export async function processStartTime(pid: number): Promise<string | undefined> {
  let stat: string;
  try {
    stat = await readFile(`/proc/${pid}/stat`, "utf8");
  } catch {
    return undefined;
  }
  // The command name (field 2) is in parentheses and may hold spaces or ")": fields after it
  // are counted from the last ")".
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // Field 3 (state) is fields[0], so field 22 is fields[19].
  return fields[19];
}

// Which version of each shared bundle this host unpacked into its plugins folder: the
// `updated_at` of the plugin_bundles row it came from (a version tag, compared for equality
// only), kept in `<pluginsDir>/.bundles.json`. A host of a cluster compares it with the database
// to know which bundles it lacks, which are newer there, and which were removed while it was
// away. Plugins it never unpacked from the database (dropped in by hand, installed before the
// database kept bundles) have no entry, so syncing never touches them.
import { randomUUID } from "node:crypto";
import { readFile, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";

export class UnpackedBundles {
  private readonly file: string;
  private readonly versions = new Map<string, bigint>();
  /** Writes go one after another, each the whole map, so the file is never half written. */
  private writing: Promise<void> = Promise.resolve();

  private constructor(pluginsDir: string) {
    this.file = join(pluginsDir, ".bundles.json");
  }

  /** Reads the record of `pluginsDir`; none yet is an empty record. */
  static async open(pluginsDir: string): Promise<UnpackedBundles> {
    const record = new UnpackedBundles(pluginsDir);
    const text = await readFile(record.file, "utf8").catch((error: NodeJS.ErrnoException) => {
      if (error.code === "ENOENT") return "{}";
      throw error;
    });
    for (const [pluginId, version] of Object.entries(JSON.parse(text) as Record<string, string>)) {
      record.versions.set(pluginId, BigInt(version));
    }
    return record;
  }

  /** The version of the plugin's bundle unpacked here, if one was. */
  get(pluginId: string): bigint | undefined {
    return this.versions.get(pluginId);
  }

  /** The plugins unpacked here from a shared bundle. */
  pluginIds(): string[] {
    return [...this.versions.keys()];
  }

  /** Records that `version` of the plugin's bundle is unpacked here (undefined: none is). */
  async set(pluginId: string, version: bigint | undefined): Promise<void> {
    if (version === undefined) this.versions.delete(pluginId);
    else this.versions.set(pluginId, version);
    const text = JSON.stringify(
      Object.fromEntries([...this.versions].map(([id, at]) => [id, String(at)])),
    );
    const write = async () => {
      const temporary = `${this.file}.${randomUUID()}`;
      try {
        await writeFile(temporary, text, { mode: 0o600 });
        await rename(temporary, this.file);
      } catch (error) {
        await rm(temporary, { force: true });
        throw error;
      }
    };
    this.writing = this.writing.then(write, write);
    await this.writing;
  }
}

// Hand-made .tar.gz archives for the bundle specs: node-tar's Header writes each entry exactly as
// given, including what its packer would never write (absolute paths, "..", links, lying sizes).
import { gzipSync } from "node:zlib";
import { Header } from "tar";

export interface CraftedEntry {
  path: string;
  type?: "File" | "Directory" | "SymbolicLink" | "Link" | "FIFO";
  body?: string | Uint8Array;
  linkpath?: string;
  mode?: number;
  /** The size the header claims, when it should lie about the body's. */
  declaredSize?: number;
}

const BLOCK = 512;

/** The gzip-compressed tar of `entries`, in order, ended by the two zero blocks. */
export function craftArchive(entries: readonly CraftedEntry[]): Uint8Array {
  return new Uint8Array(gzipSync(craftTar(entries)));
}

/** The uncompressed tar of `entries`. */
export function craftTar(entries: readonly CraftedEntry[]): Buffer {
  const blocks: Buffer[] = [];
  for (const entry of entries) {
    const type = entry.type ?? "File";
    const body =
      typeof entry.body === "string" ? Buffer.from(entry.body) : Buffer.from(entry.body ?? []);
    const header = Buffer.alloc(BLOCK);
    new Header({
      path: entry.path,
      type,
      size: entry.declaredSize ?? (type === "File" ? body.length : 0),
      mode: entry.mode ?? (type === "Directory" ? 0o755 : 0o644),
      linkpath: entry.linkpath,
      mtime: new Date(0),
      uid: 0,
      gid: 0,
    }).encode(header, 0);
    blocks.push(header);
    if (type === "File" && body.length > 0) {
      blocks.push(body, Buffer.alloc((BLOCK - (body.length % BLOCK)) % BLOCK));
    }
  }
  blocks.push(Buffer.alloc(2 * BLOCK));
  return Buffer.concat(blocks);
}

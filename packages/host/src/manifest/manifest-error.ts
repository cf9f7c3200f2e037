// The one error loadManifest throws for a plugin it cannot load. Its message reads like a
// compiler diagnostic: which file, which field, what is wrong and what to do about it.

export interface ManifestErrorInit {
  /** Absolute path of the manifest file, or of the plugin folder when no single manifest was found. */
  file: string;
  /** Dotted path of the offending field, e.g. "server.executable"; omitted when the whole file is at fault. */
  field?: string;
  /** What is wrong and how to fix it; follows the quoted field name when there is one. */
  problem: string;
  /** 1-based position of a syntax error. */
  line?: number;
  column?: number;
}

export class ManifestError extends Error {
  override readonly name = "ManifestError";
  readonly file: string;
  readonly field: string | undefined;
  readonly line: number | undefined;
  readonly column: number | undefined;

  constructor({ file, field, problem, line, column }: ManifestErrorInit) {
    const position = line === undefined ? "" : `:${line}:${column ?? 1}`;
    const subject = field === undefined ? "" : `"${field}" `;
    super(`${file}${position}: ${subject}${problem}`);
    this.file = file;
    this.field = field;
    this.line = line;
    this.column = column;
  }
}

// One log entry as a test reads it, whether the plugin ran in-process (the SDK logger's
// entries) or as a process (the lines the host read from it), or the host wrote it.
import type { LogLevel } from "@plugwire/host";

export interface CapturedLog {
  level: LogLevel;
  msg: string;
  /** The entry's structured fields; `{}` when it has none. */
  fields: Record<string, unknown>;
  time: Date;
}

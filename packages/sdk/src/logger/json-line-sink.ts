// A plugin's log on the wire: one JSON line per entry on stderr (@plugwire/protocol's log.ts).
export { jsonLineSink } from "@plugwire/protocol";

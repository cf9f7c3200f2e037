// Metadata on the call channel (channel.proto): header fields as name/value pairs, converted
// from and to Node's header objects only when a call has any.
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from "node:http2";
import type { MessageInitShape } from "@bufbuild/protobuf";
import type { ChannelMetadata, ChannelMetadataSchema } from "../gen/plugwire/v1/channel_pb.js";

export type MetadataInit = MessageInitShape<typeof ChannelMetadataSchema>;

/** The fields of a Node header object as pairs, pseudo-headers left out. */
export function metadataList(headers: OutgoingHttpHeaders): MetadataInit[] {
  const list: MetadataInit[] = [];
  for (const name in headers) {
    const value = headers[name];
    if (name.startsWith(":") || value === undefined) {
      continue;
    }
    if (Array.isArray(value)) {
      for (const item of value) list.push({ name, value: item });
    } else {
      list.push({ name, value: String(value) });
    }
  }
  return list;
}

/** Adds pairs to a Node header object; a repeated name collects its values in order. */
export function addMetadata(target: IncomingHttpHeaders, list: readonly ChannelMetadata[]): void {
  for (const { name, value } of list) {
    const present = target[name];
    if (present === undefined) {
      target[name] = value;
    } else if (Array.isArray(present)) {
      present.push(value);
    } else {
      target[name] = [present, value];
    }
  }
}

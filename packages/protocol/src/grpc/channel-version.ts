// The call channel's own version, agreed when the channel opens, apart from the protocol's:
// the caller lists the versions it speaks in a request header of the channel's stream, the
// callee answers with the one it chose in its response head, or refuses the channel when it
// speaks none of them. Either side missing the header means version 1, the channel as first
// written, so peers that predate the header agree on it.
import type { IncomingHttpHeaders } from "node:http2";

export const channelVersionHeader = "plugwire-channel-version";

/** The channel version this implementation speaks (channel.proto as it is). */
export const channelVersion = 1;

/**
 * The version to use for a caller's offer (its header's value: versions, comma-separated);
 * undefined when this side speaks none of them.
 */
export function agreedChannelVersion(offer: IncomingHttpHeaders[string]): number | undefined {
  if (offer === undefined) {
    return channelVersion;
  }
  const versions = (Array.isArray(offer) ? offer.join(",") : offer)
    .split(",")
    .map((item) => Number(item.trim()));
  return versions.includes(channelVersion) ? channelVersion : undefined;
}

/** Whether the callee's answer names a version this caller speaks (absent: version 1). */
export function acceptsChannelVersion(answer: IncomingHttpHeaders[string]): boolean {
  return answer === undefined || answer === String(channelVersion);
}

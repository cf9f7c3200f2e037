// Row ids in Mattermost's shape: 16 random bytes written as 26 characters of base32 with
// Mattermost's lower-case alphabet, so ids look like the ones a Mattermost author knows and
// sort and compare as plain strings.
import { randomBytes } from "node:crypto";

const ALPHABET = "ybndrfg8ejkmcpqxot1uwisza345h769";

/** A new random 26-character id. */
export function newId(): string {
  let id = "";
  let buffer = 0;
  let bits = 0;
  for (const byte of randomBytes(16)) {
    // Only the bits not yet written are kept, so the buffer never outgrows 13 bits.
    buffer = ((buffer << 8) | byte) & 0x1fff;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      id += ALPHABET[(buffer >> bits) & 31];
    }
  }
  // 128 bits leave 3 over: the last character carries them, padded with zeros.
  return id + ALPHABET[(buffer << (5 - bits)) & 31];
}

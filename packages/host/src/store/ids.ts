// Row ids in Mattermost's shape: 16 random bytes written as 26 characters of base32 with
// Mattermost's lower-case alphabet, so ids look like the ones a Mattermost author knows and
// sort and compare as plain strings.
import { randomFillSync } from "node:crypto";

const ALPHABET = "ybndrfg8ejkmcpqxot1uwisza345h769";

// Random bytes are drawn 256 ids at a time: one draw per id cost more than the rest of making
// it, and every request gets an id.
const ID_BYTES = 16;
const pool = Buffer.alloc(ID_BYTES * 256);
let poolOffset = pool.length;

function nextRandomBytes(): Buffer {
  if (poolOffset === pool.length) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  const bytes = pool.subarray(poolOffset, poolOffset + ID_BYTES);
  poolOffset += ID_BYTES;
  return bytes;
}

/** A new random 26-character id. */
export function newId(): string {
  let id = "";
  let buffer = 0;
  let bits = 0;
  for (const byte of nextRandomBytes()) {
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

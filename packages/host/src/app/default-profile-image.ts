// The picture of a user who has not set one, drawn as Mattermost draws it: a 128×128 square in
// a colour picked from the user's id (FNV-1a, over Mattermost's palette) with the username's
// first character in white. Encoded as PNG with node:zlib; the glyphs are a 5×7 pixel font
// scaled up, so no font file or image library is needed.
import { crc32, deflateSync } from "node:zlib";

const SIZE = 128;
const SCALE = 10;

/** Mattermost's palette of default profile picture colours, as RGB. */
const PALETTE: readonly (readonly [number, number, number])[] = [
  [197, 8, 126],
  [227, 207, 18],
  [28, 181, 105],
  [35, 188, 224],
  [116, 49, 196],
  [197, 8, 126],
  [197, 19, 19],
  [250, 134, 6],
  [227, 207, 18],
  [123, 201, 71],
  [28, 181, 105],
  [35, 188, 224],
  [116, 49, 196],
  [197, 8, 126],
  [197, 19, 19],
  [250, 134, 6],
  [227, 207, 18],
  [123, 201, 71],
  [28, 181, 105],
  [35, 188, 224],
  [116, 49, 196],
  [197, 8, 126],
  [197, 19, 19],
  [250, 134, 6],
  [227, 207, 18],
  [123, 201, 71],
];

/** 5×7 glyphs, one row per string of five pixels ("#" set). */
const GLYPHS: Record<string, string> = {
  A: ".###.#...##...#######...##...##...#",
  B: "####.#...##...#####.#...##...#####.",
  C: ".###.#...##....#....#....#...#.###.",
  D: "####.#...##...##...##...##...#####.",
  E: "######....#....####.#....#....#####",
  F: "######....#....####.#....#....#....",
  G: ".###.#...##....#.####...##...#.####",
  H: "#...##...##...#######...##...##...#",
  I: ".###...#....#....#....#....#...###.",
  J: "..###...#....#....#....##..#.###...",
  K: "#...##..#.#.#..##...#.#..#..#.#...#",
  L: "#....#....#....#....#....#....#####",
  M: "#...###.###.#.##.#.##...##...##...#",
  N: "#...###..##.#.##..###...##...##...#",
  O: ".###.#...##...##...##...##...#.###.",
  P: "####.#...##...#####.#....#....#....",
  Q: ".###.#...##...##...##.#.##..#..##.#",
  R: "####.#...##...#####.#.#..#..#.#...#",
  S: ".####.....#.....###.....#....#####.",
  T: "#####..#....#....#....#....#....#..",
  U: "#...##...##...##...##...##...#.###.",
  V: "#...##...##...##...##...#.#.#...#..",
  W: "#...##...##...##.#.##.#.##.#.#.#.#.",
  X: "#...##...#.#.#...#...#.#.#...##...#",
  Y: "#...##...#.#.#...#....#....#....#..",
  Z: "#####....#...#...#...#...#....#####",
  "0": ".###.#...##..###.#.###..##...#.###.",
  "1": "..#...##....#....#....#....#...###.",
  "2": ".###.#...#....#...#...#...#...#####",
  "3": "####.....#....#.###.....#....#####.",
  "4": "...#...##..#.#.#..#.#####...#....#.",
  "5": "######....####.....#....##...#.###.",
  "6": "..##..#...#....####.#...##...#.###.",
  "7": "#####....#...#...#...#....#....#...",
  "8": ".###.#...##...#.###.#...##...#.###.",
  "9": ".###.#...##...#.####....#...#..##..",
};

/** The default picture of the user with this id and username, as PNG bytes. */
export function defaultProfileImage(userId: string, username: string): Uint8Array {
  const [red, green, blue] = PALETTE[fnv1a(userId) % PALETTE.length] ?? [0, 0, 0];
  const glyph = GLYPHS[(username[0] ?? "").toUpperCase()] ?? "";
  const left = (SIZE - 5 * SCALE) / 2;
  const top = (SIZE - 7 * SCALE) / 2;
  // One filter byte (0: none) then RGB pixels, per row.
  const raw = Buffer.alloc(SIZE * (1 + SIZE * 3));
  for (let y = 0; y < SIZE; y++) {
    const row = y * (1 + SIZE * 3);
    for (let x = 0; x < SIZE; x++) {
      const gx = Math.floor((x - left) / SCALE);
      const gy = Math.floor((y - top) / SCALE);
      const set = x >= left && y >= top && gx < 5 && gy < 7 && glyph[gy * 5 + gx] === "#";
      raw.set(set ? [255, 255, 255] : [red, green, blue], row + 1 + x * 3);
    }
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(SIZE, 0);
  header.writeUInt32BE(SIZE, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8 bits per sample, RGB, deflate, no filter choice, no interlace
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", deflateSync(raw)),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

function chunk(type: string, data: Buffer): Buffer {
  const typed = Buffer.concat([Buffer.from(type, "latin1"), data]);
  const out = Buffer.alloc(8 + typed.length + 4);
  out.writeUInt32BE(data.length, 0);
  typed.copy(out, 4);
  out.writeUInt32BE(crc32(typed), 4 + typed.length);
  return out;
}

/** 32-bit FNV-1a of the string's UTF-8 bytes, as Go's hash/fnv New32a. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(text, "utf8")) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

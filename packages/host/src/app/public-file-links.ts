// Public links to files, as Mattermost makes them: <site URL>/files/<id>/public?h=<hash>, where
// the hash is SHA-256 of the host's public link salt followed by the file id, in unpadded
// base64url. Whoever has the link reads the file without logging in; changing the salt
// revokes every link given out.
import { createHash, timingSafeEqual } from "node:crypto";

/** The hash of a file's public link. */
export function publicLinkHash(fileId: string, salt: string): string {
  return createHash("sha256").update(salt).update(fileId).digest("base64url");
}

/** The link's path and query, to put after the site URL. */
export function publicLinkPath(fileId: string, salt: string): string {
  return `/files/${fileId}/public?h=${publicLinkHash(fileId, salt)}`;
}

/** Whether `hash` is the file's, compared in constant time. */
export function isPublicLinkHash(fileId: string, salt: string, hash: string): boolean {
  const expected = Buffer.from(publicLinkHash(fileId, salt));
  const given = Buffer.from(hash);
  return given.byteLength === expected.byteLength && timingSafeEqual(given, expected);
}

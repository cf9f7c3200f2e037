// The image of an upload that sets a picture (a user's profile image, a team's icon), read as
// Mattermost's setProfileImage and setTeamIcon read it: a multipart form whose "image" field is
// the file, the whole request capped at the server's body limit (413 beyond, with the route's
// error id), 400 with the route's error id when no file came.
import { ValidationError } from "@plugwire/errors";
import { readMultipartForm } from "./multipart-form.js";
import type { RestCall } from "./rest-call.js";

/** `ids.tooLarge` and `ids.noFile` are the route's Mattermost error ids. */
export async function uploadedImage(
  call: RestCall,
  ids: { tooLarge: string; noFile: string },
): Promise<Uint8Array> {
  const form = await readMultipartForm(call.req, call.server.maxBodyBytes).catch(
    (error: unknown) => {
      if (error instanceof ValidationError && error.statusCode === 413) {
        throw new ValidationError({
          id: ids.tooLarge,
          message: `The image is larger than this server accepts (${call.server.maxBodyBytes} bytes).`,
          statusCode: 413,
          params: { field: "image" },
        });
      }
      throw error;
    },
  );
  const image = form.get("image");
  if (!(image instanceof Blob)) {
    throw new ValidationError({
      id: ids.noFile,
      message: 'No image came: send the picture as the multipart field "image".',
      params: { field: "image" },
    });
  }
  return new Uint8Array(await image.arrayBuffer());
}

// The errors the REST layer itself raises, with Mattermost's v4 ids, so a client that
// switches on `id` behaves as it does against Mattermost. Each names the field or URL part
// at fault in params.field.
import { PermissionDeniedError, UnauthenticatedError, ValidationError } from "@plugwire/errors";

/** A body field is missing, of the wrong type, or not allowed. */
export function invalidBodyParam(field: string, detail: string): ValidationError {
  return new ValidationError({
    id: "api.context.invalid_body_param.app_error",
    message: `Invalid or missing ${field} in request body: ${detail}`,
    params: { field },
  });
}

/** A path or query parameter is malformed. */
export function invalidUrlParam(field: string, detail: string): ValidationError {
  return new ValidationError({
    id: "api.context.invalid_url_param.app_error",
    message: `Invalid or missing ${field} parameter in request URL: ${detail}`,
    params: { field },
  });
}

/** The route needs a logged-in user and the request has no valid session. */
export function sessionRequired(detail = ""): UnauthenticatedError {
  return new UnauthenticatedError({
    id: "api.context.session_expired.app_error",
    message: "Invalid or expired session, please login again.",
    detailedError: detail,
  });
}

/** The logged-in user may not do this; `what` says what was refused, `permission` why. */
export function permissionDenied(what: string, permission: string): PermissionDeniedError {
  return new PermissionDeniedError({
    id: "api.context.permissions.app_error",
    message: `You do not have the appropriate permissions: ${what}.`,
    params: { permission },
  });
}

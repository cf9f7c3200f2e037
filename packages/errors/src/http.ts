// The Mattermost API v4 error body: {id, message, detailed_error, request_id, status_code}.
import { errorClassForStatus, type JsonValue, type PluginAPIError } from "./plugin-api-error.js";

/** The JSON error body of Mattermost's REST API v4. */
export interface HttpErrorBody {
  id: string;
  message: string;
  detailed_error: string;
  request_id: string;
  status_code: number;
  /** Plugwire's addition: the error's params, e.g. the invalid field. Absent when empty. */
  params?: Record<string, JsonValue>;
}

/** The HTTP status and body a REST server answers an error with. */
export function toHttpError(
  error: PluginAPIError,
  requestId = "",
): { status: number; body: HttpErrorBody } {
  const body: HttpErrorBody = {
    id: error.id,
    message: error.message,
    detailed_error: error.detailedError,
    request_id: requestId,
    status_code: error.statusCode,
  };
  if (Object.keys(error.params).length > 0) {
    body.params = error.params;
  }
  return { status: error.statusCode, body };
}

/** Reads an error body a REST server sent back into the matching PluginAPIError subclass. */
export function fromHttpError(status: number, body: unknown): PluginAPIError {
  const fields = (typeof body === "object" && body !== null ? body : {}) as Partial<HttpErrorBody>;
  const statusCode = typeof fields.status_code === "number" ? fields.status_code : status;
  const cls = errorClassForStatus(statusCode);
  return new cls({
    id: typeof fields.id === "string" ? fields.id : undefined,
    message: typeof fields.message === "string" ? fields.message : `HTTP ${status}`,
    detailedError: typeof fields.detailed_error === "string" ? fields.detailed_error : "",
    statusCode,
    params: typeof fields.params === "object" && fields.params !== null ? fields.params : {},
  });
}

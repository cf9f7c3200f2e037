// The public surface of @plugwire/errors: the error classes and their conversions to and from
// gRPC (Connect) and Mattermost's REST error body.
export {
  asPluginAPIError,
  fromConnectError,
  fromErrorDetail,
  serverErrorInterceptor,
  toConnectError,
  toErrorDetail,
  withPluginAPIErrors,
} from "./connect.js";
export { fromHttpError, type HttpErrorBody, toHttpError } from "./http.js";
export {
  AlreadyExistsError,
  errorClasses,
  InternalError,
  type JsonValue,
  NotFoundError,
  PermissionDeniedError,
  PluginAPIError,
  type PluginAPIErrorInit,
  TimeoutError,
  UnauthenticatedError,
  UnavailableError,
  ValidationError,
} from "./plugin-api-error.js";

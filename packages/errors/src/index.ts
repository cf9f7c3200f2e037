export {
  asPluginAPIError,
  fromConnectError,
  serverErrorInterceptor,
  toConnectError,
  toErrorDetail,
  withPluginAPIErrors,
} from "./connect.js";
export { fromHttpError, type HttpErrorBody, toHttpError } from "./http.js";
export {
  AlreadyExistsError,
  errorClasses,
  errorClassForCode,
  errorClassForStatus,
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

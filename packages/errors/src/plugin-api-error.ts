import { Code } from "@connectrpc/connect";

/** A JSON value, as error params may hold. */
export type JsonValue =
  | string
  | number
  | boolean
  | null
  | JsonValue[]
  | { [key: string]: JsonValue };

/** What every Plugwire error carries, after Mattermost's AppError. */
export interface PluginAPIErrorInit {
  /** Stable machine-readable id, e.g. "app.user.get.not_found". */
  id?: string;
  /** Human-readable message. */
  message: string;
  /** Further detail for logs and administrators. */
  detailedError?: string;
  /** HTTP status; defaults to the class's status. */
  statusCode?: number;
  /** The operation that failed, e.g. "PluginAPI.GetUser". */
  where?: string;
  /** Values the message was made from. */
  params?: Record<string, JsonValue>;
  /** The error that caused this one. */
  cause?: unknown;
}

/**
 * The base class of every Plugwire error. Subclasses fix the gRPC code and the HTTP status;
 * an error of a code no subclass claims arrives as this class with that code.
 */
export class PluginAPIError extends Error {
  /** gRPC code of this class; subclasses override it. */
  static readonly code: Code = Code.Unknown;
  /** HTTP status of this class; subclasses override it. */
  static readonly statusCode: number = 500;
  /** Default id of this class. */
  static readonly defaultId: string = "plugwire.error";

  override name = "PluginAPIError";
  readonly id: string;
  readonly detailedError: string;
  readonly statusCode: number;
  readonly where: string;
  readonly params: Record<string, JsonValue>;
  /** The gRPC code this error travels with. */
  readonly code: Code;

  constructor(init: PluginAPIErrorInit, code?: Code) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    const cls = new.target as typeof PluginAPIError;
    this.code = code ?? cls.code;
    this.id = init.id || cls.defaultId;
    this.detailedError = init.detailedError ?? "";
    this.statusCode = init.statusCode ?? cls.statusCode;
    this.where = init.where ?? "";
    this.params = init.params ?? {};
  }
}

/** The thing asked for does not exist (404, NotFound). */
export class NotFoundError extends PluginAPIError {
  static override readonly code = Code.NotFound;
  static override readonly statusCode = 404;
  static override readonly defaultId = "plugwire.not_found";
  override name = "NotFoundError";
}

/** The caller may not do this (403, PermissionDenied). */
export class PermissionDeniedError extends PluginAPIError {
  static override readonly code = Code.PermissionDenied;
  static override readonly statusCode = 403;
  static override readonly defaultId = "plugwire.permission_denied";
  override name = "PermissionDeniedError";
}

/** The input is invalid (400, InvalidArgument); `params.field` names the field when known. */
export class ValidationError extends PluginAPIError {
  static override readonly code = Code.InvalidArgument;
  static override readonly statusCode = 400;
  static override readonly defaultId = "plugwire.invalid_argument";
  override name = "ValidationError";
}

/** The thing to create exists already (409, AlreadyExists). */
export class AlreadyExistsError extends PluginAPIError {
  static override readonly code = Code.AlreadyExists;
  static override readonly statusCode = 409;
  static override readonly defaultId = "plugwire.already_exists";
  override name = "AlreadyExistsError";
}

/** The service can't answer now; try again later (503, Unavailable). */
export class UnavailableError extends PluginAPIError {
  static override readonly code = Code.Unavailable;
  static override readonly statusCode = 503;
  static override readonly defaultId = "plugwire.unavailable";
  override name = "UnavailableError";
}

/** The caller did not prove who it is (401, Unauthenticated). */
export class UnauthenticatedError extends PluginAPIError {
  static override readonly code = Code.Unauthenticated;
  static override readonly statusCode = 401;
  static override readonly defaultId = "plugwire.unauthenticated";
  override name = "UnauthenticatedError";
}

/** The operation did not finish before its deadline (504, DeadlineExceeded). */
export class TimeoutError extends PluginAPIError {
  static override readonly code = Code.DeadlineExceeded;
  static override readonly statusCode = 504;
  static override readonly defaultId = "plugwire.timeout";
  override name = "TimeoutError";
}

/** Something failed on the other side that the caller can't fix (500, Internal). */
export class InternalError extends PluginAPIError {
  static override readonly code = Code.Internal;
  static override readonly statusCode = 500;
  static override readonly defaultId = "plugwire.internal";
  override name = "InternalError";
}

/** Every subclass, each claiming one gRPC code. */
export const errorClasses = [
  NotFoundError,
  PermissionDeniedError,
  ValidationError,
  AlreadyExistsError,
  UnavailableError,
  UnauthenticatedError,
  TimeoutError,
  InternalError,
] as const;

/** The subclass for a gRPC code, or the base class when no subclass claims it. */
export function errorClassForCode(code: Code): typeof PluginAPIError {
  return errorClasses.find((cls) => cls.code === code) ?? PluginAPIError;
}

/** The subclass for an HTTP status, or the base class when no subclass claims it. */
export function errorClassForStatus(status: number): typeof PluginAPIError {
  return errorClasses.find((cls) => cls.statusCode === status) ?? PluginAPIError;
}

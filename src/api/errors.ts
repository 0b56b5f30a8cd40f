/**
 * The API's error catalogue: each error has a stable code (grep-able in logs and client code), an
 * HTTP status and a message. The body is CONTRACT §4's `{"error", "message", "details"?}`.
 */
export const API_ERRORS = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  internal: 500,
  /** A field device did not take a command (Modbus write timed out, exception, bus down). */
  write_failed: 502,
} as const;

export type ApiErrorCode = keyof typeof API_ERRORS;

export class ApiError extends Error {
  readonly status: number;

  constructor(
    readonly code: ApiErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.status = API_ERRORS[code];
  }
}

export const errorBody = (e: ApiError): Record<string, unknown> => ({
  error: e.code,
  message: e.message,
  ...(e.details !== undefined ? { details: e.details } : {}),
});

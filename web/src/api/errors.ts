// Errors of API calls, typed by the server's error payload {"code", "message", "details"} (assay.errors).

/** A request the server answered with an error status. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: unknown;

  constructor(status: number, code: string, message: string, details: unknown = null) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

/** 401: no session (or a bad token). The app answers it by showing its sign-in page. */
export class UnauthenticatedError extends ApiError {
  constructor(message = "sign in to continue", details: unknown = null) {
    super(401, "unauthenticated", message, details);
    this.name = "UnauthenticatedError";
  }
}

interface ErrorPayload {
  code?: unknown;
  message?: unknown;
  details?: unknown;
}

/** The typed error for a failed response, from its parsed body (or its text when it was not JSON). */
export function errorFromResponse(status: number, body: unknown): ApiError {
  const payload: ErrorPayload = body !== null && typeof body === "object" ? (body as ErrorPayload) : {};
  const message =
    typeof payload.message === "string"
      ? payload.message
      : typeof body === "string" && body
        ? body
        : `request failed with status ${status}`;
  if (status === 401) return new UnauthenticatedError(message, payload.details ?? null);
  const code = typeof payload.code === "string" ? payload.code : `http_${status}`;
  return new ApiError(status, code, message, payload.details ?? null);
}

export function isUnauthenticated(error: unknown): error is UnauthenticatedError {
  return error instanceof UnauthenticatedError;
}

// One error type for the whole API, rendered as
// {"error": {"code", "message", "details"?}} (API.md, "Errors").
import { z } from "zod";
import type { ProviderErrorCode } from "@/lib/agents/types";
import { logger } from "@/lib/logger";

export type ErrorCode =
  | "invalid_json"
  | "validation_error"
  | "not_found"
  | "conversation_busy"
  | "payload_too_large"
  | "unsupported_media_type"
  | "internal"
  | ProviderErrorCode;

export const ERROR_STATUS: Record<ErrorCode, number> = {
  invalid_json: 400,
  validation_error: 400,
  not_found: 404,
  conversation_busy: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  provider_not_configured: 503,
  provider_unavailable: 503,
  provider_auth: 502,
  context_length_exceeded: 400,
  provider_error: 502,
  internal: 500,
};

export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = "AppError";
    this.status = ERROR_STATUS[code];
  }
}

export interface ErrorBody {
  error: { code: ErrorCode; message: string; details?: unknown };
}

/** Zod issues as `details`: one entry per field, path joined with dots. */
export function validationError(error: z.ZodError, where = "body"): AppError {
  const details = error.issues.map((issue) => ({
    field: issue.path.length ? issue.path.join(".") : where,
    message: issue.message,
  }));
  const first = details[0];
  const message = first ? `Invalid ${where}: ${first.field}: ${first.message}` : `Invalid ${where}`;
  return new AppError("validation_error", message, details);
}

/** Anything thrown becomes an AppError; unknown causes are logged and answered generically. */
export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  if (err instanceof z.ZodError) return validationError(err);
  logger.error("internal error", err);
  return new AppError("internal", "Something went wrong on the server. The details are in the server log.");
}

export function errorBody(err: AppError): ErrorBody {
  return {
    error: { code: err.code, message: err.message, ...(err.details !== undefined ? { details: err.details } : {}) },
  };
}

/** Headers an error answer carries: Retry-After for rate limits. */
export function errorHeaders(err: AppError): Record<string, string> {
  return err.retryAfterMs !== undefined ? { "Retry-After": String(Math.ceil(err.retryAfterMs / 1000)) } : {};
}

export function errorResponse(err: unknown): Response {
  const appError = toAppError(err);
  return Response.json(errorBody(appError), { status: appError.status, headers: errorHeaders(appError) });
}

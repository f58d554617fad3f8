import { AppError, isAppError, STATUS_BY_CODE, type ErrorCode } from "@galley/core";
import type { z } from "zod";

// API answers are per-user and never cacheable by browsers or proxies.
const NO_STORE = { "cache-control": "no-store" };

export function json(data: unknown, init: { status?: number; headers?: Record<string, string> } = {}): Response {
  return Response.json(data, { status: init.status ?? 200, headers: { ...NO_STORE, ...init.headers } });
}

export function errorBody(code: ErrorCode, message: string, extra: { field?: string; details?: unknown; requestId?: string } = {}) {
  return {
    error: {
      code,
      message,
      ...(extra.field ? { field: extra.field } : {}),
      ...(extra.details !== undefined ? { details: extra.details } : {}),
      ...(extra.requestId ? { requestId: extra.requestId } : {}),
    },
  };
}

/** AppError → its status; anything else → 500 with the request id only (details go to the log). */
export function errorResponse(e: unknown, requestId: string): Response {
  if (isAppError(e)) {
    const err = e as AppError;
    return json(errorBody(err.code, err.message, { field: err.field, details: err.details }), { status: STATUS_BY_CODE[err.code] ?? 500 });
  }
  return json(errorBody("internal", `internal error; quote request id ${requestId} when reporting it`, { requestId }), { status: 500 });
}

/** The first zod issue as `invalid_input` with `field` = its path joined by '.'. */
export function zodError(error: z.ZodError): AppError {
  const issue = error.issues[0];
  const field = issue.path.map(String).join(".") || undefined;
  return new AppError("invalid_input", field ? `${field}: ${issue.message}` : issue.message, {
    field,
    details: error.issues.length > 1 ? { issues: error.issues.map((i) => ({ field: i.path.map(String).join("."), message: i.message })) } : undefined,
  });
}

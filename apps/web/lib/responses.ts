import { createHash } from "node:crypto";
import { AppError, isAppError, STATUS_BY_CODE, type ErrorCode } from "@galley/core";
import type { z } from "zod";

// API answers are per-user and never cacheable by browsers or proxies.
const NO_STORE = { "cache-control": "no-store" };

/** JSON bytes computed once and served many times, with the ETag that names them (cachedJson). */
export interface CachedJson {
  bytes: Uint8Array<ArrayBuffer>;
  etag: string;
}

export function cachedJsonOf(text: string): CachedJson {
  const bytes = new TextEncoder().encode(text);
  return { bytes, etag: `"${createHash("sha256").update(bytes).digest("base64url")}"` };
}

/**
 * An answer kept in memory: its ETag and `no-transform` let the web server gzip it once for all
 * the requests that get the same bytes (apps/web/server/memo-gzip.mjs) instead of Next gzipping
 * it on each.
 */
export function cachedJson(c: CachedJson): Response {
  return new Response(c.bytes, { headers: { "content-type": "application/json", "cache-control": "no-store, no-transform", etag: c.etag } });
}

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

// Connection-level failures: Prisma P1001 (unreachable), P1002/P1008 (timeouts), P1017 (closed),
// P2024 (pool timeout); PostgreSQL 08xxx, 57P01/57P03 (shutting down, starting), 3D000 (no database).
const UNAVAILABLE_CODES = /^(P1001|P1002|P1008|P1017|P2024|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENOTFOUND|08\w{3}|57P01|57P03|3D000)$/;

/** A dependency being down is a 503 the client may retry, not a 500 bug. */
export function isUnavailable(e: unknown, depth = 0): boolean {
  if (!e || typeof e !== "object" || depth > 3) return false;
  const code = (e as { code?: unknown }).code;
  if (typeof code === "string" && UNAVAILABLE_CODES.test(code)) return true;
  if (/Can't reach database server|Connection terminated|connect ECONNREFUSED/.test(String((e as Error).message))) return true;
  return isUnavailable((e as { cause?: unknown }).cause, depth + 1);
}

/** AppError → its status; anything else → 500 with the request id only (details go to the log). */
export function errorResponse(e: unknown, requestId: string): Response {
  if (!isAppError(e) && isUnavailable(e)) {
    return json(errorBody("unavailable", "the database is unavailable; try again shortly", { requestId }), { status: 503 });
  }
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

/**
 * Plain fields for the log. (@galley/core's key redaction walks own enumerable properties, which
 * turns an Error into {} — so errors are flattened before logging.)
 */
export function describeError(e: unknown): Record<string, unknown> {
  if (!(e instanceof Error)) return { value: String(e) };
  const code = (e as { code?: unknown }).code;
  return {
    name: e.name,
    message: e.message,
    ...(code !== undefined ? { code } : {}),
    stack: e.stack,
    ...(e.cause !== undefined ? { cause: describeError(e.cause) } : {}),
  };
}

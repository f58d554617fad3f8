import { AppError, isAppError, type ErrorCode } from "@galley/core";
import { lineOfPosition } from "./sql-tokenize";

interface PgError {
  code?: string;
  message: string;
  position?: string;
  detail?: string;
  hint?: string;
}

function codeFor(sqlstate: string | undefined): ErrorCode {
  if (sqlstate === "42501") return "forbidden";
  if (sqlstate === "42P06" || sqlstate === "42P07" || sqlstate === "42710") return "conflict";
  if (sqlstate === "55P03" || sqlstate === "40P01" || sqlstate === "40001") return "conflict";
  return "invalid_input";
}

export interface SqlErrorContext {
  /** The SQL text that was sent, to turn PostgreSQL's character position into a line. */
  sql?: string;
  /** File (or node) the SQL came from, for the error's field (`file:line`). */
  source?: string;
  timeoutMs?: number;
  /** Characters of `sql` before the text PostgreSQL saw (statements are sent one at a time). */
  offset?: number;
}

/**
 * Turns a PostgreSQL error raised by user SQL into an AppError carrying the server's message,
 * the line (and column) of the failing token, SQLSTATE, detail and hint.
 */
export function sqlError(e: unknown, ctx: SqlErrorContext = {}): AppError {
  if (isAppError(e)) return e;
  const err = e as PgError;
  if (!err || typeof err.message !== "string" || typeof err.code !== "string") {
    return new AppError("internal", `warehouse query failed: ${String((e as Error)?.message ?? e)}`, { cause: e });
  }
  const pos = err.position ? Number(err.position) + (ctx.offset ?? 0) : undefined;
  const where = ctx.sql !== undefined && pos ? lineOfPosition(ctx.sql, pos) : undefined;
  let message = err.message;
  if (err.code === "57014" && ctx.timeoutMs !== undefined) message = `SQL timed out after ${ctx.timeoutMs} ms (${err.message})`;
  if (where) message += ` (line ${where.line})`;
  if (err.hint) message += `. Hint: ${err.hint}`;
  const field = where ? `${ctx.source ?? "sql"}:${where.line}` : ctx.source;
  return new AppError(codeFor(err.code), message, {
    field,
    cause: e,
    details: { sqlstate: err.code, line: where?.line, column: where?.column, detail: err.detail, hint: err.hint },
  });
}

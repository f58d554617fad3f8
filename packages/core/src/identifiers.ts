import { AppError } from "./errors";

/** Names of Kitchens, environments and schemas: they become SQL identifiers and git branch names. */
export const IDENTIFIER_RE = /^[a-z][a-z0-9_]{1,39}$/;

export function assertIdentifier(value: string, field: string): string {
  if (typeof value !== "string" || !IDENTIFIER_RE.test(value)) {
    throw new AppError(
      "invalid_input",
      `${field} must be 2 to 40 characters: a lowercase letter, then lowercase letters, digits or underscores (got ${JSON.stringify(String(value).slice(0, 80))})`,
      { field },
    );
  }
  return value;
}

/**
 * Quotes a PostgreSQL identifier. Every identifier that reaches SQL goes through here,
 * even validated ones, so a future relaxed validator cannot open an injection.
 */
export function quoteIdent(name: string): string {
  if (typeof name !== "string" || name.length === 0) throw new AppError("invalid_input", "empty SQL identifier");
  if (name.includes("\u0000")) throw new AppError("invalid_input", "SQL identifier contains a NUL byte");
  if (Buffer.byteLength(name, "utf8") > 63) throw new AppError("invalid_input", `SQL identifier longer than 63 bytes: ${name.slice(0, 70)}`);
  return `"${name.replace(/"/g, '""')}"`;
}

/** schema.table, each part quoted. */
export function qualified(schema: string, table: string): string {
  return `${quoteIdent(schema)}.${quoteIdent(table)}`;
}

/** Quotes a SQL string literal (for DDL where parameters are not allowed). */
export function quoteLiteral(value: string): string {
  if (value.includes("\u0000")) throw new AppError("invalid_input", "SQL literal contains a NUL byte");
  return `'${value.replace(/'/g, "''")}'`;
}

// The SQL of each metric and built-in test. Every identifier is quoted; values travel as
// parameters. `where`, `expression` and `sql` are the test author's own SQL: the caller runs them
// read-only, as the Kitchen's role, and refuses more than one statement.
import { AppError, quoteIdent, quoteLiteral } from "@galley/core";
import type { TestKind } from "./spec";

export interface MetricQuery {
  sql: string;
  params: unknown[];
  /** `scalar`: one number in the first column of the first row. `rows`: columns `n` and `examples`. */
  shape: "scalar" | "rows";
}

export const MAX_EXAMPLES = 10;

export function quoteTable(name: string): string {
  return name.split(".").map(quoteIdent).join(".");
}

const filter = (where: unknown) => (typeof where === "string" && where.trim() ? ` WHERE (${where})` : "");
const andFilter = (where: unknown) => (typeof where === "string" && where.trim() ? ` AND (${where})` : "");

/** Failing rows `f` → their count and up to 10 of them, in one round trip. */
function rowsQuery(failing: string, count = "count(*)"): string {
  return `WITH f AS (${failing}) SELECT (SELECT ${count} FROM f)::bigint AS n, (SELECT coalesce(json_agg(e), '[]'::json) FROM (SELECT * FROM f LIMIT ${MAX_EXAMPLES}) e) AS examples`;
}

type Args = Record<string, unknown>;

export function metricQuery(kind: TestKind, args: Args): MetricQuery | undefined {
  const table = typeof args.table === "string" ? quoteTable(args.table) : "";
  const col = typeof args.column === "string" ? quoteIdent(args.column) : "";
  switch (kind) {
    case "unique": {
      const cols = (Array.isArray(args.column) ? args.column : [args.column]).map((c) => quoteIdent(String(c))).join(", ");
      return {
        sql: rowsQuery(`SELECT ${cols}, count(*) AS duplicates FROM ${table}${filter(args.where)} GROUP BY ${cols} HAVING count(*) > 1 ORDER BY count(*) DESC`, "coalesce(sum(duplicates), 0)"),
        params: [],
        shape: "rows",
      };
    }
    case "not_null":
    case "accepted_values":
    case "expression":
      return { sql: rowsQuery(`SELECT * FROM ${table} WHERE ${failingCondition(kind, args)}`), params: [], shape: "rows" };
    case "relationships": {
      const to = quoteTable(String(args.to));
      const field = quoteIdent(String(args.field));
      return {
        sql: rowsQuery(`SELECT * FROM ${table} AS child WHERE child.${col} IS NOT NULL${andFilter(args.where)} AND NOT EXISTS (SELECT 1 FROM ${to} AS parent WHERE parent.${field} = child.${col})`),
        params: [],
        shape: "rows",
      };
    }
    case "row_count":
      return { sql: `SELECT count(*)::bigint FROM ${table}${filter(args.where)}`, params: [], shape: "scalar" };
    case "null_ratio":
      return {
        sql: `SELECT CASE WHEN count(*) = 0 THEN 0 ELSE sum(CASE WHEN ${col} IS NULL THEN 1 ELSE 0 END)::float8 / count(*) END FROM ${table}${filter(args.where)}`,
        params: [],
        shape: "scalar",
      };
    case "distinct_count":
      return { sql: `SELECT count(DISTINCT ${col})::bigint FROM ${table}${filter(args.where)}`, params: [], shape: "scalar" };
    case "min":
    case "max":
    case "avg":
      return { sql: `SELECT ${kind}(${col})::float8 FROM ${table}${filter(args.where)}`, params: [], shape: "scalar" };
    case "freshness":
      // Age in seconds of the newest value; dates count from their midnight.
      return { sql: `SELECT extract(epoch FROM (now() - max(${col})::timestamptz))::float8 FROM ${table}${filter(args.where)}`, params: [], shape: "scalar" };
    case "sql":
      return { sql: String(args.sql), params: [], shape: "scalar" };
    case "output":
    case "duration":
      return undefined;
  }
}

/** Row tests whose failing rows are a condition on one table: tests on the same table count in one scan. */
export const COUNTABLE_ROW_TESTS: ReadonlySet<TestKind> = new Set(["not_null", "accepted_values", "expression"]);

/** The condition a failing row meets (the test's own `where` included). */
export function failingCondition(kind: TestKind, args: Args): string {
  const col = typeof args.column === "string" ? quoteIdent(args.column) : "";
  switch (kind) {
    case "not_null":
      return `${col} IS NULL${andFilter(args.where)}`;
    case "accepted_values": {
      // Compared as text, so `values: [1, 2]` works on an integer column as on a text one. Literals
      // (quoted) rather than parameters: the tests of a node go to the server in one batch.
      const values = (args.values as unknown[]).map((v) => quoteLiteral(String(v))).join(", ");
      return `${col} IS NOT NULL AND NOT (${col}::text = ANY(ARRAY[${values}]::text[]))${andFilter(args.where)}`;
    }
    case "expression":
      // As dbt's expression_is_true: a row fails when the expression is false; NULL does not fail.
      return `NOT (${String(args.expression)})${andFilter(args.where)}`;
    default:
      throw new AppError("internal", `${kind} is not a countable row test`);
  }
}

/** The failing-row counts of several row tests of one table in one scan: columns m0, m1, ... */
export function failingCountsQuery(table: string, tests: { kind: TestKind; args: Args }[]): MetricQuery {
  const counts = tests.map((t, i) => `count(*) FILTER (WHERE ${failingCondition(t.kind, t.args)})::bigint AS m${i}`);
  return { sql: `SELECT ${counts.join(", ")} FROM ${quoteTable(table)}`, params: [], shape: "scalar" };
}

/** Metrics that are one aggregate over a table: tests on the same table and filter share one scan. */
export const AGGREGATES: ReadonlySet<TestKind> = new Set(["row_count", "null_ratio", "distinct_count", "min", "max", "avg", "freshness"]);

function aggregateExpr(kind: TestKind, args: Args): string {
  const col = typeof args.column === "string" ? quoteIdent(args.column) : "";
  switch (kind) {
    case "row_count": return "count(*)::bigint";
    case "null_ratio": return `CASE WHEN count(*) = 0 THEN 0 ELSE sum(CASE WHEN ${col} IS NULL THEN 1 ELSE 0 END)::float8 / count(*) END`;
    case "distinct_count": return `count(DISTINCT ${col})::bigint`;
    case "min": case "max": case "avg": return `${kind}(${col})::float8`;
    case "freshness": return `extract(epoch FROM (now() - max(${col})::timestamptz))::float8`;
    default: throw new AppError("internal", `${kind} is not an aggregate metric`);
  }
}

/** Several aggregate metrics of one table (and `where`) in one query: columns m0, m1, ... */
export function aggregatesQuery(table: string, where: unknown, metrics: { kind: TestKind; args: Args }[]): MetricQuery {
  return { sql: `SELECT ${metrics.map((m, i) => `${aggregateExpr(m.kind, m.args)} AS m${i}`).join(", ")} FROM ${quoteTable(table)}${filter(where)}`, params: [], shape: "scalar" };
}

/** The number in a scalar query's answer, or an error saying what came back instead. */
export function scalarOf(rows: readonly Record<string, unknown>[], kind: TestKind): number {
  if (rows.length === 0) throw new AppError("invalid_input", "the query returned no row; it must return one number");
  const v = Object.values(rows[0])[0];
  if (v === null || v === undefined) {
    throw new AppError("invalid_input", kind === "sql" ? "the query returned NULL; it must return one number (use coalesce)" : `${kind} is NULL: the table has no rows${kind === "freshness" || kind === "row_count" ? "" : " with a value in the column"}`);
  }
  const n = typeof v === "number" ? v : typeof v === "string" || typeof v === "bigint" ? Number(v) : Number.NaN;
  if (typeof v === "string" && v.trim() === "") throw new AppError("invalid_input", "the query returned empty text, not a number");
  if (!Number.isFinite(n)) throw new AppError("invalid_input", `the query returned ${JSON.stringify(String(v)).slice(0, 60)}, not a number`);
  return n;
}

/** Example rows as stored: at most 10, long values cut, so one wide table cannot bloat the history. */
export function trimExamples(examples: unknown): Record<string, unknown>[] {
  if (!Array.isArray(examples)) return [];
  return examples.slice(0, MAX_EXAMPLES).map((row) => {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries((row ?? {}) as Record<string, unknown>).slice(0, 30)) {
      out[k] = typeof v === "string" && v.length > 200 ? `${v.slice(0, 200)}…` : v && typeof v === "object" ? trimJson(v) : v;
    }
    return out;
  });
}

function trimJson(v: object): unknown {
  const s = JSON.stringify(v);
  return s.length > 200 ? `${s.slice(0, 200)}…` : v;
}

/** A value of the node's outputs by dotted key (`totals.eu`). */
export function outputValue(outputs: Readonly<Record<string, unknown>>, key: string): number {
  let v: unknown = outputs;
  for (const part of key.split(".")) {
    if (!v || typeof v !== "object" || !Object.hasOwn(v, part)) throw new AppError("invalid_input", `the node's outputs have no "${key}" (keys: ${Object.keys(outputs).join(", ") || "none"})`);
    v = (v as Record<string, unknown>)[part];
  }
  const n = typeof v === "number" ? v : typeof v === "string" && v.trim() !== "" ? Number(v) : Number.NaN;
  if (!Number.isFinite(n)) throw new AppError("invalid_input", `output "${key}" is ${JSON.stringify(v)?.slice(0, 60)}, not a number`);
  return n;
}

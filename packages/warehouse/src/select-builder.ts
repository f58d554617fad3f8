import { createHash } from "node:crypto";
import { AppError, qualified, quoteIdent, quoteLiteral } from "@galley/core";
import type { TablePlan, TMask, TSample } from "./data-policy";

// Builds the SELECT that fills a child table from its parent: masks in the select list,
// sampling in the FROM/ORDER BY. Pure (strings in, SQL out) and unit-tested. Masked values
// go into DDL (CREATE TABLE AS, COPY (...) TO), where parameters are not allowed, so literals
// are quoted with quoteLiteral and identifiers with quoteIdent.

export interface Capabilities {
  redshift: boolean;
  /** Digest used by hash masks: sha256() needs PostgreSQL 11+, Redshift has sha2(). */
  hash: "sha256" | "md5" | "sha2";
}

export interface Column {
  name: string;
  /** format_type() of the column, e.g. `character varying(20)`, `integer`, `public."my type"`. */
  type: string;
  /**
   * False for enums, domains and other types defined outside pg_catalog. Their casts can be
   * user-defined functions (CREATE CAST) and a domain's CHECK can call one, so masks never cast
   * to or from them: the type's own output function (format %s) gives the text, the result stays text.
   */
  builtin?: boolean;
}

export interface SourceRelation {
  schema: string;
  name: string;
  /** pg_class.relkind: TABLESAMPLE needs a table, a partitioned table or a materialized view. */
  relkind: string;
  columns: Column[];
}

// format_type() output: optionally qualified (quoted) names, modifiers, time zone, array brackets.
const TYPE_RE =
  /^(?:"(?:[^"]|"")+"|[a-z_][a-z0-9_ ]*)(?:\.(?:"(?:[^"]|"")+"|[a-z_][a-z0-9_]*))?(?:\(\d+(?:,\d+)?\))?(?: with(?:out)? time zone)?(?:\[\])*$/i;

export function isSafeTypeName(type: string): boolean {
  return TYPE_RE.test(type) && !type.includes("--");
}

const INT_BITS: Record<string, number> = { smallint: 16, integer: 32, bigint: 64 };

export type TypeClass = "string" | "int" | "decimal" | "uuid" | "other";

export function classifyType(type: string): TypeClass {
  if (/^(text|name|citext|"char"|character varying(\(\d+\))?|character(\(\d+\))?)$/.test(type)) return "string";
  if (type in INT_BITS) return "int";
  if (/^(numeric(\(\d+(,\d+)?\))?|real|double precision)$/.test(type)) return "decimal";
  if (type === "uuid") return "uuid";
  return "other";
}

const asText = (col: Column) => (col.builtin === false ? `format('%s', ${quoteIdent(col.name)})` : `CAST(${quoteIdent(col.name)} AS text)`);
const salted = (expr: string, salt?: string) => (salt ? `${quoteLiteral(salt)} || ${expr}` : expr);
const castTo = (expr: string, col: Column) => (col.builtin !== false && isSafeTypeName(col.type) ? `CAST(${expr} AS ${col.type})` : expr);

/**
 * Same-shape replacement, deterministic per input (so fake keys still join): each digit
 * becomes a digit and, when `letters`, each letter a letter of the same case, picked from a
 * 64-byte digest of the salted value (four md5s; a position's block index is mixed in beyond 64
 * characters). Other characters (@ . - space) stay. Non-ASCII characters become lowercase
 * letters so accents leak nothing. PostgreSQL only. `OFFSET 0` keeps the planner from inlining
 * the digest into every character (3x slower).
 */
export function fakeTextSql(v: string, letters: boolean, salt?: string): string {
  const md5s = [0, 1, 2, 3].map((k) => `md5(${salted(`'${k}:' || ${v}`, salt)})`).join(" || ");
  const whens = [`WHEN ascii(u.ch) BETWEEN 48 AND 57 THEN chr(48 + x.b % 10)`];
  if (letters) {
    whens.push(
      `WHEN ascii(u.ch) BETWEEN 97 AND 122 THEN chr(97 + x.b % 26)`,
      `WHEN ascii(u.ch) BETWEEN 65 AND 90 THEN chr(65 + x.b % 26)`,
      `WHEN ascii(u.ch) > 127 THEN chr(97 + x.b % 26)`,
    );
  }
  return (
    `CASE WHEN ${v} IS NULL THEN NULL WHEN ${v} = '' THEN '' ELSE (` +
    `SELECT string_agg(CASE ${whens.join(" ")} ELSE u.ch END, '' ORDER BY u.i) ` +
    `FROM (SELECT decode(${md5s}, 'hex') AS h OFFSET 0) AS d ` +
    `CROSS JOIN unnest(string_to_array(${v}, NULL)) WITH ORDINALITY AS u(ch, i) ` +
    `CROSS JOIN LATERAL (SELECT (get_byte(d.h, CAST((u.i - 1) % 64 AS integer)) + CAST((u.i - 1) / 64 AS integer) * 89) % 256 AS b) AS x) END`
  );
}

/**
 * Integers (typically keys) get a keyed bijection of the type's range, y = (a·x + b) mod 2^bits
 * with odd a: same type, never two ids onto one, so joins on fake keys match exactly. a and b
 * come from the salt. It is pseudonymisation, not encryption: known pairs reveal a and b.
 */
export function fakeIntSql(col: Column, salt?: string): string {
  const bits = INT_BITS[col.type];
  const digest = createHash("sha256").update(`galley-fake-int:${salt ?? ""}`).digest();
  const m = 1n << BigInt(bits);
  const a = (BigInt(`0x${digest.subarray(0, 16).toString("hex")}`) % m) | 1n;
  const b = BigInt(`0x${digest.subarray(16, 32).toString("hex")}`) % m;
  const half = m >> 1n;
  const u = `(CAST(${quoteIdent(col.name)} AS numeric) + ${half})`;
  return `CAST(mod(${u} * ${a} + ${b}, ${m}) - ${half} AS ${col.type})`;
}

function hashSql(v: string, caps: Capabilities, salt?: string): string {
  const input = salted(v, salt);
  if (caps.hash === "sha256") return `encode(sha256(convert_to(${input}, 'UTF8')), 'hex')`;
  if (caps.hash === "sha2") return `sha2(${input}, 256)`;
  return `md5(${input})`;
}

function fakeSql(col: Column, caps: Capabilities, salt?: string): string {
  if (caps.redshift) throw new AppError("invalid_input", `fake masks need PostgreSQL (column "${col.name}"); use hash, null or fixed on Redshift`);
  const v = asText(col);
  const cls = col.builtin === false ? "other" : classifyType(col.type);
  if (cls === "string") return castTo(fakeTextSql(v, true, salt), col);
  if (cls === "int") return fakeIntSql(col, salt);
  if (cls === "decimal") return castTo(fakeTextSql(v, false, salt), col);
  if (cls === "uuid") return `CAST(md5(${salted(v, salt)}) AS uuid)`;
  return fakeTextSql(v, true, salt);
}

export function maskExpression(col: Column, mask: TMask, caps: Capabilities, salt?: string): string {
  switch (mask.kind) {
    case "hash":
      return hashSql(asText(col), caps, salt);
    case "null":
      return castTo("NULL", col);
    case "fixed":
      return castTo(quoteLiteral(mask.value ?? ""), col);
    case "fake":
      return fakeSql(col, caps, salt);
  }
}

/** The column type a masked column ends up with (hashes are text; some fakes fall back to text). */
export function maskedType(col: Column, mask: TMask | undefined): string {
  const safe = isSafeTypeName(col.type) && (col.builtin !== false || !mask) ? col.type : "text";
  if (!mask) return safe;
  if (mask.kind === "hash") return "text";
  if (mask.kind === "fake" && classifyType(col.type) === "other") return "text";
  return safe;
}

export function selectList(columns: Column[], masks: Record<string, TMask>, caps: Capabilities, salt?: string): string {
  if (Object.keys(masks).length === 0) return "*";
  return columns
    .map((c) => (masks[c.name] ? `${maskExpression(c, masks[c.name], caps, salt)} AS ${quoteIdent(c.name)}` : quoteIdent(c.name)))
    .join(", ");
}

function sampleClauses(rel: SourceRelation, sample: TSample | undefined, caps: Capabilities): { from: string; where: string; tail: string } {
  if (!sample) return { from: "", where: "", tail: "" };
  let from = "";
  let where = "";
  if (sample.percent !== undefined && sample.percent < 100) {
    // TABLESAMPLE only applies to stored relations; views (and Redshift) filter rows instead.
    const storable = ["r", "p", "m"].includes(rel.relkind) && !caps.redshift;
    if (storable) from = ` TABLESAMPLE BERNOULLI (${Number(sample.percent)})`;
    else where = ` WHERE random() < ${Number(sample.percent) / 100}`;
  }
  const tail = sample.rows !== undefined ? ` ORDER BY random() LIMIT ${Math.floor(Number(sample.rows))}` : "";
  return { from, where, tail };
}

/** The SELECT producing a child table's rows for a copy or sample plan. */
export function fillSelect(rel: SourceRelation, plan: Pick<TablePlan, "mode" | "sample" | "masks">, caps: Capabilities, salt?: string): string {
  const list = selectList(rel.columns, plan.masks, caps, salt);
  const s = sampleClauses(rel, plan.mode === "sample" ? plan.sample : undefined, caps);
  return `SELECT ${list} FROM ${qualified(rel.schema, rel.name)}${s.from}${s.where}${s.tail}`;
}

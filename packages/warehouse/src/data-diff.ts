import { AppError, qualified, quoteIdent } from "@galley/core";
import { bucketCount, compareKeyedHashes, differingBuckets, planDiff, type BucketSummary, type DiffColumn, type DiffPlan, type KeyedHash, type SchemaChanges } from "./data-diff-plan";
import type { Tx, Warehouse } from "./warehouse";

// Compares one table in two Kitchens inside the warehouse(s): only counts, hashes and a few
// example rows come back to Galley, never whole tables.
// - Same warehouse: one FULL JOIN on the key writes the differing rows' keys to a temp table;
//   counts, per-column change counts and examples are read from it (exact).
// - Two warehouses (a development Kitchen merged into production): a hash per key bucket on each
//   side, then (key, row hash) only for the buckets that differ, then full rows for a bounded
//   sample of the changed keys (per-column rates are estimated from that sample when it is cut).
// Reads run as `role` when given (SET LOCAL ROLE): tables only, with row security off, so a
// Kitchen's functions or policies never run with Galley's rights.

export interface DiffSide {
  wh: Warehouse;
  schema: string;
  table: string;
  /** Role to read as (the Kitchen's own role); Galley's connection otherwise. */
  role?: string;
}

export interface DiffTablesInput {
  /** The Kitchen being merged (the child). */
  source: DiffSide;
  /** The Kitchen merged into (the parent). */
  target: DiffSide;
  /** Columns that identify a row; default: the target's primary key. */
  key?: string[];
  /** Example rows per kind (default 5). */
  examples?: number;
  /** Changed rows read in full for per-column rates across warehouses (default 2,000). */
  sampleChanged?: number;
}

export type Row = Record<string, unknown>;

export interface TableDiff {
  table: string;
  key: string[];
  method: "join" | "buckets";
  counts: { source: number; target: number };
  rows: { added: number; removed: number; changed: number; unchanged: number };
  schema: SchemaChanges;
  /** Among rows present on both sides: how many changed in each column. */
  columns: { name: string; changed: number; rate: number }[];
  /** False when per-column figures were estimated from a sample of the changed rows. */
  exact: boolean;
  examples: { added: Row[]; removed: Row[]; changed: { before: Row; after: Row }[] };
}

const q = quoteIdent;
const PRESENT = "galley_diff_present__";

export async function diffTables(input: DiffTablesInput): Promise<TableDiff> {
  const { source, target } = input;
  const where = `${source.table}`;
  const [srcCols, tgtCols] = await Promise.all([readSide(source, (tx) => columnsOf(tx, source)), readSide(target, (tx) => columnsOf(tx, target))]);
  if (!srcCols.length) throw new AppError("not_found", `table ${qualified(source.schema, source.table)} does not exist (or is not a table)`, { field: "table" });
  if (!tgtCols.length) throw new AppError("not_found", `table ${qualified(target.schema, target.table)} does not exist (or is not a table)`, { field: "table" });
  const key = input.key?.length ? input.key : await readSide(target, (tx) => primaryKeyOf(tx, target));
  const plan = planDiff(srcCols, tgtCols, key, where);
  const n = input.examples ?? 5;
  return source.wh === target.wh && source.role === target.role
    ? diffByJoin(input, plan, n)
    : diffByBuckets(input, plan, n, input.sampleChanged ?? 2000);
}

async function readSide<T>(side: DiffSide, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return side.wh.transaction(async (tx) => {
    await tx.query("SET TRANSACTION READ ONLY");
    await tx.query("SET LOCAL row_security = off");
    // The full join hashes one side in memory: with the default 4 MB it spills to disk in batches.
    await tx.query("SET LOCAL work_mem = '256MB'");
    if (side.role) await tx.query(`SET LOCAL ROLE ${q(side.role)}`);
    return fn(tx);
  });
}

async function columnsOf(tx: Tx, side: DiffSide): Promise<DiffColumn[]> {
  const r = await tx.query<DiffColumn>(
    `SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type
       FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace s ON s.oid = c.relnamespace
      WHERE s.nspname = $1 AND c.relname = $2 AND c.relkind IN ('r', 'p', 'm') AND a.attnum > 0 AND NOT a.attisdropped
      ORDER BY a.attnum`,
    [side.schema, side.table],
  );
  return r.rows;
}

async function primaryKeyOf(tx: Tx, side: DiffSide): Promise<string[]> {
  const r = await tx.query<{ name: string }>(
    `SELECT a.attname AS name
       FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace s ON s.oid = c.relnamespace
       JOIN LATERAL unnest(i.indkey) WITH ORDINALITY k(attnum, ord) ON true
       JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum
      WHERE s.nspname = $1 AND c.relname = $2 AND i.indisprimary
      ORDER BY k.ord`,
    [side.schema, side.table],
  );
  return r.rows.map((x) => x.name);
}

function keyExprs(plan: DiffPlan, alias: string, retypedKeys: Set<string>): string[] {
  return plan.key.map((k) => `${alias}.${q(k)}${retypedKeys.has(k) ? "::text" : ""}`);
}

function retypedKeysOf(plan: DiffPlan): Set<string> {
  return new Set(plan.schema.retyped.map((r) => r.name).filter((n) => plan.key.includes(n)));
}

function colExpr(alias: string, c: { name: string; asText: boolean }): string {
  return `${alias}.${q(c.name)}${c.asText ? "::text" : ""}`;
}

async function countRows(tx: Tx, side: DiffSide): Promise<number> {
  const r = await tx.query<{ n: string }>(`SELECT count(*) AS n FROM ${qualified(side.schema, side.table)}`);
  return Number(r.rows[0].n);
}

async function diffByJoin(input: DiffTablesInput, plan: DiffPlan, n: number): Promise<TableDiff> {
  const { source, target } = input;
  const src = qualified(source.schema, source.table);
  const tgt = qualified(target.schema, target.table);
  const rk = retypedKeysOf(plan);
  const sk = keyExprs(plan, "s", rk);
  const tk = keyExprs(plan, "t", rk);
  const sameRow = plan.compared.length
    ? `ROW(${plan.compared.map((c) => colExpr("s", c)).join(", ")}) IS DISTINCT FROM ROW(${plan.compared.map((c) => colExpr("t", c)).join(", ")})`
    : "false";
  const joinOn = (alias: string) => plan.key.map((k, i) => `${alias}.${q(k)}${rk.has(k) ? "::text" : ""} = d.k${i}`).join(" AND ");
  // One statement, no temp table (a Kitchen role may lack TEMP): the differing rows are
  // materialised once in a CTE, then counted and sampled.
  return readSide(source, async (tx) => {
    const [countSource, countTarget] = [await countRows(tx, source), await countRows(tx, target)];
    const r = await tx.query<{ agg: Record<string, string | number>[] | null; added: Row[] | null; removed: Row[] | null; changed: { before: Row; after: Row }[] | null }>(
      `WITH d AS MATERIALIZED (
         SELECT ${plan.key.map((_, i) => `coalesce(${sk[i]}, ${tk[i]}) AS k${i}`).join(", ")},
                CASE WHEN t.${PRESENT} IS NULL THEN 'added' WHEN s.${PRESENT} IS NULL THEN 'removed' ELSE 'changed' END AS kind
                ${plan.compared.map((c, i) => `, (${colExpr("s", c)} IS DISTINCT FROM ${colExpr("t", c)}) AS c${i}`).join("")}
           FROM (SELECT *, 1 AS ${PRESENT} FROM ${src}) s
           FULL JOIN (SELECT *, 1 AS ${PRESENT} FROM ${tgt}) t ON ${sk.map((e, i) => `${e} = ${tk[i]}`).join(" AND ")}
          WHERE s.${PRESENT} IS NULL OR t.${PRESENT} IS NULL OR ${sameRow})
       SELECT (SELECT jsonb_agg(a) FROM (SELECT kind, count(*) AS n${plan.compared.map((_, i) => `, count(*) FILTER (WHERE c${i}) AS c${i}`).join("")} FROM d GROUP BY kind) a) AS agg,
              (SELECT jsonb_agg(to_jsonb(s)) FROM (SELECT * FROM d WHERE kind = 'added' LIMIT ${n}) d JOIN ${src} s ON ${joinOn("s")}) AS added,
              (SELECT jsonb_agg(to_jsonb(t)) FROM (SELECT * FROM d WHERE kind = 'removed' LIMIT ${n}) d JOIN ${tgt} t ON ${joinOn("t")}) AS removed,
              (SELECT jsonb_agg(jsonb_build_object('before', to_jsonb(t), 'after', to_jsonb(s)))
                 FROM (SELECT * FROM d WHERE kind = 'changed' LIMIT ${n}) d JOIN ${tgt} t ON ${joinOn("t")} JOIN ${src} s ON ${joinOn("s")}) AS changed`,
    );
    const out = r.rows[0];
    const byKind = new Map((out.agg ?? []).map((a) => [String(a.kind), a]));
    const num = (kind: string, col = "n") => Number(byKind.get(kind)?.[col] ?? 0);
    const rows = { added: num("added"), removed: num("removed"), changed: num("changed"), unchanged: 0 };
    rows.unchanged = countTarget - rows.removed - rows.changed;
    const matched = rows.changed + rows.unchanged;
    const columns = plan.compared.map((c, i) => ({ name: c.name, changed: num("changed", `c${i}`), rate: matched ? num("changed", `c${i}`) / matched : 0 }));
    return {
      table: source.table,
      key: plan.key,
      method: "join",
      counts: { source: countSource, target: countTarget },
      rows,
      schema: plan.schema,
      columns,
      exact: true,
      examples: { added: out.added ?? [], removed: out.removed ?? [], changed: out.changed ?? [] },
    };
  });
}

function rowTextExpr(plan: DiffPlan, alias: string): string {
  return plan.compared.length ? `md5(ROW(${plan.compared.map((c) => colExpr(alias, c)).join(", ")})::text)` : `''`;
}

function bucketExpr(keyText: string, buckets: number): string {
  return `((('x' || substr(md5(${keyText}), 1, 8))::bit(32)::bigint) % ${buckets})::int`;
}

async function diffByBuckets(input: DiffTablesInput, plan: DiffPlan, n: number, sampleChanged: number): Promise<TableDiff> {
  const { source, target } = input;
  const rk = retypedKeysOf(plan);
  const sides = [source, target] as const;
  const keyText = (alias: string) => `ROW(${keyExprs(plan, alias, rk).join(", ")})::text`;
  const [countSource, countTarget] = await Promise.all(sides.map((s) => readSide(s, (tx) => countRows(tx, s))));
  const buckets = bucketCount(Math.max(countSource, countTarget));
  const summarise = (side: DiffSide) =>
    readSide(side, async (tx) =>
      (await tx.query<{ bucket: number; n: string; sum: string }>(
        `SELECT ${bucketExpr(keyText("r"), buckets)} AS bucket, count(*) AS n, sum(('x' || substr(${rowTextExpr(plan, "r")} || '000000000000000', 1, 15))::bit(60)::bigint)::text AS sum
           FROM ${qualified(side.schema, side.table)} r GROUP BY 1`,
      )).rows.map((r): BucketSummary => ({ bucket: r.bucket, n: Number(r.n), sum: r.sum })),
    );
  const [sb, tb] = await Promise.all(sides.map(summarise));
  const diffBuckets = differingBuckets(sb, tb);
  const drill = (side: DiffSide) =>
    readSide(side, async (tx) =>
      diffBuckets.length
        ? (await tx.query<KeyedHash>(
            // A join with the unnested list (hashed), not "= ANY(array)", which compares every row with every element.
            `SELECT ${keyText("r")} AS key, ${rowTextExpr(plan, "r")} AS hash FROM ${qualified(side.schema, side.table)} r
               JOIN unnest($1::int[]) AS d(b) ON d.b = ${bucketExpr(keyText("r"), buckets)}`,
            [diffBuckets],
          )).rows
        : [],
    );
  const [sh, th] = await Promise.all(sides.map(drill));
  const cmp = compareKeyedHashes(sh, th);
  const fetchRows = (side: DiffSide, keys: string[]) =>
    keys.length
      ? readSide(side, async (tx) => {
          const r = await tx.query<{ key: string; row: Row }>(`SELECT d.key, to_jsonb(r) AS row FROM ${qualified(side.schema, side.table)} r JOIN unnest($1::text[]) AS d(key) ON d.key = ${keyText("r")}`, [keys]);
          return new Map(r.rows.map((x) => [x.key, x.row]));
        })
      : Promise.resolve(new Map<string, Row>());
  const sample = cmp.changed.slice(0, sampleChanged);
  const [afterRows, beforeRows, addedRows, removedRows] = await Promise.all([
    fetchRows(source, sample),
    fetchRows(target, sample),
    fetchRows(source, cmp.added.slice(0, n)),
    fetchRows(target, cmp.removed.slice(0, n)),
  ]);
  const rows = { added: cmp.added.length, removed: cmp.removed.length, changed: cmp.changed.length, unchanged: countTarget - cmp.removed.length - cmp.changed.length };
  const matched = rows.changed + rows.unchanged;
  const scale = sample.length ? cmp.changed.length / sample.length : 0;
  const columns = plan.compared.map((c) => {
    let k = 0;
    for (const key of sample) {
      const a = afterRows.get(key)?.[c.name];
      const b = beforeRows.get(key)?.[c.name];
      if (JSON.stringify(a) !== JSON.stringify(b)) k++;
    }
    const changed = Math.round(k * scale);
    return { name: c.name, changed, rate: matched ? changed / matched : 0 };
  });
  return {
    table: source.table,
    key: plan.key,
    method: "buckets",
    counts: { source: countSource, target: countTarget },
    rows,
    schema: plan.schema,
    columns,
    exact: sample.length === cmp.changed.length,
    examples: {
      added: [...addedRows.values()],
      removed: [...removedRows.values()],
      changed: sample.slice(0, n).map((k) => ({ before: beforeRows.get(k) ?? {}, after: afterRows.get(k) ?? {} })),
    },
  };
}

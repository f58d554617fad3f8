// The parent schema kitchen-create and kitchen-create-data share: 100 tables (10 × 100,000 rows,
// 90 × 100 rows) in database galley_bench_wh, built once and reused while its marker matches.
import pg from "pg";
import { openWarehouse, type Warehouse } from "@galley/warehouse";

export const BENCH_WH = { host: "127.0.0.1", port: 5432, user: "postgres", database: "galley_bench_wh" };
export const PARENT = "bench_parent";
const MARKER = "galley-bench parent v1: 10x100000 + 90x100 rows";

async function ensureDatabase(): Promise<void> {
  const admin = new pg.Client({ host: BENCH_WH.host, port: BENCH_WH.port, user: BENCH_WH.user, database: "postgres" });
  await admin.connect();
  try {
    const r = await admin.query(`SELECT 1 FROM pg_database WHERE datname = $1`, [BENCH_WH.database]);
    if (!r.rowCount) await admin.query(`CREATE DATABASE ${BENCH_WH.database}`);
  } finally {
    await admin.end();
  }
}

async function ensureParent(wh: Warehouse): Promise<void> {
  const r = await wh.query<{ c: string | null; n: string }>(
    `SELECT obj_description(n.oid, 'pg_namespace') AS c, (SELECT count(*) FROM pg_class c WHERE c.relnamespace = n.oid AND c.relkind = 'r') AS n
       FROM pg_namespace n WHERE nspname = $1`,
    [PARENT],
  );
  if (r.rows[0]?.c === MARKER && Number(r.rows[0].n) === 100) return;
  const t0 = performance.now();
  const sql = [`DROP SCHEMA IF EXISTS ${PARENT} CASCADE`, `CREATE SCHEMA ${PARENT}`];
  for (let i = 0; i < 100; i++) {
    const big = i < 10;
    const name = big ? `big_${String(i).padStart(2, "0")}` : `small_${String(i - 10).padStart(2, "0")}`;
    sql.push(
      `CREATE TABLE ${PARENT}.${name} (id bigint PRIMARY KEY, customer text, email text, amount numeric(12,2), created_at timestamptz)`,
      `INSERT INTO ${PARENT}.${name} SELECT g, 'Customer ' || g, 'c' || g || '@example.com', (g % 1000) * 1.25, timestamptz '2024-01-01' + g * interval '1 minute'
         FROM generate_series(1, ${big ? 100_000 : 100}) g`,
    );
  }
  sql.push(`ANALYZE`, `COMMENT ON SCHEMA ${PARENT} IS '${MARKER}'`);
  await wh.query(sql.join(";\n"));
  console.error(`created ${PARENT} in ${Math.round(performance.now() - t0)} ms`);
}

/** The bench warehouse with its parent schema in place. */
export async function openBenchParent(): Promise<Warehouse> {
  await ensureDatabase();
  const wh = openWarehouse(BENCH_WH);
  await ensureParent(wh);
  return wh;
}

// Time to give a Kitchen its data: createKitchenSchema + dropSchema against a parent schema of
// 100 tables (10 of 100,000 rows, 90 of 100 rows) in database galley_bench_wh on 127.0.0.1:5432.
// The parent is created once and reused. Usage: pnpm bench kitchen-create-data [viewRuns] [copyRuns]
import pg from "pg";
import { createKitchenSchema, dropSchema, openWarehouse, type TDataPolicy, type Warehouse } from "@galley/warehouse";

const HOST = "127.0.0.1";
const PORT = 5432;
const USER = "postgres";
const DB = "galley_bench_wh";
const PARENT = "bench_parent";
const MARKER = "galley-bench parent v1: 10x100000 + 90x100 rows";
const VIEW_RUNS = Number(process.argv[2] ?? 50);
const COPY_RUNS = Number(process.argv[3] ?? 5);

async function ensureDatabase(): Promise<void> {
  const admin = new pg.Client({ host: HOST, port: PORT, user: USER, database: "postgres" });
  await admin.connect();
  try {
    const r = await admin.query(`SELECT 1 FROM pg_database WHERE datname = $1`, [DB]);
    if (!r.rowCount) await admin.query(`CREATE DATABASE ${DB}`);
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

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return Math.round(s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] * 10) / 10;
}

async function timeRuns(wh: Warehouse, label: string, policy: TDataPolicy, runs: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = -2; i < runs; i++) {
    const schema = `bench_k_${label}_${process.pid}_${i + 2}`;
    const t0 = performance.now();
    const report = await createKitchenSchema(wh, { schema, parentSchema: PARENT, policy });
    await dropSchema(wh, schema);
    const ms = performance.now() - t0;
    if (report.tables.length !== 100) throw new Error(`expected 100 tables, got ${report.tables.length}`);
    if (i >= 0) times.push(ms); // the first two runs warm caches
  }
  console.error(`${label}: p50=${percentile(times, 50)} ms p99=${percentile(times, 99)} ms over ${times.length}`);
  return times;
}

async function main(): Promise<void> {
  await ensureDatabase();
  const wh = openWarehouse({ host: HOST, port: PORT, database: DB, user: USER });
  try {
    await ensureParent(wh);
    const stale = await wh.query<{ nspname: string }>(`SELECT nspname FROM pg_namespace WHERE nspname LIKE 'bench\\_k\\_%'`);
    for (const s of stale.rows) await dropSchema(wh, s.nspname);
    const view = await timeRuns(wh, "view", { default: "view" }, VIEW_RUNS);
    const sample = await timeRuns(wh, "sample10", { default: "sample", sample: { percent: 10 } }, COPY_RUNS);
    const copy = await timeRuns(wh, "copy", { default: "copy" }, COPY_RUNS);
    console.log(
      `bench kitchen-create-data view_p50_ms=${percentile(view, 50)} view_p99_ms=${percentile(view, 99)} ` +
        `sample10_p50_ms=${percentile(sample, 50)} copy_p50_ms=${percentile(copy, 50)} n=${view.length}`,
    );
  } finally {
    await wh.close();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});

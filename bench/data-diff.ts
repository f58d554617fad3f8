// The data diff of a merge request: two 1,000,000-row tables (10 columns) with 1% of rows
// changed, compared by diffTables end to end (counts, per-column change rates, examples).
// Same-warehouse (FULL JOIN) is the headline figure; the cross-warehouse hash-bucket method is
// measured too (`buckets_p50_ms`), against a second database holding the child table.
// Usage: pnpm bench data-diff [runs]
import pg from "pg";
import { diffTables, openWarehouse, type Warehouse } from "@galley/warehouse";

const RUNS = Number(process.argv[2] ?? 7);
const ROWS = 1_000_000;
const HOST = { host: "127.0.0.1", port: 5432, user: "postgres" };
const DB = "galley_bench_diff";
const DB2 = "galley_bench_diff2";
const MARKER = "galley-bench diff v2: 1000000 rows, 1% changed";

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return Math.round(s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] * 10) / 10;
}

async function ensureDatabase(name: string): Promise<void> {
  const admin = new pg.Client({ ...HOST, database: "postgres" });
  await admin.connect();
  try {
    const r = await admin.query(`SELECT 1 FROM pg_database WHERE datname = $1`, [name]);
    if (!r.rowCount) await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
}

const TABLE = (schema: string) => `
  DROP SCHEMA IF EXISTS ${schema} CASCADE; CREATE SCHEMA ${schema};
  CREATE TABLE ${schema}.orders (id bigint PRIMARY KEY, customer_id int, status text, total numeric(12,2), qty int,
    created_at timestamptz, region text, channel text, note text, score double precision);
  INSERT INTO ${schema}.orders SELECT g, g % 50000, (ARRAY['open','shipped','returned'])[1 + g % 3], g * 0.37, g % 17,
    timestamptz '2026-01-01' + g * interval '1 minute', (ARRAY['eu','us','apac'])[1 + g % 3], 'web', 'order ' || g, g / 7.0
    FROM generate_series(1, ${ROWS}) g;
  ANALYZE ${schema}.orders;`;
// 1% of rows differ: 0.6% changed (total or status), 0.2% removed, 0.2% added.
const CHANGES = (schema: string) => `
  UPDATE ${schema}.orders SET total = total + 1 WHERE id % 250 = 0;
  UPDATE ${schema}.orders SET status = 'lost' WHERE id % 500 = 1;
  DELETE FROM ${schema}.orders WHERE id % 500 = 2;
  INSERT INTO ${schema}.orders SELECT ${ROWS} + g, 1, 'open', 1, 1, now(), 'eu', 'web', 'new', 0 FROM generate_series(1, ${ROWS / 500}) g;
  ANALYZE ${schema}.orders;`;

async function ensureData(wh: Warehouse, schemas: { parent?: boolean; child: boolean }): Promise<void> {
  const r = await wh.query<{ c: string | null }>(`SELECT obj_description(oid, 'pg_namespace') AS c FROM pg_namespace WHERE nspname = 'child'`);
  if (r.rows[0]?.c === MARKER) return;
  const t0 = performance.now();
  if (schemas.parent) await wh.query(TABLE("parent"));
  await wh.query(TABLE("child") + CHANGES("child") + `COMMENT ON SCHEMA child IS '${MARKER}'`);
  console.error(`built the data set in ${Math.round(performance.now() - t0)} ms`);
}

async function main(): Promise<void> {
  await ensureDatabase(DB);
  await ensureDatabase(DB2);
  const wh = openWarehouse({ ...HOST, database: DB });
  const wh2 = openWarehouse({ ...HOST, database: DB2 });
  try {
    await ensureData(wh, { parent: true, child: true });
    await ensureData(wh2, { child: true });
    const join: number[] = [];
    const buckets: number[] = [];
    for (let i = -1; i < RUNS; i++) {
      let t0 = performance.now();
      const d = await diffTables({ source: { wh, schema: "child", table: "orders" }, target: { wh, schema: "parent", table: "orders" } });
      const ms = performance.now() - t0;
      if (d.rows.changed + d.rows.added + d.rows.removed !== 10_000) throw new Error(`expected 10,000 differing rows, got ${JSON.stringify(d.rows)}`);
      t0 = performance.now();
      const b = await diffTables({ source: { wh: wh2, schema: "child", table: "orders" }, target: { wh, schema: "parent", table: "orders" } });
      const bms = performance.now() - t0;
      if (JSON.stringify(b.rows) !== JSON.stringify(d.rows)) throw new Error(`methods disagree: ${JSON.stringify(b.rows)} vs ${JSON.stringify(d.rows)}`);
      if (i >= 0) {
        join.push(ms);
        buckets.push(bms);
      }
      console.error(`run ${i}: join ${Math.round(ms)} ms, buckets ${Math.round(bms)} ms`);
    }
    console.log(`bench data-diff p50_ms=${percentile(join, 50)} p99_ms=${percentile(join, 99)} buckets_p50_ms=${percentile(buckets, 50)} rows=${ROWS} changed_pct=1 n=${join.length}`);
  } finally {
    await wh.close();
    await wh2.close();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});

// Time to give a Kitchen its data: createKitchenSchema + dropSchema against a parent schema of
// 100 tables (10 of 100,000 rows, 90 of 100 rows) in database galley_bench_wh on 127.0.0.1:5432.
// The parent is created once and reused. Usage: pnpm bench kitchen-create-data [viewRuns] [copyRuns]
import { createKitchenSchema, dropSchema, type TDataPolicy, type Warehouse } from "@galley/warehouse";
import { openBenchParent, PARENT } from "./_bench-parent";

const VIEW_RUNS = Number(process.argv[2] ?? 50);
const COPY_RUNS = Number(process.argv[3] ?? 5);

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
  const wh = await openBenchParent();
  try {
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

// What 100 data tests add to a node (issue 8 target: < 500 ms). The same SQL node (a 10,000-row
// table) runs with 100 tests of every kind — row tests with examples, metrics, checks naming other
// tests, change and control checks reading history — and without tests; the difference of the
// node's duration (claim → completion, tests and storing their results included) is reported.
//   pnpm bench test-eval [runs=10] [rows=10000]
import { commit, run, setUpGalley, startWorker, stopWorker, tearDownGalley, waitForRun } from "../apps/worker/src/testing";
import { pct } from "./_pipelines";

const RUNS = Number(process.argv[2] ?? 10);
const ROWS = Number(process.argv[3] ?? 10_000);
const SQL = `drop table if exists bench_t; create table bench_t as select g as id, g % 97 as grp, (g % 5)::text as st, case when g % 50 = 0 then null else g * 1.5 end as amount, now() - (g || ' seconds')::interval as at from generate_series(1, ${ROWS}) g;`;

function tests(n: number): string[] {
  const kinds = [
    "{ unique: { table: bench_t, column: id } }|",
    "{ not_null: { table: bench_t, column: id } }|",
    "{ accepted_values: { table: bench_t, column: st, values: ['0','1','2','3','4'] } }|",
    "{ expression: { table: bench_t, expression: 'id > 0' } }|",
    "{ row_count: bench_t }|> 0",
    "{ null_ratio: { table: bench_t, column: amount } }|between 0 and 0.05",
    "{ distinct_count: { table: bench_t, column: grp } }|== 97",
    "{ max: { table: bench_t, column: amount } }|change within 10%",
    "{ avg: { table: bench_t, column: amount } }|control min_history=3",
    "{ freshness: { table: bench_t, column: at } }|< 1d",
  ];
  return Array.from({ length: n }, (_, i) => {
    const [metric, check] = kinds[i % kinds.length].split("|");
    return `      - { name: t${i}, metric: ${metric}, ${check ? `check: '${check}', ` : ""}level: ${i % 3 === 0 ? "warn" : "fail"} }`;
  });
}

const pipeline = (name: string, n: number) =>
  [`name: ${name}`, "nodes:", "  - id: make", "    type: sql", `    sql: "${SQL}"`, ...(n ? ["    tests:", ...tests(n)] : [])].join("\n") + "\n";

const g = await setUpGalley("local");
const worker = startWorker(g);
try {
  await commit(g, "padma_feature", { "pipelines/with_tests/pipeline.yaml": pipeline("with_tests", 100), "pipelines/no_tests/pipeline.yaml": pipeline("no_tests", 0) });
  const duration = async (pipelineName: string) => {
    const { runId } = await run(g, "padma_feature", pipelineName);
    const r = await waitForRun(g.db, runId, 120_000);
    if (r.status !== "succeeded") throw new Error(`${pipelineName} ${r.status}: ${JSON.stringify(r.nodes).slice(0, 800)}`);
    const n = await g.db.nodeRun.findFirstOrThrow({ where: { runId }, select: { startedAt: true, finishedAt: true } });
    return n.finishedAt!.getTime() - n.startedAt!.getTime();
  };
  // Warm-up (connections, the Kitchen role) and 3 runs of history for the control checks.
  for (let i = 0; i < 3; i++) await duration("with_tests");
  await duration("no_tests");
  const withT: number[] = [];
  const without: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    withT.push(await duration("with_tests"));
    without.push(await duration("no_tests"));
  }
  const stored = await g.db.testResult.count({ where: { pipeline: "with_tests" } });
  if (stored !== (RUNS + 3) * 100) throw new Error(`expected ${(RUNS + 3) * 100} stored results, found ${stored}`);
  const added = withT.map((w, i) => w - without[i]);
  console.log(`bench test-eval p50_ms=${pct(added, 50)} p99_ms=${pct(added, 99)} with_tests_p50_ms=${pct(withT, 50)} no_tests_p50_ms=${pct(without, 50)} tests=100 rows=${ROWS} runs=${RUNS}`);
} finally {
  await stopWorker(worker);
  await tearDownGalley(g);
  process.exit(0);
}

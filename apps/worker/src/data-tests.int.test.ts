// Data tests in real runs: the worker process, PostgreSQL warehouses, the seeded demo Kitchens.
// SQL nodes only, so the local executor is enough (no container starts).
import { kitchenRoleName } from "@galley/warehouse";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { commit, logsOf, run, setUpGalley, startWorker, stopWorker, tearDownGalley, waitForRun, type WorkerEnv } from "./testing";

let g: WorkerEnv;
let worker: ReturnType<typeof startWorker>;
const K = "padma_feature";

beforeAll(async () => {
  g = await setUpGalley("local");
  worker = startWorker(g);
}, 180_000);

afterAll(async () => {
  if (worker) await stopWorker(worker);
  if (g) await tearDownGalley(g);
});

const yaml = (name: string, nodes: string) => `name: ${name}\nparameters:\n  n: { default: 100 }\nnodes:\n${nodes}`;
const results = (runId: string) => g.db.testResult.findMany({ where: { runId }, orderBy: { testName: "asc" } });
async function finished(runId: string) {
  const r = await waitForRun(g.db, runId);
  return { ...r, detail: `${JSON.stringify(r.nodes)}\n${(await logsOf(g.db, runId)).slice(-3000)}\n${worker.output.join("").slice(-1500)}` };
}

describe("data tests in runs", () => {
  it("a failing fail test fails its node, skips what depends on it, and stores value, examples and verdict", async () => {
    await commit(g, K, {
      "pipelines/t_fail/pipeline.yaml": yaml(
        "t_fail",
        [
          "  - id: make",
          "    type: sql",
          "    sql: |",
          '      drop table if exists "Orders";',
          '      create table "Orders" as select g as id, case when g % 10 = 0 then null else g end as amount from generate_series(1, 30) g',
          "      union all select g, g from generate_series(1, 12) g;",
          "    tests:",
          '      - { name: id_unique, metric: { unique: { table: Orders, column: id } }, level: fail }',
          '      - { name: rows, metric: { row_count: Orders }, check: "> 0", level: fail }',
          `      - { name: as_kitchen, metric: { sql: "select (current_user = '${kitchenRoleName(K, `${g.whPrefix}_dev`)}')::int" }, check: "== 1", level: fail }`,
          '      - { name: amount_present, metric: { not_null: { table: Orders, column: amount } }, level: warn }',
          "  - { id: after, type: sql, sql: select 1, depends_on: [make] }",
          "  - { id: after_after, type: sql, sql: select 1, depends_on: [after] }",
        ].join("\n"),
      ),
    });
    const { runId } = await run(g, K, "t_fail");
    const r = await finished(runId);
    expect(r.status, r.detail).toBe("failed");
    expect(r.nodes.make.status).toBe("failed");
    expect(r.nodes.make.error).toBe("test id_unique failed: 24 failing row(s)");
    expect(r.nodes.make.attempt).toBe(1);
    expect(r.nodes.after.status).toBe("skipped");
    expect(r.nodes.after_after.status).toBe("skipped");
    const rows = await results(runId);
    expect(rows.map((t) => [t.testName, t.kind, t.verdict, t.level, t.value])).toEqual([
      ["amount_present", "not_null", "warned", "warn", 3],
      ["as_kitchen", "sql", "passed", "fail", 1],
      ["id_unique", "unique", "failed", "fail", 24],
      ["rows", "row_count", "passed", "fail", 42],
    ]);
    const unique = rows.find((t) => t.testName === "id_unique")!;
    expect(unique).toMatchObject({ failingRows: 24, rule: "== 0", pipeline: "t_fail", node: "make", lowerLimit: 0, upperLimit: 0 });
    expect(unique.examples).toHaveLength(10);
    expect((unique.examples as { id: number; duplicates: number }[])[0]).toMatchObject({ duplicates: 2 });
    expect(rows.find((t) => t.testName === "amount_present")!.examples).toEqual([{ id: 10, amount: null }, { id: 20, amount: null }, { id: 30, amount: null }]);
    expect(await logsOf(g.db, runId)).toContain("[galley] test id_unique (fail): failed [== 0] - 24 failing row(s)");
  }, 180_000); // the worker's first run warms up its pools on a busy machine

  it("a tripped warn test is recorded and the run goes on: succeeded with warnings", async () => {
    await commit(g, K, {
      "pipelines/t_warn/pipeline.yaml": yaml(
        "t_warn",
        [
          "  - id: make",
          "    type: sql",
          "    sql: drop table if exists w; create table w as select g as id, (array['a','b','zzz'])[1 + g % 3] as st from generate_series(1, {{params.n}}) g;",
          "    tests:",
          "      - { name: known, metric: { accepted_values: { table: w, column: st, values: [a, b] } }, level: warn }",
          "      - { name: enough, metric: { row_count: w }, check: '>= {{params.n}}', level: fail }",
          "      - { name: few_z, metric: { row_count: { table: w, where: \"st = 'zzz'\" } }, check: '< enough / 2', level: fail }",
          "      - { name: quick, metric: duration, check: '< 1m', level: log }",
          "  - { id: after, type: sql, sql: select 1, depends_on: [make] }",
        ].join("\n"),
      ),
    });
    const { runId } = await run(g, K, "t_warn", { parameters: { n: 30 } });
    const r = await finished(runId);
    expect(r.status, r.detail).toBe("succeeded");
    expect(r.nodes.after.status).toBe("succeeded");
    const stored = await g.db.run.findUniqueOrThrow({ where: { id: runId }, select: { warnings: true } });
    expect(stored.warnings).toBe(1);
    const rows = await results(runId);
    expect(rows.map((t) => [t.testName, t.verdict, t.value])).toEqual([
      ["enough", "passed", 30],
      ["few_z", "passed", 10],
      ["known", "warned", 10],
      ["quick", "passed", expect.any(Number)],
    ]);
    expect(rows.find((t) => t.testName === "few_z")).toMatchObject({ upperLimit: 15, message: "10 < 15" });
  });

  it("bad input gets an error result naming the test; the data is never written by a test", async () => {
    await commit(g, K, {
      "pipelines/t_bad/pipeline.yaml": yaml(
        "t_bad",
        [
          "  - id: make",
          "    type: sql",
          "    sql: drop table if exists b; create table b as select 1 as id, 'x' as t;",
          "    tests:",
          "      - { name: no_table, metric: { row_count: nowhere }, check: '> 0', level: warn }",
          "      - { name: no_column, metric: { max: { table: b, column: nope } }, check: '> 0', level: warn }",
          "      - { name: text_value, metric: { sql: 'select t from b' }, check: '> 0', level: warn }",
          "      - { name: no_row, metric: { sql: 'select id from b where false' }, check: '> 0', level: log }",
          "      - { name: sneaky, metric: { row_count: { table: b, where: '1=1); commit; drop table b; select (1' } }, check: '> 0', level: warn }",
          "      - { name: writes, metric: { sql: 'delete from b returning 1' }, check: '> 0', level: log }",
          "      - { name: still_there, metric: { row_count: b }, check: '== 1', level: fail }",
          "  - { id: after, type: sql, sql: select 1, depends_on: [make] }",
        ].join("\n"),
      ),
    });
    const { runId } = await run(g, K, "t_bad");
    const r = await finished(runId);
    expect(r.status, r.detail).toBe("succeeded");
    const rows = Object.fromEntries((await results(runId)).map((t) => [t.testName, t]));
    expect(rows.no_table).toMatchObject({ verdict: "error", message: 'test no_table: relation "nowhere" does not exist' });
    expect(rows.no_column).toMatchObject({ verdict: "error", message: 'test no_column: column "nope" does not exist' });
    expect(rows.text_value).toMatchObject({ verdict: "error", message: 'test text_value: the query returned "x", not a number' });
    expect(rows.no_row).toMatchObject({ verdict: "error", message: "test no_row: the query returned no row; it must return one number" });
    expect(rows.sneaky).toMatchObject({ verdict: "error", message: expect.stringMatching(/^test sneaky: a test query must be exactly one SQL statement/) });
    expect(rows.writes).toMatchObject({ verdict: "error", message: expect.stringContaining("read-only transaction") });
    expect(rows.still_there).toMatchObject({ verdict: "passed", value: 1 });
    expect(await g.db.run.findUniqueOrThrow({ where: { id: runId }, select: { warnings: true } })).toEqual({ warnings: 4 });

    // The same bad input at level fail stops the node, saying which test.
    await commit(g, K, {
      "pipelines/t_bad2/pipeline.yaml": yaml("t_bad2", "  - { id: make, type: sql, sql: select 1, tests: [{ name: no_table, metric: { row_count: nowhere }, check: '> 0', level: fail }] }\n  - { id: after, type: sql, sql: select 1, depends_on: [make] }"),
    });
    const bad2 = await finished((await run(g, K, "t_bad2")).runId);
    expect(bad2.nodes.make).toMatchObject({ status: "failed", error: 'test no_table: relation "nowhere" does not exist' });
    expect(bad2.nodes.after.status).toBe("skipped");
  });

  it("statistical control learns from earlier successful runs and trips on a drift", async () => {
    await commit(g, K, {
      "pipelines/t_spc/pipeline.yaml": yaml(
        "t_spc",
        [
          "  - id: make",
          "    type: sql",
          "    sql: drop table if exists s; create table s as select g from generate_series(1, {{params.n}}) g;",
          "    tests:",
          "      - { name: rows_in_control, metric: { row_count: s }, check: 'control min_history=5 window=20', level: warn }",
          "      - { name: rows_change, metric: { row_count: s }, check: 'change within 50%', level: warn }",
        ].join("\n"),
      ),
    });
    const verdicts: [number, string | null, string | null][] = [];
    for (const n of [100, 102, 98, 101, 99, 100, 160]) {
      const { runId } = await run(g, K, "t_spc", { parameters: { n } });
      const r = await finished(runId);
      expect(r.status, r.detail).toBe("succeeded");
      const t = (await results(runId)).find((x) => x.testName === "rows_in_control")!;
      verdicts.push([n, t.verdict, t.rule]);
      if (verdicts.length === 1) expect(t.message).toBe("100: learning limits (0 of 5 earlier successful runs)");
      if (n === 160) {
        expect(t).toMatchObject({ mean: 100, value: 160 });
        expect(t.upperLimit!).toBeCloseTo(100 + 3 * t.sigma!, 6);
        expect(t.message).toMatch(/^160 out of control: 1 point beyond the control limits/);
        const change = (await results(runId)).find((x) => x.testName === "rows_change")!;
        expect(change).toMatchObject({ verdict: "warned", mean: 100, lowerLimit: 50, upperLimit: 150 });
      }
    }
    expect(verdicts).toEqual([
      [100, "passed", null],
      [102, "passed", null],
      [98, "passed", null],
      [101, "passed", null],
      [99, "passed", null],
      [100, "passed", null],
      [160, "warned", "beyond_limits"],
    ]);
  });
});

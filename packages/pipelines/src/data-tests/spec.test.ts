import { describe, expect, it } from "vitest";
import { parsePipeline } from "../parse-pipeline";

const FILE = "pipelines/demo/pipeline.yaml";
/** One sql node `a` (and a container `c` with outputs) whose tests are the given YAML flow items. */
const withTests = (...tests: string[]) =>
  parsePipeline({
    path: FILE,
    content: `name: demo\nnodes:\n  - id: a\n    type: sql\n    sql: x\n    tests:\n${tests.map((t) => `      - ${t}\n`).join("")}  - { id: c, type: container, image: x, outputs: o.json, tests: [{ name: o, metric: { output: n }, check: '> 1', level: warn }] }\n`,
  });
const errs = (r: ReturnType<typeof parsePipeline>) => r.errors.map((e) => `${e.file}:${e.line}:${e.field}: ${e.message}`);

describe("data test specs in pipeline.yaml", () => {
  it("accepts every kind, in short and long forms", () => {
    const r = withTests(
      "{ name: u, metric: { unique: { table: orders, column: id } }, level: fail }",
      "{ name: u2, metric: { unique: { table: s.orders, column: [a, b], where: 'a > 0' } }, level: fail }",
      "{ name: nn, metric: { not_null: { table: orders, column: id } }, level: warn }",
      "{ name: av, metric: { accepted_values: { table: orders, column: st, values: [open, 2, true] } }, level: fail, check: '<= 3' }",
      "{ name: rel, metric: { relationships: { table: orders, column: cid, to: customers, field: id } }, level: fail }",
      "{ name: ex, metric: { expression: { table: orders, expression: amount >= 0 } }, level: fail }",
      "{ name: rc, metric: { row_count: orders }, check: '> 0', level: fail }",
      "{ name: nr, metric: { null_ratio: { table: orders, column: x } }, check: 'between 0 and 0.1', level: warn }",
      "{ name: dc, metric: { distinct_count: { table: orders, column: x } }, check: '>= rc / 2', level: warn }",
      "{ name: mn, metric: { min: { table: orders, column: x } }, check: '>= 0', level: fail }",
      "{ name: mx, metric: { max: { table: orders, column: x } }, check: 'change within 50%', level: warn }",
      "{ name: av2, metric: { avg: { table: orders, column: x } }, check: 'control k=3 window=20 min_history=5', level: warn }",
      "{ name: fr, metric: { freshness: { table: orders, column: at } }, check: '< 1d', level: fail }",
      "{ name: q, metric: { sql: 'select 1' }, check: '== 1', level: fail }",
      "{ name: d, metric: duration, check: 'change < 100%', level: warn }",
      "{ name: lg, metric: { row_count: { table: orders, where: x > 1 } }, level: log }",
    );
    expect(errs(r)).toEqual([]);
    expect(r.pipeline!.nodes[0].tests[14].metric).toEqual({ duration: {} });
    expect(r.pipeline!.nodes[0].tests[6].metric).toEqual({ row_count: { table: "orders" } });
  });

  it("names file, line and field for each mistake", () => {
    const r = withTests(
      "{ name: a1, metric: { row_count: orders }, level: fail }",
      "{ name: a2, metric: { not_null: { table: orders } }, level: fail }",
      "{ name: a3, metric: { unique: { table: 'x; drop table y', column: id } }, level: fail }",
      "{ name: a4, metric: { row_count: t, max: { table: t, column: c } }, check: '> 0', level: fail }",
      "{ name: a5, metric: { rows: t }, check: '> 0', level: fail }",
      "{ name: a6, metric: row_count, check: '> 0', level: fail }",
      "{ name: a7, metric: { row_count: t }, check: '>> 0', level: fail }",
      "{ name: a8, metric: { row_count: t }, check: 'between 1', level: fail }",
      "{ name: a9, metric: { row_count: t }, check: '> nope * 2', level: fail }",
      "{ name: b1, metric: { row_count: t }, check: 'control window=3 min_history=5', level: warn }",
      "{ name: b2, metric: { row_count: t }, check: '> b2', level: warn }",
      "{ name: 9x, metric: duration, level: log }",
    );
    expect(errs(r)).toEqual([
      `${FILE}:7:nodes[0].tests[0].check: a fail test on the row_count metric needs a check, e.g. "> 0", "between 1 and 10", "change within 20%" or "control"`,
      `${FILE}:8:nodes[0].tests[1].metric.not_null.column: column is required`,
      `${FILE}:9:nodes[0].tests[2].metric.unique.table: table must be a table name, or schema.table (letters, digits and _; no quotes or templates)`,
      `${FILE}:10:nodes[0].tests[3].metric: metric must name exactly one metric (got row_count, max)`,
      `${FILE}:11:nodes[0].tests[4].metric.rows: unknown field "rows"`,
      `${FILE}:12:nodes[0].tests[5].metric: metric must be a mapping with one metric, e.g. { row_count: orders } or { not_null: { table: orders, column: id } }, or "duration" (got "row_count")`,
      `${FILE}:13:nodes[0].tests[6].check: check ">> 0": expected a number or the name of another test of this node but found ">" (at character 2)`,
      `${FILE}:14:nodes[0].tests[7].check: check "between 1": expected "and" at the end (at character 10)`,
      `${FILE}:16:nodes[0].tests[9].check: check "control window=3 min_history=5": min_history (5) must not exceed window (3) (at character 1)`,
      `${FILE}:18:nodes[0].tests[11].name: name must be 1 to 63 letters, digits or underscores, not starting with a digit`,
    ]);
  });

  it("checks the tests a check names, and output metrics need an outputs file", () => {
    const r = withTests("{ name: a9, metric: { row_count: t }, check: '> nope * 2', level: fail }", "{ name: b2, metric: { row_count: t }, check: '> b2', level: warn }", "{ name: o1, metric: { output: n }, check: '> 0', level: warn }");
    expect(errs(r)).toEqual([
      `${FILE}:7:nodes[0].tests[0].check: check names "nope", which is not a test of node "a" (known: a9, b2, o1)`,
      `${FILE}:8:nodes[0].tests[1].check: check of "b2" names the test itself; compare with another test of node "a" or a number`,
      `${FILE}:9:nodes[0].tests[2].metric.output: node "a" declares no outputs file, so an output metric has nothing to read`,
    ]);
  });

  it("checks the syntax of a templated check with the template as a number", () => {
    expect(errs(withTests("{ name: t, metric: { row_count: t }, check: '== {{params.n}}', level: fail }"))).toEqual([
      `${FILE}:7:nodes[0].tests[0].check: unknown variable {{params.n}}: parameter "n" is not declared under parameters`,
    ]);
    expect(errs(withTests("{ name: t, metric: { row_count: t }, check: '== {{params.n}} +', level: fail }")).join("\n")).toContain('check "== {{params.n}} +": expected a number');
  });
});

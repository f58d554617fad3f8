import { AppError } from "@galley/core";
import { describe, expect, it } from "vitest";
import type { NodeTest } from "../types";
import { evaluateTests, testConsequences, type TestQuery } from "./evaluate";
import { metricQuery } from "./metric-sql";

// The query port answers from a table of SQL prefixes; the SQL itself is exercised against
// PostgreSQL in packages/runs (data-tests.int.test.ts).
function answering(map: Record<string, Record<string, unknown>[] | Error>): TestQuery & { seen: string[] } {
  const seen: string[] = [];
  const q = (async (sql: string) => {
    seen.push(sql);
    for (const [k, v] of Object.entries(map)) if (sql.includes(k)) {
      if (v instanceof Error) throw v;
      return v;
    }
    throw new Error(`unexpected SQL ${sql}`);
  }) as unknown as TestQuery & { seen: string[] };
  q.seen = seen;
  return q;
}

const t = (name: string, metric: Record<string, unknown>, level: NodeTest["level"], check?: string): NodeTest => ({ name, metric, level, ...(check ? { check } : {}) });

describe("evaluateTests", () => {
  it("judges metrics, row tests, outputs and duration, and checks naming other tests", async () => {
    const q = answering({
      '"id", count(*)': [{ n: 2, examples: [{ id: 4, duplicates: 2 }] }],
      'FROM "raw"': [{ count: "10" }],
      'FROM "clean"': [{ count: 9 }],
    });
    const out = await evaluateTests(q, {
      tests: [
        t("raw_rows", { row_count: { table: "raw" } }, "log"),
        t("clean_rows", { row_count: { table: "clean" } }, "warn", ">= raw_rows * 0.95"),
        t("id_unique", { unique: { table: "clean", column: "id" } }, "fail"),
        t("revenue", { output: "totals.eu" }, "fail", "> 0"),
        t("fast", { duration: {} }, "warn", "< 1m"),
      ],
      outputs: { totals: { eu: 12.5 } },
      durationMs: 2500,
      history: {},
    });
    expect(out.map((o) => [o.name, o.verdict, o.value, o.rule])).toEqual([
      ["raw_rows", "passed", 10, null],
      ["clean_rows", "warned", 9, ">= raw_rows * 0.95"],
      ["id_unique", "failed", 2, "== 0"],
      ["revenue", "passed", 12.5, null],
      ["fast", "passed", 2.5, null],
    ]);
    expect(out[2]).toMatchObject({ failingRows: 2, examples: [{ id: 4, duplicates: 2 }], message: "2 failing row(s)" });
    expect(testConsequences(out)).toEqual({ nodeError: "test id_unique failed: 2 failing row(s)", warnings: 1 });
  });

  it("turns bad input into error results naming the test, and keeps evaluating the others", async () => {
    const q = answering({
      'FROM "gone"': new AppError("invalid_input", 'relation "gone" does not exist'),
      "select 'x'": [{ "?column?": "x" }],
      "select 1 where false": [],
      "select null": [{ v: null }],
      'FROM "ok"': [{ m0: 1, m1: 1 }], // f and g share one scan
    });
    const out = await evaluateTests(q, {
      tests: [
        t("a", { row_count: { table: "gone" } }, "fail", "> 0"),
        t("b", { sql: "select 'x'" }, "warn", "> 0"),
        t("c", { sql: "select 1 where false" }, "log", "> 0"),
        t("d", { sql: "select null" }, "log"),
        t("e", { output: "missing" }, "warn", "> 0"),
        t("f", { row_count: { table: "ok" } }, "fail", "> a"),
        t("g", { row_count: { table: "ok" } }, "fail", "> 0"),
      ],
      outputs: { n: 1 },
      durationMs: 0,
      history: {},
    });
    expect(out.map((o) => [o.name, o.verdict, o.message])).toEqual([
      ["a", "error", 'test a: relation "gone" does not exist'],
      ["b", "error", 'test b: the query returned "x", not a number'],
      ["c", "error", "test c: the query returned no row; it must return one number"],
      ["d", "error", "test d: the query returned NULL; it must return one number (use coalesce)"],
      ["e", "error", 'test e: the node\'s outputs have no "missing" (keys: n)'],
      ["f", "error", 'test f: test "a" has no value'],
      ["g", "passed", "1 > 0"],
    ]);
    expect(testConsequences(out)).toEqual({ nodeError: 'test a: relation "gone" does not exist (and 1 more failing test)', warnings: 2 });
  });

  it("passes history to change and control checks; a tripped log test passes but keeps its rule", async () => {
    const q = answering({ 'SELECT count(*)::bigint AS m0, count(*)::bigint AS m1 FROM "t"': [{ m0: 200, m1: "200" }] });
    const out = await evaluateTests(q, {
      tests: [t("grow", { row_count: { table: "t" } }, "warn", "change within 10%"), t("ctl", { row_count: { table: "t" } }, "log", "control min_history=3")],
      outputs: {},
      durationMs: 0,
      history: { grow: [100], ctl: [100, 101, 99, 100] },
    });
    expect(out[0]).toMatchObject({ verdict: "warned", rule: "change within 10%", mean: 100 });
    expect(out[1]).toMatchObject({ verdict: "passed", rule: "beyond_limits", mean: 100 });
    expect(q.seen).toHaveLength(1); // two metrics of one table: one query
  });
});

describe("row tests on one table", () => {
  it("count their failing rows in one scan, and ask only the failing ones again for examples", async () => {
    const q = answering({
      "count(*) FILTER": [{ m0: 0, m1: "3", m2: 0 }],
      'WHERE "b" IS NULL': [{ n: 3, examples: [{ id: 7, b: null }] }],
    });
    const out = await evaluateTests(q, {
      tests: [
        t("a_set", { not_null: { table: "t", column: "a" } }, "fail"),
        t("b_set", { not_null: { table: "t", column: "b" } }, "warn"),
        t("st_known", { accepted_values: { table: "t", column: "st", values: ["x", "y"] } }, "fail"),
      ],
      outputs: {},
      durationMs: 0,
      history: {},
    });
    expect(out.map((o) => [o.name, o.verdict, o.value])).toEqual([["a_set", "passed", 0], ["b_set", "warned", 3], ["st_known", "passed", 0]]);
    expect(out[1]).toMatchObject({ failingRows: 3, examples: [{ id: 7, b: null }] });
    expect(q.seen).toHaveLength(2);
    expect(q.seen[0]).toBe(
      'SELECT count(*) FILTER (WHERE "a" IS NULL)::bigint AS m0, count(*) FILTER (WHERE "b" IS NULL)::bigint AS m1, ' +
        `count(*) FILTER (WHERE "st" IS NOT NULL AND NOT ("st"::text = ANY(ARRAY['x', 'y']::text[])))::bigint AS m2 FROM "t"`,
    );
  });

  it("ask each test on its own when the shared scan fails, so the error names the test", async () => {
    const q = answering({
      "count(*) FILTER": new AppError("invalid_input", 'column "nope" does not exist'),
      'WHERE "nope" IS NULL': new AppError("invalid_input", 'column "nope" does not exist'),
      'WHERE "a" IS NULL': [{ n: 0, examples: [] }],
    });
    const out = await evaluateTests(q, {
      tests: [t("a_set", { not_null: { table: "t", column: "a" } }, "fail"), t("nope_set", { not_null: { table: "t", column: "nope" } }, "fail")],
      outputs: {},
      durationMs: 0,
      history: {},
    });
    expect(out.map((o) => [o.name, o.verdict])).toEqual([["a_set", "passed"], ["nope_set", "error"]]);
    expect(out[1].message).toBe('test nope_set: column "nope" does not exist');
  });
});

describe("metric SQL", () => {
  it("quotes every identifier and passes values as parameters", () => {
    const q = metricQuery("accepted_values", { table: 'we"ird.Orders', column: "St", values: ["a'; drop table x; --", 2] })!;
    expect(q.sql).toContain(`FROM "we""ird"."Orders" WHERE "St" IS NOT NULL AND NOT ("St"::text = ANY(ARRAY['a''; drop table x; --', '2']::text[]))`);
    expect(metricQuery("relationships", { table: "o", column: "cid", to: "c", field: "id" })!.sql).toContain('NOT EXISTS (SELECT 1 FROM "c" AS parent WHERE parent."id" = child."cid")');
    expect(metricQuery("row_count", { table: "o", where: "x > 1" })!.sql).toBe('SELECT count(*)::bigint FROM "o" WHERE (x > 1)');
  });
});

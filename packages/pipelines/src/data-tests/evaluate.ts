// Evaluates a node's tests: every metric first (checks may name other tests of the node), then
// every check. A test that cannot be evaluated (missing table, a query returning text) becomes an
// `error` result naming the test; it never stops the others.
import { isAppError } from "@galley/core";
import { CheckSyntaxError, parseCheck } from "./check";
import { judgeParsed, type Judgement } from "./judge";
import { aggregatesQuery, AGGREGATES, COUNTABLE_ROW_TESTS, failingCountsQuery, metricQuery, outputValue, scalarOf, trimExamples, type MetricQuery } from "./metric-sql";
import { isRowTest, testKind, type TestKind } from "./spec";
import type { NodeTest } from "../types";

export type Verdict = "passed" | "warned" | "failed" | "error";

export interface TestOutcome {
  name: string;
  kind: TestKind;
  level: NodeTest["level"];
  verdict: Verdict;
  value: number | null;
  lowerLimit: number | null;
  upperLimit: number | null;
  mean: number | null;
  sigma: number | null;
  rule: string | null;
  message: string;
  failingRows: number | null;
  examples: Record<string, unknown>[] | null;
}

type Rows = Record<string, unknown>[];

/**
 * One read-only query in the node's warehouse session (the Kitchen's role). `batch`, when the
 * session has it, sends many in one round trip: a failed one is an Error in its place.
 */
export type TestQuery = ((sql: string, params: unknown[]) => Promise<Rows>) & {
  batch?: (queries: { sql: string; params: unknown[] }[]) => Promise<(Rows | Error)[]>;
};

export interface EvaluateInput {
  /** The node's tests, templates rendered (with the node's own outputs). */
  tests: readonly NodeTest[];
  outputs: Readonly<Record<string, unknown>>;
  durationMs: number;
  /** Earlier values per test name, oldest first (only tests whose checks need history). */
  history: Readonly<Record<string, readonly number[]>>;
}

interface Measured {
  test: NodeTest;
  kind: TestKind;
  value?: number;
  failingRows?: number;
  examples?: Record<string, unknown>[];
  error?: string;
}

type SqlPlan = Extract<Plan, { q: unknown }>;
type Shared = { index: number; q: MetricQuery; rows: boolean };

/**
 * Tests that can share one scan of their table: aggregate metrics on the same table and filter
 * (row count, null ratio, min, ...) in one SELECT, and the failing-row counts of row tests
 * (not_null, accepted_values, expression) on the same table in one SELECT with FILTERs.
 */
function shareScans(plans: readonly SqlPlan[]): Map<SqlPlan, Shared> {
  const groups = new Map<string, SqlPlan[]>();
  for (const p of plans) {
    const args = p.test.metric[p.kind] as Record<string, unknown>;
    const key = AGGREGATES.has(p.kind) ? JSON.stringify(["agg", args.table, args.where ?? null]) : COUNTABLE_ROW_TESTS.has(p.kind) ? JSON.stringify(["rows", args.table]) : null;
    if (key) groups.set(key, [...(groups.get(key) ?? []), p]);
  }
  const shared = new Map<SqlPlan, Shared>();
  for (const group of groups.values()) {
    if (group.length < 2) continue;
    const rows = COUNTABLE_ROW_TESTS.has(group[0].kind);
    const first = group[0].test.metric[group[0].kind] as Record<string, unknown>;
    const metrics = group.map((p) => ({ kind: p.kind, args: p.test.metric[p.kind] as Record<string, unknown> }));
    const q = rows ? failingCountsQuery(String(first.table), metrics) : aggregatesQuery(String(first.table), first.where, metrics);
    group.forEach((p, index) => shared.set(p, { index, q, rows }));
  }
  return shared;
}

export async function evaluateTests(query: TestQuery, input: EvaluateInput): Promise<TestOutcome[]> {
  const plans = input.tests.map((test) => plan(test, input));
  const sqlPlans = plans.filter((p): p is SqlPlan => "q" in p);
  const shared = shareScans(sqlPlans);
  const own = sqlPlans.filter((p) => !shared.has(p));
  const combined = [...new Set([...shared.values()].map((s) => s.q))];
  // Round trips dominate 100 small queries: one batch when the session can, else one at a time.
  const askAll = async (qs: MetricQuery[]): Promise<Map<MetricQuery, Rows | Error>> => {
    const got = new Map<MetricQuery, Rows | Error>();
    if (query.batch && qs.length > 1) {
      const rows = await query.batch(qs);
      qs.forEach((q, i) => got.set(q, rows[i]));
    } else {
      for (const q of qs) got.set(q, await query(q.sql, q.params).catch((e: unknown) => (e instanceof Error ? e : new Error(String(e)))));
    }
    return got;
  };
  const got = await askAll([...own.map((p) => p.q), ...combined]);
  const answers = new Map<Plan, Rows | Error>();
  for (const p of own) answers.set(p, got.get(p.q)!);
  // Asked again on their own: the tests of a shared query that failed (one missing column), so
  // the error lands on the test that caused it, and row tests with failing rows, for examples.
  const again: SqlPlan[] = [];
  for (const [p, s] of shared) {
    const rows = got.get(s.q)!;
    const value = rows instanceof Error ? undefined : rows[0]?.[`m${s.index}`];
    if (rows instanceof Error || (s.rows && Number(value ?? 0) > 0)) again.push(p);
    else answers.set(p, s.rows ? [{ n: value ?? 0, examples: [] }] : [{ value }]);
  }
  if (again.length) {
    const more = await askAll(again.map((p) => p.q));
    for (const p of again) answers.set(p, more.get(p.q)!);
  }
  const measured = plans.map((p) => ("q" in p ? fromRows(p, answers.get(p)!) : p.m));
  const values: Record<string, number> = {};
  for (const m of measured) if (m.value !== undefined) values[m.test.name] = m.value;
  return measured.map((m) => decide(m, values, input.history[m.test.name] ?? []));
}

type Plan = { m: Measured } | { test: NodeTest; kind: TestKind; q: MetricQuery };

/** What a test needs: a value known already (outputs, duration, an error), or a query. */
function plan(test: NodeTest, input: EvaluateInput): Plan {
  const kind = testKind(test.metric);
  if (!kind) return { m: { test, kind: "sql", error: "the test has no metric" } };
  const args = test.metric[kind];
  try {
    if (kind === "output") return { m: { test, kind, value: outputValue(input.outputs, String(args)) } };
    if (kind === "duration") return { m: { test, kind, value: input.durationMs / 1000 } };
    return { test, kind, q: metricQuery(kind, kind === "sql" ? { sql: args } : (args as Record<string, unknown>))! };
  } catch (e) {
    return { m: { test, kind, error: (e as Error).message } };
  }
}

function fromRows(p: Extract<Plan, { q: unknown }>, rows: Rows | Error): Measured {
  const { test, kind } = p;
  try {
    if (rows instanceof Error) throw rows;
    if (p.q.shape === "scalar") return { test, kind, value: scalarOf(rows, kind) };
    const n = Number(rows[0]?.n ?? 0);
    return { test, kind, value: n, failingRows: n, examples: trimExamples(rows[0]?.examples) };
  } catch (e) {
    return { test, kind, error: isAppError(e) || e instanceof Error ? (e as Error).message : String(e) };
  }
}

function decide(m: Measured, values: Record<string, number>, history: readonly number[]): TestOutcome {
  const base = {
    name: m.test.name,
    kind: m.kind,
    level: m.test.level,
    value: m.value ?? null,
    lowerLimit: null,
    upperLimit: null,
    mean: null,
    sigma: null,
    failingRows: m.failingRows ?? null,
    examples: m.examples ?? null,
  };
  if (m.error !== undefined) return { ...base, verdict: "error", rule: null, message: `test ${m.test.name}: ${m.error}` };
  const checkText = m.test.check ?? (isRowTest(m.kind) ? "== 0" : undefined);
  if (checkText === undefined) return { ...base, verdict: "passed", rule: null, message: `${m.value} (recorded)` };
  let j: Judgement;
  try {
    const check = parseCheck(checkText);
    j = judgeParsed(check, { value: m.value!, check: checkText, values, history });
  } catch (e) {
    const why = e instanceof CheckSyntaxError ? `check "${checkText}": ${e.message}` : (e as Error).message;
    return { ...base, verdict: "error", rule: null, message: `test ${m.test.name}: ${why}` };
  }
  const message = isRowTest(m.kind) && m.test.check === undefined ? `${m.value} failing row(s)` : j.message;
  // A log test never changes anything: it passes, and keeps the rule it tripped for the record.
  const verdict: Verdict = !j.tripped || m.test.level === "log" ? "passed" : m.test.level === "warn" ? "warned" : "failed";
  return { ...base, lowerLimit: j.lowerLimit, upperLimit: j.upperLimit, mean: j.mean, sigma: j.sigma, rule: j.rule, verdict, message };
}

/** What the outcomes mean for the node: it fails when a `fail` test failed or could not be evaluated. */
export function testConsequences(outcomes: readonly TestOutcome[]): { nodeError: string | null; warnings: number } {
  const blocking = outcomes.filter((o) => o.level === "fail" && (o.verdict === "failed" || o.verdict === "error"));
  const warnings = outcomes.filter((o) => o.level === "warn" && (o.verdict === "warned" || o.verdict === "error")).length;
  if (blocking.length === 0) return { nodeError: null, warnings };
  const first = blocking[0];
  const more = blocking.length > 1 ? ` (and ${blocking.length - 1} more failing test${blocking.length > 2 ? "s" : ""})` : "";
  const what = first.verdict === "error" ? first.message : `test ${first.name} failed: ${first.message}`;
  return { nodeError: `${what}${more}`, warnings };
}

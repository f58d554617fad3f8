// Evaluates a node's tests: every metric first (checks may name other tests of the node), then
// every check. A test that cannot be evaluated (missing table, a query returning text) becomes an
// `error` result naming the test; it never stops the others.
import { isAppError } from "@galley/core";
import { CheckSyntaxError, parseCheck } from "./check";
import { judgeParsed, type Judgement } from "./judge";
import { metricQuery, outputValue, scalarOf, trimExamples } from "./metric-sql";
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

/** One read-only query in the node's warehouse session (the Kitchen's role). */
export type TestQuery = (sql: string, params: unknown[]) => Promise<Record<string, unknown>[]>;

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

export async function evaluateTests(query: TestQuery, input: EvaluateInput): Promise<TestOutcome[]> {
  const measured: Measured[] = [];
  // One at a time: they share the node's single session, and a query must not starve the others.
  for (const test of input.tests) measured.push(await measure(query, test, input));
  const values: Record<string, number> = {};
  for (const m of measured) if (m.value !== undefined) values[m.test.name] = m.value;
  return measured.map((m) => decide(m, values, input.history[m.test.name] ?? []));
}

async function measure(query: TestQuery, test: NodeTest, input: EvaluateInput): Promise<Measured> {
  const kind = testKind(test.metric);
  if (!kind) return { test, kind: "sql", error: "the test has no metric" };
  const args = test.metric[kind];
  try {
    if (kind === "output") return { test, kind, value: outputValue(input.outputs, String(args)) };
    if (kind === "duration") return { test, kind, value: input.durationMs / 1000 };
    const q = metricQuery(kind, kind === "sql" ? { sql: args } : (args as Record<string, unknown>))!;
    const rows = await query(q.sql, q.params);
    if (q.shape === "scalar") return { test, kind, value: scalarOf(rows, kind) };
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

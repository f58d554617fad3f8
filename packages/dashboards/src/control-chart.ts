// A test's control chart: its metric over the newest runs with the mean and limits each
// evaluation used (limits are learned from history, so they move) and the points that broke a
// check or a control rule. One index range scan (test_results_history_idx), newest N rows.
import type { Db } from "@galley/db";
import { ZControlChart, type TChartPoint, type TControlChart, type Verdict } from "./schemas";

export interface TestKey {
  kitchenId: string;
  kitchen: string;
  pipeline: string;
  node: string;
  test: string;
}

interface RawPoint {
  id: string;
  runId: string;
  at: Date;
  value: number | null;
  mean: number | null;
  lower: number | null;
  upper: number | null;
  verdict: string;
  rule: string | null;
  message: string;
  kind: string;
  level: string;
}

/** A point broke a rule when its evaluation tripped (a `log` test records a rule but never warns). */
export function brokeRule(p: { verdict: string; rule: string | null }): boolean {
  return p.rule !== null || p.verdict === "warned" || p.verdict === "failed";
}

/** Points oldest first, with how often each rule was broken. */
export function toChart(key: TestKey, newestFirst: readonly RawPoint[]): TControlChart {
  const points: TChartPoint[] = [...newestFirst].reverse().map((r) => ({
    id: r.id, runId: r.runId, at: r.at, value: r.value, mean: r.mean, lower: r.lower, upper: r.upper,
    verdict: r.verdict as Verdict, rule: r.rule, broke: brokeRule(r), message: r.message,
  }));
  const rules: Record<string, number> = {};
  for (const p of points) if (p.broke) rules[p.rule ?? p.verdict] = (rules[p.rule ?? p.verdict] ?? 0) + 1;
  return ZControlChart.parse({
    kitchen: key.kitchen, pipeline: key.pipeline, node: key.node, test: key.test,
    kind: newestFirst[0]?.kind ?? null, level: newestFirst[0]?.level ?? null,
    points,
    summary: { points: points.length, broke: points.filter((p) => p.broke).length, rules, latest: points.at(-1) ?? null },
  });
}

export async function getControlChart(deps: { db: Pick<Db, "$queryRaw"> }, key: TestKey, limit: number): Promise<TControlChart> {
  const rows = await deps.db.$queryRaw<RawPoint[]>`
    SELECT id::text, run_id::text AS "runId", created_at AS "at", value, mean, lower_limit AS "lower", upper_limit AS "upper",
      verdict, rule, message, kind, level
    FROM test_results
    WHERE kitchen_id = ${key.kitchenId}::uuid AND pipeline = ${key.pipeline} AND node = ${key.node} AND test_name = ${key.test}
    ORDER BY created_at DESC
    LIMIT ${limit}`;
  return toChart(key, rows);
}

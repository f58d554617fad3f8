// Pure arithmetic of the dashboard: daily rollup rows in, series, rates and freshness out.
// No I/O, so every number the manager sees is unit-tested with plain values.
import type { TDayPoint, TPipelineRow, TTestCounts } from "./schemas";

export interface ScopeKitchen {
  id: string;
  name: string;
  environment: string;
  environmentKind: "development" | "production";
}

export interface PipelineStatRow {
  kitchenId: string;
  pipeline: string;
  lastRunId: string;
  lastRunStatus: string;
  lastRunWarnings: number;
  lastRunAt: Date;
  lastRunStartedAt: Date | null;
  lastRunFinishedAt: Date | null;
  lastSuccessAt: Date | null;
}

export interface DayRow {
  kitchenId: string;
  pipeline: string;
  /** YYYY-MM-DD (UTC). */
  day: string;
  succeeded: number;
  warned: number;
  failed: number;
  cancelled: number;
  durationMsSum: number;
  durationCount: number;
  testsPassed: number;
  testsWarned: number;
  testsFailed: number;
  testsError: number;
}

const DAY_MS = 86_400_000;

/** The `count` UTC days ending with `now`'s day, oldest first, as YYYY-MM-DD. */
export function dayRange(now: Date, count: number): string[] {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  return Array.from({ length: count }, (_, i) => new Date(today - (count - 1 - i) * DAY_MS).toISOString().slice(0, 10));
}

/**
 * succeeded / (succeeded + failed); cancelled runs say nothing about the pipeline. Four decimals
 * (a hundredth of a percent) are all a dashboard shows; the other twelve only made the answer larger.
 */
export function successRate(succeeded: number, failed: number): number | null {
  const n = succeeded + failed;
  return n === 0 ? null : Math.round((succeeded / n) * 10_000) / 10_000;
}

export function emptyCounts(): TTestCounts {
  return { passed: 0, warned: 0, failed: 0, error: 0 };
}

function addTests(into: TTestCounts, r: DayRow): void {
  into.passed += r.testsPassed;
  into.warned += r.testsWarned;
  into.failed += r.testsFailed;
  into.error += r.testsError;
}

const key = (kitchenId: string, pipeline: string) => `${kitchenId}\u0000${pipeline}`;

/** The whole scope's runs, durations and test verdicts per day (days without rows are zeros). */
export function dailySeries(rows: readonly DayRow[], days: readonly string[]): TDayPoint[] {
  const byDay = new Map(days.map((d) => [d, { succeeded: 0, warned: 0, failed: 0, cancelled: 0, msSum: 0, msCount: 0, tests: emptyCounts() }]));
  for (const r of rows) {
    const d = byDay.get(r.day);
    if (!d) continue;
    d.succeeded += r.succeeded;
    d.warned += r.warned;
    d.failed += r.failed;
    d.cancelled += r.cancelled;
    d.msSum += r.durationMsSum;
    d.msCount += r.durationCount;
    addTests(d.tests, r);
  }
  return days.map((day) => {
    const d = byDay.get(day)!;
    return {
      day, succeeded: d.succeeded, warned: d.warned, failed: d.failed, cancelled: d.cancelled,
      avgDurationMs: d.msCount ? Math.round(d.msSum / d.msCount) : null, tests: d.tests,
    };
  });
}

/**
 * One row per Kitchen and pipeline: the newest run, success rates over the last 7 and 30 days
 * (today included), the daily mean duration over `days`, verdicts of the last 7 days, and how
 * long ago it last succeeded. Rows whose Kitchen is not in `kitchens` are dropped.
 */
export function pipelineRows(
  stats: readonly PipelineStatRow[],
  rows: readonly DayRow[],
  kitchens: ReadonlyMap<string, ScopeKitchen>,
  days: readonly string[],
  now: Date,
): TPipelineRow[] {
  const week = new Set(dayRange(now, 7));
  const month = new Set(dayRange(now, 30));
  const index = new Map(days.map((d, i) => [d, i]));
  const acc = new Map<string, { s7: number; f7: number; n7: number; s30: number; f30: number; n30: number; ms: number[]; cnt: number[]; tests: TTestCounts }>();
  for (const r of rows) {
    const k = key(r.kitchenId, r.pipeline);
    let a = acc.get(k);
    if (!a) acc.set(k, (a = { s7: 0, f7: 0, n7: 0, s30: 0, f30: 0, n30: 0, ms: days.map(() => 0), cnt: days.map(() => 0), tests: emptyCounts() }));
    const runs = r.succeeded + r.failed + r.cancelled;
    if (week.has(r.day)) {
      a.s7 += r.succeeded;
      a.f7 += r.failed;
      a.n7 += runs;
      addTests(a.tests, r);
    }
    if (month.has(r.day)) {
      a.s30 += r.succeeded;
      a.f30 += r.failed;
      a.n30 += runs;
    }
    const i = index.get(r.day);
    if (i !== undefined) {
      a.ms[i] += r.durationMsSum;
      a.cnt[i] += r.durationCount;
    }
  }
  const out: TPipelineRow[] = [];
  for (const s of stats) {
    const kitchen = kitchens.get(s.kitchenId);
    if (!kitchen) continue;
    const a = acc.get(key(s.kitchenId, s.pipeline));
    const finished = s.lastRunStartedAt && s.lastRunFinishedAt ? s.lastRunFinishedAt.getTime() - s.lastRunStartedAt.getTime() : null;
    out.push({
      kitchen: kitchen.name,
      environment: kitchen.environment,
      environmentKind: kitchen.environmentKind,
      pipeline: s.pipeline,
      lastRun: { id: s.lastRunId, status: s.lastRunStatus, warnings: s.lastRunWarnings, createdAt: s.lastRunAt, finishedAt: s.lastRunFinishedAt, durationMs: finished },
      lastSuccessAt: s.lastSuccessAt,
      freshnessMs: s.lastSuccessAt ? Math.max(0, now.getTime() - s.lastSuccessAt.getTime()) : null,
      successRate7d: a ? successRate(a.s7, a.f7) : null,
      successRate30d: a ? successRate(a.s30, a.f30) : null,
      runs7d: a?.n7 ?? 0,
      runs30d: a?.n30 ?? 0,
      durationTrend: a ? a.ms.map((ms, i) => (a.cnt[i] ? Math.round(ms / a.cnt[i]) : null)) : days.map(() => null),
      tests7d: a?.tests ?? emptyCounts(),
    });
  }
  // What needs attention first (last run failed, then succeeded with warnings), then production
  // first, by Kitchen and pipeline: the order a manager scans in, and what the first page shows.
  const attention = (r: TPipelineRow) => (r.lastRun.status === "failed" ? 0 : r.lastRun.warnings > 0 ? 1 : 2);
  const env = (r: TPipelineRow) => (r.environmentKind === "production" ? 0 : 1);
  return out.sort((x, y) => attention(x) - attention(y) || env(x) - env(y) || x.kitchen.localeCompare(y.kitchen) || x.pipeline.localeCompare(y.pipeline));
}

/** Scope-wide totals from the pipeline rows. */
export function totalsOf(rows: readonly TPipelineRow[], dayRows: readonly DayRow[], now: Date) {
  const week = new Set(dayRange(now, 7));
  const month = new Set(dayRange(now, 30));
  let s7 = 0, f7 = 0, s30 = 0, f30 = 0;
  const tests7d = emptyCounts();
  for (const r of dayRows) {
    if (week.has(r.day)) {
      s7 += r.succeeded;
      f7 += r.failed;
      addTests(tests7d, r);
    }
    if (month.has(r.day)) {
      s30 += r.succeeded;
      f30 += r.failed;
    }
  }
  return {
    pipelines: rows.length,
    runs7d: rows.reduce((n, r) => n + r.runs7d, 0),
    successRate7d: successRate(s7, f7),
    successRate30d: successRate(s30, f30),
    tests7d,
    failing: rows.filter((r) => r.lastRun.status === "failed").length,
  };
}

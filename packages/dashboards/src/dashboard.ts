// The managers' dashboard over a set of Kitchens the caller may read (the access policy decided
// that before calling). It reads only the pre-aggregations kept by the dashboard_rollups
// migration's triggers: one row per Kitchen/pipeline/day and one per Kitchen/pipeline/test, never
// the runs or test_results tables, so its cost does not grow with history.
import type { Db } from "@galley/db";
import { ZDashboard, type TDashboard, type TDashboardQuery, type TTestRow, type Verdict } from "./schemas";
import { dailySeries, dayRange, pipelineRows, totalsOf, type DayRow, type PipelineStatRow, type ScopeKitchen } from "./summarise";

export type DashboardDeps = { db: Pick<Db, "$queryRaw"> };

/** The Kitchens a query's filters leave (environment and Kitchen name). */
export function narrowScope(kitchens: readonly ScopeKitchen[], q: Pick<TDashboardQuery, "environment" | "kitchen">): ScopeKitchen[] {
  return kitchens.filter((k) => (!q.environment || k.environment === q.environment) && (!q.kitchen || k.name === q.kitchen));
}

type RawDay = Omit<DayRow, "day" | "durationMsSum"> & { day: Date; durationMsSum: bigint | number };

async function loadDayRows(deps: DashboardDeps, ids: string[], since: string, pipeline: string | null): Promise<DayRow[]> {
  const rows = await deps.db.$queryRaw<RawDay[]>`
    SELECT kitchen_id::text AS "kitchenId", pipeline, day, succeeded, warned, failed, cancelled,
      duration_ms_sum AS "durationMsSum", duration_count AS "durationCount",
      tests_passed AS "testsPassed", tests_warned AS "testsWarned", tests_failed AS "testsFailed", tests_error AS "testsError"
    FROM pipeline_day_stats
    WHERE kitchen_id = ANY(${ids}::uuid[]) AND day >= ${since}::date AND (${pipeline}::text IS NULL OR pipeline = ${pipeline}::text)`;
  return rows.map((r) => ({ ...r, day: r.day.toISOString().slice(0, 10), durationMsSum: Number(r.durationMsSum) }));
}

async function loadStats(deps: DashboardDeps, ids: string[], pipeline: string | null): Promise<PipelineStatRow[]> {
  return deps.db.$queryRaw<PipelineStatRow[]>`
    SELECT kitchen_id::text AS "kitchenId", pipeline, last_run_id::text AS "lastRunId", last_run_status AS "lastRunStatus",
      last_run_warnings AS "lastRunWarnings", last_run_at AS "lastRunAt", last_run_started_at AS "lastRunStartedAt",
      last_run_finished_at AS "lastRunFinishedAt", last_success_at AS "lastSuccessAt"
    FROM pipeline_stats
    WHERE kitchen_id = ANY(${ids}::uuid[]) AND (${pipeline}::text IS NULL OR pipeline = ${pipeline}::text)`;
}

type RawTest = Omit<TTestRow, "kitchen"> & { kitchenId: string };

async function loadTests(deps: DashboardDeps, ids: string[], pipeline: string | null, limit: number): Promise<{ rows: RawTest[]; notPassing: number }> {
  const [rows, [count]] = await Promise.all([
    deps.db.$queryRaw<RawTest[]>`
      SELECT kitchen_id::text AS "kitchenId", pipeline, node, test_name AS "test", kind, level, verdict, value, rule,
        last_at AS "at", last_run_id::text AS "runId"
      FROM test_stats
      WHERE kitchen_id = ANY(${ids}::uuid[]) AND (${pipeline}::text IS NULL OR pipeline = ${pipeline}::text)
      ORDER BY (verdict = 'passed'), last_at DESC, pipeline, node, test_name
      LIMIT ${limit}`,
    deps.db.$queryRaw<{ n: number }[]>`
      SELECT count(*)::int AS n FROM test_stats
      WHERE kitchen_id = ANY(${ids}::uuid[]) AND verdict <> 'passed' AND (${pipeline}::text IS NULL OR pipeline = ${pipeline}::text)`,
  ]);
  return { rows, notPassing: count?.n ?? 0 };
}

async function loadPipelineNames(deps: DashboardDeps, ids: string[]): Promise<string[]> {
  const rows = await deps.db.$queryRaw<{ pipeline: string }[]>`
    SELECT DISTINCT pipeline FROM pipeline_stats WHERE kitchen_id = ANY(${ids}::uuid[]) ORDER BY pipeline`;
  return rows.map((r) => r.pipeline);
}

/**
 * The dashboard of `readable` Kitchens (every Kitchen the caller may read runs of), narrowed by
 * the query's filters. Filter options list everything readable, so a filter can be widened again.
 */
export async function getDashboard(deps: DashboardDeps, readable: readonly ScopeKitchen[], q: TDashboardQuery, now = new Date()): Promise<TDashboard> {
  const scope = narrowScope(readable, q);
  const ids = scope.map((k) => k.id);
  const pipeline = q.pipeline ?? null;
  const days = dayRange(now, Math.max(q.days, 30));
  const shown = days.slice(-q.days);
  const [dayRows, stats, tests, pipelineNames] = await Promise.all([
    loadDayRows(deps, ids, days[0], pipeline),
    loadStats(deps, ids, pipeline),
    loadTests(deps, ids, pipeline, q.tests),
    loadPipelineNames(deps, readable.map((k) => k.id)),
  ]);
  const byId = new Map(scope.map((k) => [k.id, k]));
  const pipelines = pipelineRows(stats, dayRows, byId, shown, now);
  return ZDashboard.parse({
    generatedAt: now,
    days: q.days,
    filters: {
      environments: [...new Set(readable.map((k) => k.environment))].sort(),
      kitchens: readable.map((k) => ({ name: k.name, environment: k.environment })).sort((a, b) => a.name.localeCompare(b.name)),
      pipelines: pipelineNames,
    },
    totals: { ...totalsOf(pipelines, dayRows, now), testsNotPassing: tests.notPassing },
    daily: dailySeries(dayRows, shown),
    pipelines: pipelines.slice(q.offset, q.offset + q.limit),
    pipelinesPage: { offset: q.offset, limit: q.limit, total: pipelines.length },
    tests: tests.rows
      .filter((t) => byId.has(t.kitchenId))
      .map(({ kitchenId, ...t }) => ({ ...t, kitchen: byId.get(kitchenId)!.name, verdict: t.verdict as Verdict })),
  });
}

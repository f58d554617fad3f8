import type { Db } from "@galley/db";
import { createTestDatabase, type TestDatabase } from "@galley/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getControlChart } from "./control-chart";
import { getDashboard } from "./dashboard";
import { ZDashboardQuery } from "./schemas";
import type { ScopeKitchen } from "./summarise";

let t: TestDatabase;
let db: Db;
beforeAll(async () => {
  t = await createTestDatabase();
  db = t.db;
});
afterAll(async () => {
  await t?.drop();
});

const NOW = new Date("2026-12-01T12:00:00Z");
const hoursAgo = (h: number) => new Date(NOW.getTime() - h * 3600_000);

async function kitchen(name: string, kind: "development" | "production"): Promise<ScopeKitchen> {
  const env = await db.environment.upsert({ where: { name: kind }, update: {}, create: { name: kind, kind, warehouseHost: "h", warehouseDb: "d", warehouseUser: "u" } });
  const k = await db.kitchen.create({ data: { name, branch: name, schemaName: name, environmentId: env.id } });
  return { id: k.id, name, environment: env.name, environmentKind: kind };
}

/** A finished run with one node and its test results, as the worker leaves them. */
async function run(k: ScopeKitchen, pipeline: string, o: { at: Date; status: string; seconds?: number; warnings?: number; tests?: { name: string; value: number; verdict?: string; rule?: string }[] }) {
  const r = await db.run.create({
    data: {
      kitchenId: k.id, pipeline, commit: "c", status: o.status, trigger: "schedule", warnings: o.warnings ?? 0, createdAt: o.at, startedAt: o.at,
      finishedAt: o.status === "running" ? null : new Date(o.at.getTime() + (o.seconds ?? 60) * 1000),
      nodes: { create: { nodeId: "transform", type: "sql", status: "succeeded", remainingDeps: 0 } },
    },
    select: { id: true, nodes: { select: { id: true } } },
  });
  if (o.tests?.length) {
    await db.testResult.createMany({
      data: o.tests.map((x) => ({
        runId: r.id, nodeRunId: r.nodes[0].id, kitchenId: k.id, pipeline, node: "transform", testName: x.name, kind: "row_count", level: "warn",
        value: x.value, mean: 100, lowerLimit: 70, upperLimit: 130, sigma: 10, verdict: x.verdict ?? "passed", rule: x.rule ?? null, createdAt: o.at,
      })),
    });
  }
  return r.id;
}

/** The rollups recomputed from scratch, to compare with what the triggers kept. */
async function recomputed() {
  return db.$queryRaw<{ k: string; n: number }[]>`
    WITH r AS (
      SELECT kitchen_id, pipeline, (created_at AT TIME ZONE 'UTC')::date AS day,
        count(*) FILTER (WHERE status = 'succeeded') s, count(*) FILTER (WHERE status = 'failed') f, count(*) FILTER (WHERE status = 'cancelled') c,
        count(*) FILTER (WHERE status = 'succeeded' AND warnings > 0) w,
        coalesce(sum(round(extract(epoch FROM finished_at - started_at) * 1000)) FILTER (WHERE finished_at IS NOT NULL AND started_at IS NOT NULL AND status IN ('succeeded','failed','cancelled')), 0) ms
      FROM runs GROUP BY 1, 2, 3),
    tr AS (SELECT kitchen_id, pipeline, (created_at AT TIME ZONE 'UTC')::date AS day, count(*) FILTER (WHERE verdict = 'passed') p, count(*) FILTER (WHERE verdict = 'warned') wa FROM test_results GROUP BY 1, 2, 3)
    SELECT concat_ws('|', coalesce(r.kitchen_id, tr.kitchen_id), coalesce(r.pipeline, tr.pipeline), coalesce(r.day, tr.day), coalesce(r.s, 0), coalesce(r.f, 0), coalesce(r.c, 0), coalesce(r.w, 0), coalesce(r.ms, 0), coalesce(tr.p, 0), coalesce(tr.wa, 0)) AS k, 1 AS n
    FROM r FULL JOIN tr ON (r.kitchen_id, r.pipeline, r.day) = (tr.kitchen_id, tr.pipeline, tr.day)
    WHERE coalesce(r.s + r.f + r.c, 0) + coalesce(tr.p + tr.wa, 0) > 0
    ORDER BY 1`;
}
async function kept() {
  return db.$queryRaw<{ k: string; n: number }[]>`
    SELECT concat_ws('|', kitchen_id, pipeline, day, succeeded, failed, cancelled, warned, duration_ms_sum, tests_passed, tests_warned) AS k, 1 AS n
    FROM pipeline_day_stats WHERE succeeded + failed + cancelled + tests_passed + tests_warned > 0 ORDER BY 1`;
}

describe("dashboard rollups kept by triggers", () => {
  it("stay equal to a recomputation through inserts, a run's lifecycle, status changes and deletes", async () => {
    const k = await kitchen("roll_a", "development");
    await run(k, "p", { at: hoursAgo(30), status: "succeeded", tests: [{ name: "rows", value: 100 }, { name: "nulls", value: 0, verdict: "warned" }] });
    await run(k, "p", { at: hoursAgo(5), status: "failed", seconds: 12 });
    const live = await db.run.create({ data: { kitchenId: k.id, pipeline: "p", commit: "c", status: "queued", trigger: "manual", createdAt: hoursAgo(1) } });
    let stats = await db.pipelineStat.findUniqueOrThrow({ where: { kitchenId_pipeline: { kitchenId: k.id, pipeline: "p" } } });
    expect(stats).toMatchObject({ lastRunId: live.id, lastRunStatus: "queued" });
    await db.run.update({ where: { id: live.id }, data: { status: "running", startedAt: hoursAgo(1) } });
    await db.run.update({ where: { id: live.id }, data: { status: "succeeded", warnings: 2, finishedAt: NOW } });
    stats = await db.pipelineStat.findUniqueOrThrow({ where: { kitchenId_pipeline: { kitchenId: k.id, pipeline: "p" } } });
    expect(stats).toMatchObject({ lastRunStatus: "succeeded", lastRunWarnings: 2, lastSuccessAt: NOW });
    // terminal to terminal (an operator's correction) and a bulk update of several runs
    await db.run.update({ where: { id: live.id }, data: { status: "failed" } });
    await db.run.updateMany({ where: { kitchenId: k.id, status: "failed" }, data: { status: "cancelled" } });
    expect(await kept()).toEqual(await recomputed());
    // a run going away takes its test results (cascade) and its place as the newest run
    await db.run.delete({ where: { id: live.id } });
    expect(await kept()).toEqual(await recomputed());
    stats = await db.pipelineStat.findUniqueOrThrow({ where: { kitchenId_pipeline: { kitchenId: k.id, pipeline: "p" } } });
    expect(stats.lastRunAt).toEqual(hoursAgo(5));
    const test = await db.testStat.findUniqueOrThrow({ where: { kitchenId_pipeline_node_testName: { kitchenId: k.id, pipeline: "p", node: "transform", testName: "nulls" } } });
    expect(test.verdict).toBe("warned");
  });
});

describe("getDashboard", () => {
  let prod: ScopeKitchen, dev: ScopeKitchen, other: ScopeKitchen;
  beforeAll(async () => {
    prod = await kitchen("dash_prod", "production");
    dev = await kitchen("dash_dev", "development");
    other = await kitchen("dash_hidden", "development");
    // production orders: 10 days, one run a day; the last two fail
    for (let d = 9; d >= 0; d--) {
      await run(prod, "orders", { at: hoursAgo(d * 24 + 2), status: d < 2 ? "failed" : "succeeded", seconds: 60 + d, tests: [{ name: "rows", value: 100 + d, verdict: d === 0 ? "failed" : "passed", rule: d === 0 ? "beyond_3_sigma" : undefined }] });
    }
    await run(dev, "orders", { at: hoursAgo(3), status: "succeeded", warnings: 1, tests: [{ name: "rows", value: 50, verdict: "warned" }] });
    await run(other, "secret_pipeline", { at: hoursAgo(3), status: "succeeded" });
  });

  it("summarises only the Kitchens it is given: last run, rates, trend, freshness, tests", async () => {
    const d = await getDashboard({ db }, [prod, dev], ZDashboardQuery.parse({}), NOW);
    expect(d.pipelines.map((p) => `${p.kitchen}/${p.pipeline}`)).toEqual(["dash_prod/orders", "dash_dev/orders"]);
    const p = d.pipelines[0];
    expect(p.lastRun.status).toBe("failed");
    expect(p.successRate7d).toBeCloseTo(5 / 7);
    expect(p.successRate30d).toBeCloseTo(8 / 10);
    expect(p.runs30d).toBe(10);
    expect(p.freshnessMs).toBe(2 * 24 * 3600_000 + 2 * 3600_000 - 62_000);
    expect(p.durationTrend.at(-1)).toBe(60_000);
    expect(d.totals).toMatchObject({ pipelines: 2, failing: 1, testsNotPassing: 2 });
    expect(d.daily).toHaveLength(30);
    expect(d.daily.at(-1)!.tests).toEqual({ passed: 0, warned: 1, failed: 1, error: 0 });
    expect(d.tests[0]).toMatchObject({ kitchen: "dash_prod", test: "rows", verdict: "failed", rule: "beyond_3_sigma" });
    expect(JSON.stringify(d)).not.toContain("secret_pipeline");
    expect(d.filters.pipelines).toEqual(["orders"]);
  });

  it("filters by environment, Kitchen and pipeline", async () => {
    const byEnv = await getDashboard({ db }, [prod, dev, other], ZDashboardQuery.parse({ environment: "production" }), NOW);
    expect(byEnv.pipelines.map((p) => p.kitchen)).toEqual(["dash_prod"]);
    expect(byEnv.filters.environments).toEqual(["development", "production"]);
    const byKitchen = await getDashboard({ db }, [prod, dev, other], ZDashboardQuery.parse({ kitchen: "dash_dev" }), NOW);
    expect(byKitchen.pipelines.map((p) => p.kitchen)).toEqual(["dash_dev"]);
    expect(byKitchen.daily.reduce((n, x) => n + x.succeeded, 0)).toBe(1);
    const byPipeline = await getDashboard({ db }, [prod, dev, other], ZDashboardQuery.parse({ pipeline: "secret_pipeline" }), NOW);
    expect(byPipeline.pipelines.map((p) => p.kitchen)).toEqual(["dash_hidden"]);
    const none = await getDashboard({ db }, [], ZDashboardQuery.parse({}), NOW);
    expect(none.pipelines).toEqual([]);
  });

  it("refuses filters that are not names", () => {
    expect(ZDashboardQuery.safeParse({ kitchen: "x'; drop table runs" }).success).toBe(false);
    expect(ZDashboardQuery.safeParse({ days: "1000" }).success).toBe(false);
    expect(ZDashboardQuery.safeParse({ colour: "red" }).success).toBe(false);
  });
});

describe("getControlChart", () => {
  it("returns the newest points oldest first with limits and the points that broke a rule", async () => {
    const k = await kitchen("chart_k", "production");
    for (let i = 0; i < 15; i++) {
      await run(k, "orders", { at: hoursAgo(15 - i), status: "succeeded", tests: [{ name: "rows", value: i === 14 ? 160 : 100 + i, verdict: i === 14 ? "warned" : "passed", rule: i === 14 ? "beyond_3_sigma" : undefined }] });
    }
    const key = { kitchenId: k.id, kitchen: k.name, pipeline: "orders", node: "transform", test: "rows" };
    const c = await getControlChart({ db }, key, 10);
    expect(c.points).toHaveLength(10);
    expect(c.points.map((p) => p.value)).toEqual([105, 106, 107, 108, 109, 110, 111, 112, 113, 160]);
    expect(c.points.at(-1)).toMatchObject({ broke: true, rule: "beyond_3_sigma", mean: 100, lower: 70, upper: 130 });
    expect(c.summary).toMatchObject({ points: 10, broke: 1, rules: { beyond_3_sigma: 1 } });
    const missing = await getControlChart({ db }, { ...key, test: "nope" }, 10);
    expect(missing.points).toEqual([]);
  });
});

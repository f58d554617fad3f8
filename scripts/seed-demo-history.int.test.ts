// The demo's history: idempotent, fast, and the dashboard tells its story (a drift caught by a
// control rule in production, a pipeline that never succeeds in dev).
import { getControlChart, getDashboard, ZDashboardQuery } from "@galley/dashboards";
import { createTestDatabase, type TestDatabase } from "@galley/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedDemo } from "./seed-demo";
import { judgeControl, seedDemoHistory } from "./seed-demo-history";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
  await seedDemo({ databaseUrl: t.url });
});
afterAll(async () => {
  await t?.drop();
});

describe("judgeControl (the seed's copy of the control check)", () => {
  it("learns first, then flags beyond-limits, 2 of 3 beyond 2σ and 8 on one side", () => {
    const steady = Array.from({ length: 20 }, (_, i) => 100 + (i % 2 ? 1 : -1));
    expect(judgeControl(steady.slice(0, 9), 100)).toBeNull();
    expect(judgeControl(steady, 100)?.rule).toBeNull();
    expect(judgeControl(steady, 110)?.rule).toBe("beyond_limits");
    expect(judgeControl([...steady, 102.5], 102.5)?.rule).toBe("2_of_3_beyond_2_sigma");
    expect(judgeControl([...steady, 100.5, 100.5, 100.5, 100.5, 100.5, 100.5, 100.5], 100.5)?.rule).toBe("8_on_one_side");
  });
});

describe("seedDemoHistory", () => {
  it("inserts weeks of runs with test results in bulk, once", async () => {
    const now = new Date();
    const t0 = performance.now();
    const first = await seedDemoHistory(t.db, { now });
    const ms = performance.now() - t0;
    expect(first.runs).toBeGreaterThan(300);
    expect(first.testResults).toBeGreaterThan(1500);
    expect(ms).toBeLessThan(30_000);
    const again = await seedDemoHistory(t.db, { now });
    expect(again).toMatchObject({ runs: 0, testResults: 0 });
    expect(await t.db.run.count()).toBe(first.runs);
    const oldest = await t.db.run.findFirstOrThrow({ orderBy: { createdAt: "asc" }, select: { createdAt: true } });
    expect(now.getTime() - oldest.createdAt.getTime()).toBeGreaterThan(5 * 7 * 86_400_000);
  });

  it("tells the story on the dashboard: production drifted and a control rule caught it; smoke_test never succeeds", async () => {
    const kitchens = await t.db.kitchen.findMany({ select: { id: true, name: true, environment: { select: { name: true, kind: true } } } });
    const scope = kitchens.map((k) => ({ id: k.id, name: k.name, environment: k.environment.name, environmentKind: k.environment.kind }));
    const d = await getDashboard({ db: t.db }, scope, ZDashboardQuery.parse({}));
    const prod = d.pipelines.find((p) => p.kitchen === "production" && p.pipeline === "orders_daily")!;
    expect(prod.lastRun.status).toBe("succeeded");
    expect(prod.lastRun.warnings).toBeGreaterThan(0);
    expect(prod.successRate7d).toBe(1);
    expect(prod.successRate30d).toBeLessThan(1);
    expect(prod.freshnessMs).toBeLessThan(7 * 3600_000);
    const smoke = d.pipelines.find((p) => p.pipeline === "smoke_test")!;
    expect(smoke).toMatchObject({ kitchen: "dev", successRate30d: 0, lastSuccessAt: null });
    expect(d.tests[0]).toMatchObject({ kitchen: "production", test: "rows_in_control", verdict: "warned" });
    expect(d.daily.at(-1)!.tests.warned).toBeGreaterThan(0);

    const chart = await getControlChart({ db: t.db }, { kitchenId: scope.find((k) => k.name === "production")!.id, kitchen: "production", pipeline: "orders_daily", node: "transform", test: "rows_in_control" }, 1000);
    const early = chart.points.slice(10, -12);
    const late = chart.points.slice(-12);
    // In control for weeks (a false alarm or two at most), then the rules fire on the drift.
    expect(early.filter((p) => p.broke).length).toBeLessThanOrEqual(3);
    expect(late.filter((p) => p.broke).length).toBeGreaterThanOrEqual(4);
    expect(late.every((p) => p.value! < p.mean!)).toBe(true);
    expect(chart.points.at(-1)!.lower).not.toBeNull();
  });
});

// The demo's history: idempotent, fast, and the dashboard tells its story (a drift caught by a
// control rule in production, a pipeline that never succeeds in dev).
import { getControlChart, getDashboard, ZDashboardQuery } from "@galley/dashboards";
import { createTestDatabase, type TestDatabase } from "@galley/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedDemo } from "./seed-demo";
import { seedDemoHistory } from "./seed-demo-history";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
  await seedDemo({ databaseUrl: t.url });
});
afterAll(async () => {
  await t?.drop();
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
    // The last day with results (just after midnight UTC, today may have none yet).
    const lastDay = [...d.daily].reverse().find((x) => Object.values(x.tests).some((n) => Number(n) > 0))!;
    expect(lastDay.tests.warned).toBeGreaterThan(0);

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

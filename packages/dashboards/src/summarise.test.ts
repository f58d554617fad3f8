import { describe, expect, it } from "vitest";
import { dailySeries, dayRange, pipelineRows, successRate, totalsOf, type DayRow, type PipelineStatRow, type ScopeKitchen } from "./summarise";

const now = new Date("2026-12-01T10:00:00Z");
const K1: ScopeKitchen = { id: "k1", name: "production", environment: "production", environmentKind: "production" };
const K2: ScopeKitchen = { id: "k2", name: "dev", environment: "development", environmentKind: "development" };
const kitchens = new Map([K1, K2].map((k) => [k.id, k]));

function day(kitchenId: string, pipeline: string, d: string, over: Partial<DayRow> = {}): DayRow {
  return { kitchenId, pipeline, day: d, succeeded: 0, warned: 0, failed: 0, cancelled: 0, durationMsSum: 0, durationCount: 0, testsPassed: 0, testsWarned: 0, testsFailed: 0, testsError: 0, ...over };
}
function stat(kitchenId: string, pipeline: string, over: Partial<PipelineStatRow> = {}): PipelineStatRow {
  return {
    kitchenId, pipeline, lastRunId: `${kitchenId}-${pipeline}`, lastRunStatus: "succeeded", lastRunWarnings: 0,
    lastRunAt: new Date("2026-12-01T09:00:00Z"), lastRunStartedAt: new Date("2026-12-01T09:00:01Z"), lastRunFinishedAt: new Date("2026-12-01T09:01:31Z"),
    lastSuccessAt: new Date("2026-12-01T09:01:31Z"), ...over,
  };
}

describe("dayRange", () => {
  it("lists UTC days ending today, oldest first", () => {
    expect(dayRange(now, 3)).toEqual(["2026-11-29", "2026-11-30", "2026-12-01"]);
    expect(dayRange(new Date("2026-03-01T23:59:59Z"), 2)).toEqual(["2026-02-28", "2026-03-01"]);
  });
});

describe("successRate", () => {
  it("leaves cancelled runs out and says null without finished runs", () => {
    expect(successRate(3, 1)).toBe(0.75);
    expect(successRate(0, 0)).toBeNull();
    expect(successRate(0, 2)).toBe(0);
  });
});

describe("dailySeries", () => {
  it("sums Kitchens and pipelines per day, zero-fills missing days, averages durations by finished runs", () => {
    const days = dayRange(now, 3);
    const rows = [
      day("k1", "a", "2026-11-29", { succeeded: 2, durationMsSum: 2000, durationCount: 2, testsPassed: 5 }),
      day("k2", "b", "2026-11-29", { failed: 1, durationMsSum: 4000, durationCount: 1, testsFailed: 1 }),
      day("k1", "a", "2026-12-01", { succeeded: 1, warned: 1, durationMsSum: 500, durationCount: 1, testsWarned: 2 }),
      day("k1", "a", "2026-10-01", { succeeded: 99 }), // outside the window
    ];
    const s = dailySeries(rows, days);
    expect(s.map((p) => p.day)).toEqual(days);
    expect(s[0]).toMatchObject({ succeeded: 2, failed: 1, avgDurationMs: 2000, tests: { passed: 5, warned: 0, failed: 1, error: 0 } });
    expect(s[1]).toMatchObject({ succeeded: 0, failed: 0, avgDurationMs: null });
    expect(s[2]).toMatchObject({ succeeded: 1, warned: 1, avgDurationMs: 500, tests: { warned: 2 } });
  });
});

describe("pipelineRows", () => {
  it("computes 7- and 30-day success rates, the duration trend, freshness and the last run", () => {
    const days = dayRange(now, 30);
    const rows = [
      day("k1", "orders", "2026-12-01", { succeeded: 3, failed: 1, durationMsSum: 4000, durationCount: 4, testsPassed: 10, testsWarned: 1 }),
      day("k1", "orders", "2026-11-24", { succeeded: 1, cancelled: 1 }), // 8th day back: outside the week
      day("k1", "orders", "2026-11-10", { failed: 4 }),
    ];
    const [r] = pipelineRows([stat("k1", "orders", { lastSuccessAt: new Date("2026-12-01T07:00:00Z") })], rows, kitchens, days, now);
    expect(r.kitchen).toBe("production");
    expect(r.successRate7d).toBe(0.75);
    expect(r.successRate30d).toBe(0.4444);
    expect(r.runs7d).toBe(4);
    expect(r.runs30d).toBe(10);
    expect(r.durationTrend).toHaveLength(30);
    expect(r.durationTrend.at(-1)).toBe(1000);
    expect(r.durationTrend[0]).toBeNull();
    expect(r.freshnessMs).toBe(3 * 3600_000);
    expect(r.lastRun.durationMs).toBe(90_000);
    expect(r.tests7d).toEqual({ passed: 10, warned: 1, failed: 0, error: 0 });
  });

  it("drops Kitchens outside the scope, shows never-succeeded pipelines as not fresh, production first", () => {
    const rows = pipelineRows(
      [stat("k2", "b", { lastSuccessAt: null, lastRunStatus: "running", lastRunFinishedAt: null }), stat("k1", "z"), stat("k9", "hidden")],
      [], kitchens, dayRange(now, 7), now,
    );
    expect(rows.map((r) => `${r.kitchen}/${r.pipeline}`)).toEqual(["production/z", "dev/b"]);
    expect(rows[1]).toMatchObject({ freshnessMs: null, successRate7d: null, runs7d: 0 });
    expect(rows[1].lastRun.durationMs).toBeNull();
  });
});

describe("totalsOf", () => {
  it("counts failing pipelines and scope-wide rates", () => {
    const rows = pipelineRows([stat("k1", "a", { lastRunStatus: "failed" }), stat("k2", "b")], [day("k1", "a", "2026-12-01", { succeeded: 1, failed: 1 })], kitchens, dayRange(now, 7), now);
    const t = totalsOf(rows, [day("k1", "a", "2026-12-01", { succeeded: 1, failed: 1, testsError: 2 })], now);
    expect(t).toMatchObject({ pipelines: 2, failing: 1, runs7d: 2, successRate7d: 0.5, tests7d: { error: 2 } });
  });
});

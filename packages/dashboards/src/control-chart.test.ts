import { describe, expect, it } from "vitest";
import { brokeRule, toChart } from "./control-chart";

const key = { kitchenId: "k", kitchen: "production", pipeline: "orders_daily", node: "transform", test: "rows" };
const point = (i: number, over: Record<string, unknown> = {}) => ({
  id: `r${i}`, runId: `run${i}`, at: new Date(Date.UTC(2026, 10, i)), value: 100 + i, mean: 100, lower: 90, upper: 110,
  verdict: "passed", rule: null, message: "", kind: "row_count", level: "warn", ...over,
});

describe("control chart", () => {
  it("orders points oldest first and marks the ones that broke a rule", () => {
    const newestFirst = [point(3, { verdict: "warned", rule: "beyond_3_sigma", value: 140 }), point(2), point(1, { verdict: "failed", rule: "run_of_8" })];
    const c = toChart(key, newestFirst);
    expect(c.points.map((p) => p.id)).toEqual(["r1", "r2", "r3"]);
    expect(c.points.map((p) => p.broke)).toEqual([true, false, true]);
    expect(c.summary).toMatchObject({ points: 3, broke: 2, rules: { beyond_3_sigma: 1, run_of_8: 1 } });
    expect(c.summary.latest?.value).toBe(140);
    expect(c.kind).toBe("row_count");
  });

  it("treats a warned or failed verdict without a rule name as broken, and an empty history as empty", () => {
    expect(brokeRule({ verdict: "failed", rule: null })).toBe(true);
    expect(brokeRule({ verdict: "passed", rule: null })).toBe(false);
    expect(brokeRule({ verdict: "error", rule: null })).toBe(false);
    const c = toChart(key, []);
    expect(c.points).toEqual([]);
    expect(c.summary.latest).toBeNull();
    expect(c.kind).toBeNull();
  });
});

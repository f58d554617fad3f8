import { describe, expect, it } from "vitest";
import { CONTROL_DEFAULTS } from "./check";
import { controlLimits, firstRule, judgeControl, rulePoints } from "./spc";

// Fixed limits: mean 0, σ 1, 3σ limits. Each series ends with the point being judged.
const L = { mean: 0, sigma: 1, lower: -3, upper: 3 };

describe("control limits", () => {
  it("are mean ± k·σ with the sample standard deviation", () => {
    const l = controlLimits([2, 4, 4, 4, 5, 5, 7, 9], 3);
    expect(l.mean).toBe(5);
    expect(l.sigma).toBeCloseTo(2.13809, 5);
    expect(l.upper).toBeCloseTo(5 + 3 * 2.13809, 4);
    expect(l.lower).toBeCloseTo(5 - 3 * 2.13809, 4);
    expect(controlLimits([7, 7, 7], 2)).toEqual({ mean: 7, sigma: 0, lower: 7, upper: 7 });
  });
});

describe("rule 1: a point beyond the limits", () => {
  it.each([[[0, 3.1]], [[0, -3.1]], [[1, 1, 100]]])("trips on %j", (series) => expect(firstRule(series, L)).toBe("beyond_limits"));
  it.each([[[0, 3]], [[0, -2.99]], [[5, 5, 0]]])("does not trip on %j", (series) => expect(firstRule(series, L)).toBeNull());
});

describe("rule 2: 2 of 3 points beyond 2σ on the same side", () => {
  it.each([[[0, 2.5, 0, 2.5]], [[2.5, 2.5]], [[-2.1, 0, -2.9]], [[2.5, -2.5, 2.5]]])("trips on %j", (series) => expect(firstRule(series, L)).toBe("2_of_3_beyond_2_sigma"));
  it.each([
    [[2.5, 0, 0, 2.5]], // the other point is 3 back
    [[-2.5, 0, 2.5]], // opposite sides
    [[2.5, 2.5, 0.1]], // the new point is not one of them: the pattern tripped already
    [[0, 1.9, 2.5]], // 1.9 is inside 2σ
  ])("does not trip on %j", (series) => expect(firstRule(series, L)).toBeNull());
});

describe("rule 3: 8 points in a row on one side of the mean", () => {
  it.each([[Array(8).fill(0.5)], [[-1, ...Array(8).fill(-0.2)]], [[1, 0.1, 0.3, 1.5, 0.2, 0.9, 1.1, 0.4]]])("trips on %j", (series) => expect(firstRule(series, L)).toBe("8_on_one_side"));
  it.each([
    [Array(7).fill(0.5)], // only 7
    [[...Array(7).fill(0.5), -0.1]], // the new point crossed
    [[...Array(7).fill(0.5), 0]], // on the mean is on neither side
    [[0.5, 0.5, 0.5, -0.5, 0.5, 0.5, 0.5, 0.5]],
  ])("does not trip on %j", (series) => expect(firstRule(series, L)).toBeNull());
});

describe("judgeControl", () => {
  const stable = [100, 102, 98, 101, 99, 100, 103, 97, 100, 101, 99, 100];
  const s = { ...CONTROL_DEFAULTS, minHistory: 10, window: 30 };

  it("learns until it has min_history earlier values, then judges", () => {
    expect(judgeControl(stable.slice(0, 9), 1000, s)).toEqual({ learning: true, have: 9, need: 10 });
    const j = judgeControl(stable, 1000, s);
    expect(j).toMatchObject({ learning: false, rule: "beyond_limits" });
    expect(judgeControl(stable, 101, s)).toMatchObject({ learning: false, rule: null });
  });

  it("learns from the newest `window` values only", () => {
    const old = Array(50).fill(10);
    const j = judgeControl([...old, ...stable], 100, { ...s, window: stable.length });
    expect(j.learning).toBe(false);
    if (!j.learning) expect(j.limits.mean).toBeCloseTo(100, 0);
  });

  it("catches a slow drift with the run of 8, at the 8th point above the mean and not before", () => {
    const drift = [101.5, 101.2, 101.8, 101.4, 101.6, 101.3, 101.7, 101.5];
    let history = [...stable, ...stable];
    const rules: (string | null)[] = [];
    for (const v of drift) {
      const j = judgeControl(history, v, { ...s, window: 24 });
      rules.push(j.learning ? "learning" : j.rule);
      history = [...history, v];
    }
    expect(rules).toEqual([null, null, null, null, null, null, null, "8_on_one_side"]);
  });

  it("lists every point of a chart that completes a rule", () => {
    expect(rulePoints([0, 3.5, 0, 2.5, 0, 0, 2.5, 2.5, 0], L)).toEqual([
      { index: 1, rule: "beyond_limits" },
      { index: 3, rule: "2_of_3_beyond_2_sigma" }, // 3.5 is beyond 2σ too
      { index: 7, rule: "2_of_3_beyond_2_sigma" },
    ]);
  });
});

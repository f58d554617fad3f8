import { describe, expect, it } from "vitest";
import { CheckSyntaxError, checkRefs, parseCheck } from "./check";
import { judge } from "./judge";

const j = (check: string, value: number, history: number[] = [], values: Record<string, number> = {}) => judge({ check, value, history, values });

describe("comparison checks", () => {
  it.each([
    ["> 0", 1, false],
    ["> 0", 0, true],
    [">= 0", 0, false],
    [">= 0", -0.5, true],
    ["< 10", 9.99, false],
    ["< 10", 10, true],
    ["<= 10", 10, false],
    ["<= 10", 11, true],
    ["== 3", 3, false],
    ["== 3", 2, true],
    ["= 3", 3, false],
    ["!= 0", 0, true],
    ["between 1 and 10", 1, false],
    ["between 1 and 10", 10, false],
    ["between 1 and 10", 10.5, true],
    ["between -5 and -1", -6, true],
    ["< 1d", 86_399, false],
    ["< 2h", 7_201, true],
  ] as const)("%s with %d: tripped=%s", (check, value, tripped) => {
    expect(j(check, value).tripped).toBe(tripped);
  });

  it("gives the limits the check implies", () => {
    expect(j("> 5", 1)).toMatchObject({ lowerLimit: 5, upperLimit: null, rule: "> 5", message: "1 is not > 5" });
    expect(j("between 2 and 4", 3)).toMatchObject({ lowerLimit: 2, upperLimit: 4, rule: null, message: "3 is between 2 and 4" });
    expect(j("== 7", 7)).toMatchObject({ lowerLimit: 7, upperLimit: 7 });
  });
});

describe("expressions of other metrics", () => {
  it("reads other tests of the node by name", () => {
    const values = { raw_rows: 100, dupes: 3 };
    expect(j(">= raw_rows * 0.95", 96, [], values).tripped).toBe(false);
    expect(j(">= raw_rows * 0.95", 94, [], values).tripped).toBe(true);
    expect(j("== raw_rows - dupes", 97, [], values)).toMatchObject({ tripped: false, lowerLimit: 97 });
    expect(j("between -(dupes) and (raw_rows + 1) / 2", 50, [], values).tripped).toBe(false);
    expect(checkRefs(parseCheck("between a and b * (c - a)"))).toEqual(["a", "b", "c"]);
  });
  it("refuses to judge when a named test has no value", () => {
    expect(() => j("> other", 1)).toThrow(/test "other" has no value/);
  });
});

describe("change versus the previous successful run", () => {
  it.each([
    ["change within 20%", [100], 119, false],
    ["change within 20%", [100], 121, true],
    ["change within 20%", [100], 79, true],
    ["change > -10%", [50, 100], 91, false],
    ["change > -10%", [50, 100], 89, true],
    ["change <= 50%", [100], 150, false],
    ["change <= 50%", [100], 151, true],
    ["change within 10%", [0], 0, false],
    ["change within 10%", [0], 1, true],
  ] as const)("%s from %j to %d: tripped=%s", (check, history, value, tripped) => {
    expect(j(check, value, [...history]).tripped).toBe(tripped);
  });
  it("passes, saying why, without an earlier run; and shows the allowed band", () => {
    expect(j("change within 20%", 5)).toMatchObject({ tripped: false, message: "5: no earlier successful run to compare with" });
    expect(j("change within 20%", 130, [100])).toMatchObject({ lowerLimit: 80, upperLimit: 120, mean: 100, message: "130: change +30.0% versus 100 (change within 20%)" });
  });
});

describe("control checks", () => {
  const history = [10, 11, 9, 10, 12, 8, 10, 11, 9, 10];
  it("judge with the learned limits and name the rule", () => {
    const out = j("control min_history=5", 14, history);
    expect(out).toMatchObject({ tripped: true, rule: "beyond_limits", mean: 10 });
    expect(out.upperLimit!).toBeCloseTo(10 + 3 * out.sigma!, 9);
    expect(j("control min_history=5", 13, history)).toMatchObject({ tripped: false, rule: null });
    expect(j("control k=2 min_history=5", 13, history)).toMatchObject({ tripped: true, rule: "beyond_limits" });
    expect(j("control", 14, history.slice(0, 9))).toMatchObject({ tripped: false, message: "14: learning limits (9 of 10 earlier successful runs)" });
  });
});

describe("check syntax", () => {
  it.each([
    ["", "expected a check such as"],
    [">> 1", 'expected a number or the name of another test of this node but found ">"'],
    ["between 1 10", 'expected "and" but found "10"'],
    ["change within 20", 'expected "%" after the number at the end'],
    ["change ~ 20%", 'unexpected character "~"'],
    ["control window=0", "window must be a whole number of at least 1"],
    ["control k=0", "k must be more than 0 and at most 10"],
    ["control depth=3", 'unknown control setting "depth"'],
    ["> 1 2", 'expected the end of the check but found "2"'],
  ])("%j: %s", (src, message) => {
    expect(() => parseCheck(src)).toThrow(CheckSyntaxError);
    expect(() => parseCheck(src)).toThrow(message);
  });
});

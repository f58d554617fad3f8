// Statistical process control: limits learned from a metric's own history, and the Western
// Electric run rules. History is oldest first and never includes the value being judged.

import type { ControlSettings } from "./check";

export interface ControlLimits {
  mean: number;
  /** Sample standard deviation (n − 1) of the window. */
  sigma: number;
  lower: number;
  upper: number;
}

export type ControlRule = "beyond_limits" | "2_of_3_beyond_2_sigma" | "8_on_one_side";

export const RULE_TEXT: Record<ControlRule, string> = {
  beyond_limits: "1 point beyond the control limits",
  "2_of_3_beyond_2_sigma": "2 of 3 points beyond 2σ on the same side",
  "8_on_one_side": "8 points in a row on one side of the mean",
};

export function controlLimits(window: readonly number[], k: number): ControlLimits {
  const n = window.length;
  const mean = window.reduce((a, b) => a + b, 0) / n;
  const sigma = n > 1 ? Math.sqrt(window.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1)) : 0;
  return { mean, sigma, lower: mean - k * sigma, upper: mean + k * sigma };
}

export type ControlJudgement =
  | { learning: true; have: number; need: number }
  | { learning: false; limits: ControlLimits; rule: ControlRule | null };

/**
 * Judges `value` against the newest `settings.window` values of `history`. Each rule must involve
 * the new value, so a pattern that already tripped on earlier runs does not trip again by itself.
 */
export function judgeControl(history: readonly number[], value: number, settings: ControlSettings): ControlJudgement {
  if (history.length < settings.minHistory) return { learning: true, have: history.length, need: settings.minHistory };
  const window = history.slice(-settings.window);
  const limits = controlLimits(window, settings.k);
  return { learning: false, limits, rule: firstRule([...history, value], limits) };
}

/** The first Western Electric rule the last point of `series` completes. */
export function firstRule(series: readonly number[], l: ControlLimits): ControlRule | null {
  const last = series[series.length - 1];
  if (last > l.upper || last < l.lower) return "beyond_limits";
  const side = (v: number) => Math.sign(v - l.mean);
  const s = side(last);
  if (s !== 0) {
    const beyond2 = (v: number) => side(v) === s && Math.abs(v - l.mean) > 2 * l.sigma;
    const last3 = series.slice(-3);
    if (last3.length >= 2 && beyond2(last) && last3.filter(beyond2).length >= 2) return "2_of_3_beyond_2_sigma";
    const last8 = series.slice(-8);
    if (last8.length === 8 && last8.every((v) => side(v) === s)) return "8_on_one_side";
  }
  return null;
}

/** Every point of a series that completes a rule, judged with fixed limits (control charts). */
export function rulePoints(series: readonly number[], l: ControlLimits): { index: number; rule: ControlRule }[] {
  const out: { index: number; rule: ControlRule }[] = [];
  for (let i = 0; i < series.length; i++) {
    const rule = firstRule(series.slice(Math.max(0, i - 7), i + 1), l);
    if (rule) out.push({ index: i, rule });
  }
  return out;
}

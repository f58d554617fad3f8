// Judging one metric value by its check. Pure: history and the other tests' values are passed in.
import { compare, evalExpr, parseCheck, type Check } from "./check";
import { judgeControl, RULE_TEXT } from "./spc";

export interface Judgement {
  tripped: boolean;
  /** The check or control rule that tripped, null when none did. */
  rule: string | null;
  lowerLimit: number | null;
  upperLimit: number | null;
  mean: number | null;
  sigma: number | null;
  message: string;
}

export interface JudgeInput {
  value: number;
  /** The check text, templates already rendered. */
  check: string;
  /** Values of the node's other tests, for checks that name them. */
  values: Readonly<Record<string, number>>;
  /** Earlier values of this test in successful runs, oldest first. */
  history: readonly number[];
}

const fmt = (n: number) => (Number.isInteger(n) ? String(n) : Number(n.toPrecision(6)).toString());

export function judge(input: JudgeInput): Judgement {
  const check = parseCheck(input.check);
  return judgeParsed(check, input);
}

export function judgeParsed(check: Check, { value, values, history, check: text }: JudgeInput): Judgement {
  const none = { lowerLimit: null, upperLimit: null, mean: null, sigma: null };
  switch (check.kind) {
    case "compare": {
      const rhs = evalExpr(check.rhs, values);
      const ok = compare(check.op, value, rhs);
      const lower = check.op === ">" || check.op === ">=" || check.op === "==" ? rhs : null;
      const upper = check.op === "<" || check.op === "<=" || check.op === "==" ? rhs : null;
      return { ...none, lowerLimit: lower, upperLimit: upper, tripped: !ok, rule: ok ? null : text, message: `${fmt(value)} ${ok ? "" : "is not "}${check.op} ${fmt(rhs)}` };
    }
    case "between": {
      const lo = evalExpr(check.low, values);
      const hi = evalExpr(check.high, values);
      const ok = value >= lo && value <= hi;
      return { ...none, lowerLimit: lo, upperLimit: hi, tripped: !ok, rule: ok ? null : text, message: `${fmt(value)} is ${ok ? "" : "not "}between ${fmt(lo)} and ${fmt(hi)}` };
    }
    case "change":
    case "change_within": {
      if (history.length === 0) return { ...none, tripped: false, rule: null, message: `${fmt(value)}: no earlier successful run to compare with` };
      const prev = history[history.length - 1];
      const pct = prev === 0 ? (value === 0 ? 0 : Math.sign(value) * Infinity) : ((value - prev) / Math.abs(prev)) * 100;
      const ok = check.kind === "change" ? compare(check.op, pct, check.pct) : Math.abs(pct) <= check.pct;
      const span = Math.abs(prev) * ((check.kind === "change" ? check.pct : check.pct) / 100);
      const [lower, upper] =
        check.kind === "change_within" ? [prev - span, prev + span] : check.op.startsWith(">") ? [prev + Math.sign(check.pct) * span, null] : check.op.startsWith("<") ? [null, prev + Math.sign(check.pct) * span] : [null, null];
      const shown = Number.isFinite(pct) ? `${pct >= 0 ? "+" : ""}${pct.toFixed(1)}%` : "from 0";
      return { ...none, lowerLimit: lower, upperLimit: upper, mean: prev, tripped: !ok, rule: ok ? null : text, message: `${fmt(value)}: change ${shown} versus ${fmt(prev)} (${text})` };
    }
    case "control": {
      const j = judgeControl(history, value, check.settings);
      if (j.learning) return { ...none, tripped: false, rule: null, message: `${fmt(value)}: learning limits (${j.have} of ${j.need} earlier successful runs)` };
      const l = j.limits;
      const base = { lowerLimit: l.lower, upperLimit: l.upper, mean: l.mean, sigma: l.sigma };
      const limits = `mean ${fmt(l.mean)}, limits ${fmt(l.lower)} to ${fmt(l.upper)}`;
      if (!j.rule) return { ...base, tripped: false, rule: null, message: `${fmt(value)} in control (${limits})` };
      return { ...base, tripped: true, rule: j.rule, message: `${fmt(value)} out of control: ${RULE_TEXT[j.rule]} (${limits})` };
    }
  }
}

/** Whether a check needs this test's earlier values. */
export function needsHistory(check: string | undefined): boolean {
  return check !== undefined && /^\s*(change|control)\b/i.test(check);
}

/** How many earlier values a check needs at most. */
export function historyDepth(check: string | undefined): number {
  if (!check || !needsHistory(check)) return 0;
  try {
    const c = parseCheck(check.replace(/\{\{[^}]*\}\}/g, "1"));
    return c.kind === "control" ? Math.max(c.settings.window, 7) : 1;
  } catch {
    return 0;
  }
}

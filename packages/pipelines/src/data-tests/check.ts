// The `check:` of a data test: a tiny grammar, parsed before the run (so a typo is a file:line
// error) and evaluated after the node. Right-hand sides may name other tests of the same node,
// whose metric values are known by then.

export type CompareOp = ">" | ">=" | "<" | "<=" | "==" | "!=";

export type Expr =
  | { k: "num"; v: number }
  | { k: "ref"; name: string }
  | { k: "neg"; e: Expr }
  | { k: "bin"; op: "+" | "-" | "*" | "/"; l: Expr; r: Expr };

export interface ControlSettings {
  /** Limits are mean ± k·σ (rule 1); rules 2 and 3 use 2σ and the mean as always. */
  k: number;
  /** How many earlier values (newest first) the limits are learned from. */
  window: number;
  /** Fewer earlier values than this: the test records the value and judges nothing. */
  minHistory: number;
}

export type Check =
  | { kind: "compare"; op: CompareOp; rhs: Expr }
  | { kind: "between"; low: Expr; high: Expr }
  /** Signed change versus the previous successful run, in percent. */
  | { kind: "change"; op: CompareOp; pct: number }
  /** |change| versus the previous successful run at most pct percent. */
  | { kind: "change_within"; pct: number }
  | { kind: "control"; settings: ControlSettings };

export const CONTROL_DEFAULTS: ControlSettings = { k: 3, window: 30, minHistory: 10 };

export class CheckSyntaxError extends Error {
  constructor(
    message: string,
    /** Character index in the check text. */
    readonly index: number,
  ) {
    super(message);
  }
}

type Tok = { t: "num" | "id" | "op" | "pct" | "eof"; s: string; v?: number; i: number };

// Durations in checks (freshness) read as seconds: 90s, 15m, 2h, 1d.
const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

function tokenize(src: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const num = /^(\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|\.\d+)([smhd](?![A-Za-z0-9_]))?/.exec(src.slice(i));
    if (num) {
      const v = Number(num[1]) * (num[2] ? UNIT_SECONDS[num[2]] : 1);
      out.push({ t: "num", s: num[0], v, i });
      i += num[0].length;
      continue;
    }
    const id = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i));
    if (id) {
      out.push({ t: "id", s: id[0], i });
      i += id[0].length;
      continue;
    }
    const op = /^(>=|<=|==|!=|[><+\-*/()=%])/.exec(src.slice(i));
    if (op) {
      out.push({ t: op[0] === "%" ? "pct" : "op", s: op[0], i });
      i += op[0].length;
      continue;
    }
    throw new CheckSyntaxError(`unexpected character "${c}"`, i);
  }
  out.push({ t: "eof", s: "", i: src.length });
  return out;
}

const COMPARE = new Set([">", ">=", "<", "<=", "==", "!="]);
const KEYWORDS = new Set(["between", "and", "change", "within", "control"]);

class Parser {
  private p = 0;
  constructor(private readonly toks: Tok[]) {}
  peek(): Tok {
    return this.toks[this.p];
  }
  next(): Tok {
    return this.toks[this.p++];
  }
  fail(tok: Tok, expected: string): never {
    throw new CheckSyntaxError(`expected ${expected}${tok.t === "eof" ? " at the end" : ` but found "${tok.s}"`}`, tok.i);
  }
  word(w: string): boolean {
    const t = this.peek();
    if (t.t === "id" && t.s.toLowerCase() === w) {
      this.p++;
      return true;
    }
    return false;
  }
  compareOp(): CompareOp {
    const t = this.next();
    if (t.t === "op" && t.s === "=") return "==";
    if (t.t !== "op" || !COMPARE.has(t.s)) this.fail(t, "a comparison (>, >=, <, <=, ==, !=)");
    return t.s as CompareOp;
  }
  expr(): Expr {
    let l = this.term();
    for (let t = this.peek(); t.t === "op" && (t.s === "+" || t.s === "-"); t = this.peek()) {
      this.p++;
      l = { k: "bin", op: t.s as "+" | "-", l, r: this.term() };
    }
    return l;
  }
  term(): Expr {
    let l = this.unary();
    for (let t = this.peek(); t.t === "op" && (t.s === "*" || t.s === "/"); t = this.peek()) {
      this.p++;
      l = { k: "bin", op: t.s as "*" | "/", l, r: this.unary() };
    }
    return l;
  }
  unary(): Expr {
    const t = this.peek();
    if (t.t === "op" && t.s === "-") {
      this.p++;
      return { k: "neg", e: this.unary() };
    }
    if (t.t === "op" && t.s === "+") {
      this.p++;
      return this.unary();
    }
    return this.atom();
  }
  atom(): Expr {
    const t = this.next();
    if (t.t === "num") return { k: "num", v: t.v! };
    if (t.t === "id" && !KEYWORDS.has(t.s.toLowerCase())) return { k: "ref", name: t.s };
    if (t.t === "op" && t.s === "(") {
      const e = this.expr();
      const close = this.next();
      if (close.t !== "op" || close.s !== ")") this.fail(close, '")"');
      return e;
    }
    return this.fail(t, "a number or the name of another test of this node");
  }
  percent(): number {
    const neg = this.peek().t === "op" && this.peek().s === "-";
    if (neg) this.p++;
    const t = this.next();
    if (t.t !== "num" || /[smhd]$/.test(t.s)) this.fail(t, "a percentage such as 20%");
    const pct = this.next();
    if (pct.t !== "pct") this.fail(pct, '"%" after the number');
    return neg ? -t.v! : t.v!;
  }
  end(): void {
    const t = this.peek();
    if (t.t !== "eof") this.fail(t, "the end of the check");
  }
}

/** Parses a check such as `> 0`, `between 1 and 10`, `change within 20%`, `control k=3 window=30`. */
export function parseCheck(src: string): Check {
  const p = new Parser(tokenize(src));
  let check: Check;
  if (p.word("between")) {
    const low = p.expr();
    if (!p.word("and")) p.fail(p.peek(), '"and"');
    check = { kind: "between", low, high: p.expr() };
  } else if (p.word("change")) {
    if (p.word("within")) check = { kind: "change_within", pct: Math.abs(p.percent()) };
    else {
      const op = p.compareOp();
      check = { kind: "change", op, pct: p.percent() };
    }
  } else if (p.word("control")) {
    check = { kind: "control", settings: controlSettings(p) };
  } else {
    if (p.peek().t === "eof") p.fail(p.peek(), "a check such as \"> 0\", \"between 1 and 10\", \"change within 20%\" or \"control\"");
    const op = p.compareOp();
    check = { kind: "compare", op, rhs: p.expr() };
  }
  p.end();
  return check;
}

const SETTING_NAMES: Record<string, keyof ControlSettings> = { k: "k", sigma: "k", window: "window", min_history: "minHistory" };

function controlSettings(p: Parser): ControlSettings {
  const s = { ...CONTROL_DEFAULTS };
  while (p.peek().t === "id") {
    const name = p.next();
    const key = SETTING_NAMES[name.s];
    if (!key) throw new CheckSyntaxError(`unknown control setting "${name.s}" (use k, window, min_history)`, name.i);
    const eq = p.next();
    if (eq.t !== "op" || eq.s !== "=") p.fail(eq, `"=" after ${name.s}`);
    const v = p.next();
    if (v.t !== "num" || /[smhd]$/.test(v.s)) p.fail(v, `a number for ${name.s}`);
    if (key !== "k" && (!Number.isInteger(v.v) || v.v! < 1)) throw new CheckSyntaxError(`${name.s} must be a whole number of at least 1`, v.i);
    if (key === "k" && (v.v! <= 0 || v.v! > 10)) throw new CheckSyntaxError("k must be more than 0 and at most 10", v.i);
    if (key === "window" && v.v! > 1000) throw new CheckSyntaxError("window must be at most 1000", v.i);
    s[key] = v.v!;
  }
  if (s.minHistory < 2) s.minHistory = 2;
  if (s.minHistory > s.window) throw new CheckSyntaxError(`min_history (${s.minHistory}) must not exceed window (${s.window})`, 0);
  return s;
}

/** Names of other tests a check reads. */
export function checkRefs(check: Check): string[] {
  const out: string[] = [];
  const walk = (e: Expr) => {
    if (e.k === "ref") out.push(e.name);
    else if (e.k === "neg") walk(e.e);
    else if (e.k === "bin") {
      walk(e.l);
      walk(e.r);
    }
  };
  if (check.kind === "compare") walk(check.rhs);
  if (check.kind === "between") {
    walk(check.low);
    walk(check.high);
  }
  return [...new Set(out)];
}

export function evalExpr(e: Expr, values: Readonly<Record<string, number>>): number {
  switch (e.k) {
    case "num":
      return e.v;
    case "ref": {
      const v = values[e.name];
      if (v === undefined) throw new Error(`test "${e.name}" has no value`);
      return v;
    }
    case "neg":
      return -evalExpr(e.e, values);
    case "bin": {
      const l = evalExpr(e.l, values);
      const r = evalExpr(e.r, values);
      return e.op === "+" ? l + r : e.op === "-" ? l - r : e.op === "*" ? l * r : l / r;
    }
  }
}

export function compare(op: CompareOp, a: number, b: number): boolean {
  switch (op) {
    case ">":
      return a > b;
    case ">=":
      return a >= b;
    case "<":
      return a < b;
    case "<=":
      return a <= b;
    case "==":
      return a === b;
    case "!=":
      return a !== b;
  }
}

/** Templates (`{{outputs.x.n}}`) are filled in at run time: check the syntax with a number in their place. */
export function withTemplatesAsNumbers(src: string): string {
  return src.replace(/\{\{[^}]*\}\}/g, (m) => `1${" ".repeat(m.length - 1)}`);
}

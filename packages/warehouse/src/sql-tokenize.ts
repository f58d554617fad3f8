// A small PostgreSQL lexer: enough to split a script into statements and to find the
// relations it writes without being fooled by comments, strings, quoted identifiers or
// dollar-quoted bodies. It is not a parser; callers treat its answers as hints and keep
// a safety net (roles, dependency checks) behind them.

export type TokenType = "word" | "qident" | "string" | "dollar" | "number" | "param" | "punct";

export interface Token {
  type: TokenType;
  /** Words are lowercased (PostgreSQL folds unquoted names); quoted identifiers are unescaped. */
  value: string;
  /** For dollar-quoted strings, the body without the $tag$ delimiters. */
  body?: string;
  start: number;
  end: number;
}

const WORD_START = /[A-Za-z_\u0080-\uffff]/;
const WORD_PART = /[A-Za-z0-9_$\u0080-\uffff]/;
const DOLLAR_TAG = /^\$([A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)?\$/;

export function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const n = sql.length;
  while (i < n) {
    const c = sql[i];
    if (/\s/.test(c)) {
      i++;
    } else if (c === "-" && sql[i + 1] === "-") {
      while (i < n && sql[i] !== "\n") i++;
    } else if (c === "/" && sql[i + 1] === "*") {
      i = skipBlockComment(sql, i);
    } else if (c === "'") {
      const end = skipQuoted(sql, i, "'", false);
      tokens.push({ type: "string", value: sql.slice(i, end), start: i, end });
      i = end;
    } else if (c === '"') {
      const end = skipQuoted(sql, i, '"', false);
      tokens.push({ type: "qident", value: sql.slice(i + 1, end - 1).replace(/""/g, '"'), start: i, end });
      i = end;
    } else if (c === "$") {
      i = readDollar(sql, i, tokens);
    } else if (WORD_START.test(c)) {
      let j = i + 1;
      while (j < n && WORD_PART.test(sql[j])) j++;
      const word = sql.slice(i, j);
      if ((word === "E" || word === "e") && sql[j] === "'") {
        const end = skipQuoted(sql, j, "'", true);
        tokens.push({ type: "string", value: sql.slice(i, end), start: i, end });
        i = end;
      } else if ((word === "U" || word === "u") && sql[j] === "&" && sql[j + 1] === '"') {
        const end = skipQuoted(sql, j + 1, '"', false);
        // Unicode escapes are left as written: good enough to recognise the token as a name.
        tokens.push({ type: "qident", value: sql.slice(j + 2, end - 1).replace(/""/g, '"'), start: i, end });
        i = end;
      } else {
        tokens.push({ type: "word", value: word.toLowerCase(), start: i, end: j });
        i = j;
      }
    } else if (/[0-9]/.test(c)) {
      let j = i + 1;
      while (j < n && /[0-9.eE_]/.test(sql[j])) j++;
      tokens.push({ type: "number", value: sql.slice(i, j), start: i, end: j });
      i = j;
    } else {
      tokens.push({ type: "punct", value: c, start: i, end: i + 1 });
      i++;
    }
  }
  return tokens;
}

function skipBlockComment(sql: string, i: number): number {
  // PostgreSQL block comments nest.
  let depth = 0;
  while (i < sql.length) {
    if (sql[i] === "/" && sql[i + 1] === "*") {
      depth++;
      i += 2;
    } else if (sql[i] === "*" && sql[i + 1] === "/") {
      depth--;
      i += 2;
      if (depth === 0) return i;
    } else i++;
  }
  return i;
}

function skipQuoted(sql: string, i: number, quote: string, backslashEscapes: boolean): number {
  let j = i + 1;
  while (j < sql.length) {
    const c = sql[j];
    if (backslashEscapes && c === "\\") j += 2;
    else if (c === quote && sql[j + 1] === quote) j += 2;
    else if (c === quote) return j + 1;
    else j++;
  }
  return j;
}

function readDollar(sql: string, i: number, tokens: Token[]): number {
  const m = DOLLAR_TAG.exec(sql.slice(i, i + 80));
  if (m) {
    const tag = m[0];
    const close = sql.indexOf(tag, i + tag.length);
    const end = close < 0 ? sql.length : close + tag.length;
    const body = sql.slice(i + tag.length, close < 0 ? sql.length : close);
    tokens.push({ type: "dollar", value: sql.slice(i, end), body, start: i, end });
    return end;
  }
  let j = i + 1;
  while (j < sql.length && /[0-9]/.test(sql[j])) j++;
  tokens.push({ type: j > i + 1 ? "param" : "punct", value: sql.slice(i, j), start: i, end: j });
  return j;
}

/** Splits tokens into statements at top-level semicolons; empty statements are dropped. */
export function splitStatements(tokens: Token[]): Token[][] {
  const out: Token[][] = [];
  let cur: Token[] = [];
  let depth = 0;
  // SQL-standard function bodies (BEGIN ATOMIC ... END) contain semicolons; CASE ... END nests inside.
  let atomic = 0;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t.type === "punct" && t.value === "(") depth++;
    if (t.type === "punct" && t.value === ")") depth = Math.max(0, depth - 1);
    if (t.type === "word") {
      if (t.value === "begin" && tokens[i + 1]?.type === "word" && tokens[i + 1].value === "atomic") atomic++;
      else if (atomic > 0 && t.value === "case") atomic++;
      else if (atomic > 0 && t.value === "end") atomic--;
    }
    if (t.type === "punct" && t.value === ";" && depth === 0 && atomic === 0) {
      if (cur.length) out.push(cur);
      cur = [];
    } else cur.push(t);
  }
  if (cur.length) out.push(cur);
  return out;
}

/** 1-based line and column of a 1-based character position (PostgreSQL counts characters, not bytes). */
export function lineOfPosition(sql: string, position: number): { line: number; column: number } {
  const chars = Array.from(sql).slice(0, Math.max(0, position - 1));
  let line = 1;
  let column = 1;
  for (const ch of chars) {
    if (ch === "\n") {
      line++;
      column = 1;
    } else column++;
  }
  return { line, column };
}

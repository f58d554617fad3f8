import { splitStatements, tokenize, type Token } from "./sql-tokenize";

export type WriteKind =
  | "insert"
  | "update"
  | "delete"
  | "merge"
  | "truncate"
  | "copy"
  | "alter"
  | "create-table"
  | "select-into"
  | "create-index"
  | "create-view"
  | "replace-view"
  | "drop-table"
  | "drop-view";

export interface WriteTarget {
  kind: WriteKind;
  /** Present when the SQL names the schema explicitly. */
  schema?: string;
  name: string;
  /** 0-based index of the top-level statement. */
  statement: number;
  /** True when an earlier statement mentions the same name (read or write). */
  mentionedBefore: boolean;
}

export interface ScriptAnalysis {
  statements: number;
  targets: WriteTarget[];
  /** CALL, EXECUTE or dynamic SQL in a DO block: the writes cannot be known from the text. */
  dynamic: boolean;
  /** Statements that would end the caller's transaction (COMMIT, ROLLBACK, BEGIN...). */
  transactionControl: { keyword: string; statement: number; position: number }[];
  /** Each statement's text span in the script, and whether it only returns rows (a plain query). */
  spans: { start: number; end: number; query: boolean }[];
}

const QUERY_HEADS = new Set(["select", "values", "table", "with"]);

/** Kinds whose statement can be blocked by, or silently drop, views depending on the relation. */
export const STRUCTURAL_KINDS: ReadonlySet<WriteKind> = new Set<WriteKind>([
  "alter",
  "drop-table",
  "drop-view",
  "replace-view",
  "create-view",
]);

// Tokens after which a data-modifying statement can start (statement heads, CTE bodies,
// rule actions, PL/pgSQL blocks, EXPLAIN ANALYZE).
const HEAD_PREV = new Set(["(", ")", ";", "begin", "then", "else", "loop", "instead", "also", "analyze", "explain", "verbose"]);
const TX_CONTROL = new Set(["begin", "start", "commit", "end", "rollback", "abort"]);

const isWord = (t: Token | undefined, ...words: string[]) => t?.type === "word" && words.includes(t.value);
const isPunct = (t: Token | undefined, p: string) => t?.type === "punct" && t.value === p;

interface Name {
  schema?: string;
  name: string;
  next: number;
}

function readName(tokens: Token[], i: number): Name | undefined {
  const parts: string[] = [];
  let j = i;
  while (tokens[j] && (tokens[j].type === "word" || tokens[j].type === "qident")) {
    parts.push(tokens[j].value);
    j++;
    if (isPunct(tokens[j], ".") && tokens[j + 1] && (tokens[j + 1].type === "word" || tokens[j + 1].type === "qident")) j++;
    else break;
  }
  if (!parts.length) return undefined;
  const name = parts[parts.length - 1];
  return { name, schema: parts.length >= 2 ? parts[parts.length - 2] : undefined, next: j };
}

function skipWords(tokens: Token[], i: number, ...words: string[]): number {
  while (isWord(tokens[i], ...words)) i++;
  return i;
}

/** Reads `name [*] (, [only] name [*])*` as used by TRUNCATE and DROP. */
function readNameList(tokens: Token[], i: number): Name[] {
  const out: Name[] = [];
  for (;;) {
    i = skipWords(tokens, i, "only");
    const n = readName(tokens, i);
    if (!n) return out;
    out.push(n);
    i = n.next;
    if (isPunct(tokens[i], "*")) i++;
    if (!isPunct(tokens[i], ",")) return out;
    i++;
  }
}

type Found = { kind: WriteKind; n: Name };

function matchAt(tokens: Token[], i: number, atHead: boolean, topLevel: boolean): Found[] {
  const t = tokens[i];
  if (t.type !== "word") return [];
  const next = tokens[i + 1];
  const one = (kind: WriteKind, at: number): Found[] => {
    const n = readName(tokens, at);
    return n ? [{ kind, n }] : [];
  };
  if (t.value === "insert" && isWord(next, "into")) return one("insert", i + 2);
  if (t.value === "merge" && isWord(next, "into")) return one("merge", i + 2);
  if (t.value === "delete" && isWord(next, "from")) return one("delete", skipWords(tokens, i + 2, "only"));
  if (!atHead) return [];
  // MERGE's `THEN UPDATE SET` has no target name.
  if (t.value === "update") return isWord(next, "set") ? [] : one("update", skipWords(tokens, i + 1, "only"));
  if (t.value === "truncate") return readNameList(tokens, skipWords(tokens, i + 1, "table")).map((n) => ({ kind: "truncate" as const, n }));
  if (t.value === "copy" && topLevel) {
    const n = readName(tokens, i + 1);
    if (!n) return [];
    let j = n.next;
    if (isPunct(tokens[j], "(")) while (tokens[j] && !isPunct(tokens[j], ")")) j++;
    return isWord(tokens[j + 1], "from") || isWord(tokens[j], "from") ? [{ kind: "copy", n }] : [];
  }
  if (t.value === "alter") {
    let j = i + 1;
    if (isWord(tokens[j], "materialized")) j++;
    if (!isWord(tokens[j], "table", "view")) return [];
    return one("alter", skipWords(tokens, skipIfExists(tokens, j + 1), "only"));
  }
  if (t.value === "drop") return matchDrop(tokens, i + 1);
  if (t.value === "create") return matchCreate(tokens, i + 1);
  if (t.value === "select" && topLevel) return matchSelectInto(tokens, i + 1);
  return [];
}

function skipIfExists(tokens: Token[], i: number): number {
  if (isWord(tokens[i], "if") && isWord(tokens[i + 1], "exists")) return i + 2;
  if (isWord(tokens[i], "if") && isWord(tokens[i + 1], "not") && isWord(tokens[i + 2], "exists")) return i + 3;
  return i;
}

function matchDrop(tokens: Token[], i: number): Found[] {
  let kind: WriteKind;
  if (isWord(tokens[i], "table")) kind = "drop-table";
  else if (isWord(tokens[i], "view")) kind = "drop-view";
  else if (isWord(tokens[i], "materialized", "foreign") && isWord(tokens[i + 1], "view", "table")) {
    kind = tokens[i + 1].value === "view" ? "drop-view" : "drop-table";
    i++;
  } else return [];
  return readNameList(tokens, skipIfExists(tokens, i + 1)).map((n) => ({ kind, n }));
}

function matchCreate(tokens: Token[], i: number): Found[] {
  let replace = false;
  if (isWord(tokens[i], "or") && isWord(tokens[i + 1], "replace")) {
    replace = true;
    i += 2;
  }
  // Temporary objects live in pg_temp, never in the Kitchen's schema.
  if (isWord(tokens[i], "temp", "temporary") || (isWord(tokens[i], "global", "local") && isWord(tokens[i + 1], "temp", "temporary"))) return [];
  i = skipWords(tokens, i, "unlogged", "recursive", "materialized", "foreign");
  if (isWord(tokens[i], "table")) {
    const n = readName(tokens, skipIfExists(tokens, i + 1));
    return n ? [{ kind: "create-table", n }] : [];
  }
  if (isWord(tokens[i], "view")) {
    const n = readName(tokens, skipIfExists(tokens, i + 1));
    return n ? [{ kind: replace ? "replace-view" : "create-view", n }] : [];
  }
  if (isWord(tokens[i], "unique", "index")) {
    let j = i;
    while (tokens[j] && !isWord(tokens[j], "on") && !isPunct(tokens[j], "(")) j++;
    if (!isWord(tokens[j], "on")) return [];
    const n = readName(tokens, skipWords(tokens, j + 1, "only"));
    return n ? [{ kind: "create-index", n }] : [];
  }
  return [];
}

/** `SELECT ... INTO [TEMP|UNLOGGED] [TABLE] name` creates a table (top level only; in PL/pgSQL it assigns variables). */
function matchSelectInto(tokens: Token[], i: number): Found[] {
  let depth = 0;
  for (let j = i; j < tokens.length; j++) {
    if (isPunct(tokens[j], "(")) depth++;
    else if (isPunct(tokens[j], ")")) depth--;
    else if (depth === 0 && isWord(tokens[j], "from", "union", "where")) return [];
    else if (depth === 0 && isWord(tokens[j], "into")) {
      if (isWord(tokens[j + 1], "temp", "temporary")) return [];
      const n = readName(tokens, skipWords(tokens, j + 1, "unlogged", "table"));
      return n ? [{ kind: "select-into", n }] : [];
    }
  }
  return [];
}

function doBody(stmt: Token[]): string | undefined {
  if (!isWord(stmt[0], "do")) return undefined;
  const b = stmt.find((t) => t.type === "dollar" || t.type === "string");
  if (!b) return undefined;
  if (b.type === "dollar") return b.body;
  return b.value.startsWith("'") ? b.value.slice(1, -1).replace(/''/g, "'") : undefined;
}

function scanTokens(tokens: Token[], topLevel: boolean, found: Found[]): { dynamic: boolean; names: Set<string> } {
  let dynamic = false;
  const names = new Set<string>();
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t.type === "word" || t.type === "qident") names.add(t.value);
    const prev = tokens[i - 1];
    const atHead = i === 0 || (prev !== undefined && HEAD_PREV.has(prev.value) && prev.type !== "qident");
    found.push(...matchAt(tokens, i, atHead, topLevel));
    if (!topLevel && isWord(t, "execute")) dynamic = true;
  }
  return { dynamic, names };
}

/** Finds the relations a SQL script writes, per top-level statement. */
export function analyzeScript(sql: string): ScriptAnalysis {
  const statements = splitStatements(tokenize(sql));
  const targets: WriteTarget[] = [];
  const transactionControl: ScriptAnalysis["transactionControl"] = [];
  const seen = new Set<string>();
  let dynamic = false;
  const spans: ScriptAnalysis["spans"] = [];
  statements.forEach((stmt, index) => {
    const head = stmt[0];
    if (head.type === "word" && TX_CONTROL.has(head.value) && !(head.value === "rollback" && isWord(stmt[1], "to"))) {
      transactionControl.push({ keyword: head.value.toUpperCase(), statement: index, position: head.start + 1 });
    }
    if (isWord(head, "prepare") && isWord(stmt[1], "transaction")) {
      transactionControl.push({ keyword: "PREPARE TRANSACTION", statement: index, position: head.start + 1 });
    }
    if (isWord(head, "call", "execute")) dynamic = true;
    const found: Found[] = [];
    const top = scanTokens(stmt, true, found);
    const names = top.names;
    const body = doBody(stmt);
    if (body !== undefined) {
      for (const inner of splitStatements(tokenize(body))) {
        const r = scanTokens(inner, false, found);
        dynamic ||= r.dynamic;
        r.names.forEach((x) => names.add(x));
      }
    }
    // Writes inside (data-modifying CTEs, SELECT INTO) cannot run as a cursor.
    spans.push({ start: head.start, end: stmt[stmt.length - 1].end, query: isWord(head, ...QUERY_HEADS) && found.length === 0 });
    for (const f of found) {
      targets.push({ kind: f.kind, schema: f.n.schema, name: f.n.name, statement: index, mentionedBefore: seen.has(f.n.name) });
    }
    names.forEach((x) => seen.add(x));
  });
  return { statements: statements.length, targets, dynamic, transactionControl, spans };
}

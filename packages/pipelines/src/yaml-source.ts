import { CORE_SCHEMA, load as loadFast, type LoadOptions } from "js-yaml";
import { isMap, isScalar, isSeq, LineCounter, parseDocument, Scalar, type Document, type Node, type Pair } from "yaml";
import type { PipelineError } from "./types";

export type FieldPath = ReadonlyArray<PropertyKey>;
export interface Position {
  line: number;
  column: number;
}

/** Finds where a field path sits in the YAML text, so errors found after parsing still name a line. */
export interface Locator {
  locate(path: FieldPath): Position | undefined;
  /** Position of character `index` inside the string value at `path` (exact for one-line and `|` scalars). */
  locateInString(path: FieldPath, index: number): Position | undefined;
}

const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** `["nodes", 2, "depends_on", 0]` → `nodes[2].depends_on[0]`. */
export function formatPath(path: FieldPath): string {
  let out = "";
  for (const seg of path) {
    if (typeof seg === "number") out += `[${seg}]`;
    else if (PLAIN_KEY.test(String(seg))) out += out ? `.${String(seg)}` : String(seg);
    else out += `[${JSON.stringify(String(seg))}]`;
  }
  return out;
}

export interface LoadedYaml {
  value: unknown;
  errors: PipelineError[];
  locator: Locator;
  /** Which parser's value this is (tests check the fast path is taken). */
  reader: "js-yaml" | "yaml";
}

/**
 * Parses YAML. `yaml` (parseDocument + LineCounter) is the reference: it gives every position and
 * syntax error, but it is ~15x slower than js-yaml, too slow for a 1,000-node pipeline on each run
 * click. So a file js-yaml reads cleanly with the same YAML 1.2 core schema and no anchors takes
 * js-yaml's value, and `yaml` parses it only if an error needs a line. Anything js-yaml refuses
 * (syntax errors, duplicate keys, unknown tags) or any anchor (so any alias) goes through `yaml`
 * alone, which caps alias expansion. js-yaml 4 rather than 5: 5's event-based loader took ~55 ms
 * for the 362 KB bench file where 4 takes ~17 ms (bench/dag-plan; yaml-source.test.ts pins the
 * values to `yaml`'s either way).
 */
export function loadYaml(file: string, content: string, options: { fast?: boolean } = {}): LoadedYaml {
  const locator = lazyLocator(content);
  if (options.fast !== false) {
    const value = loadWithJsYaml(content);
    if (value !== NOT_FAST) return { value, errors: [], locator, reader: "js-yaml" };
  }
  const { doc, lineCounter } = locator.parsed();
  const problems = [...doc.errors, ...doc.warnings];
  if (problems.length > 0) {
    const errors = problems.map((e) => ({ file, ...toPosition(lineCounter, errorOffset(e.code, e.message, e.pos[0], content)), message: firstLine(e.message) }));
    return { value: undefined, errors, locator, reader: "yaml" };
  }
  try {
    return { value: doc.toJS({ maxAliasCount: 100 }), errors: [], locator, reader: "yaml" };
  } catch (e) {
    // toJS throws for alias bombs ("excessive alias count"); the text itself was valid YAML.
    return { value: undefined, errors: [{ file, message: firstLine((e as Error).message) }], locator, reader: "yaml" };
  }
}

const NOT_FAST = Symbol("not read by js-yaml");

/**
 * js-yaml's value, or NOT_FAST where it could differ from `yaml`'s. js-yaml 4 has no alias limit,
 * so any anchor (an alias needs one) is left to `yaml`, which caps expansion. js-yaml turns a
 * collection used as a key into text ("[object Object]", "a,b") where `yaml` writes "{ a }": every
 * collection js-yaml closes must therefore be found in the value, or one became a key.
 */
function loadWithJsYaml(content: string): unknown {
  const closed = new Set<object>();
  const options: LoadOptions = {
    schema: CORE_SCHEMA,
    listener(event, state) {
      if (event !== "close") return;
      const s = state as unknown as { anchor: string | null; result: unknown };
      if (s.anchor != null) throw new Error("anchor: left to yaml");
      if (s.result !== null && typeof s.result === "object") closed.add(s.result);
    },
  };
  let value: unknown;
  try {
    value = loadFast(content, options);
  } catch {
    return NOT_FAST; // `yaml` reports the problem with its position, or reads what js-yaml would not.
  }
  forEachCollection(value, (c) => closed.delete(c));
  if (closed.size > 0) return NOT_FAST;
  // No document at all: `yaml` says null.
  return value === undefined ? null : value;
}

function forEachCollection(value: unknown, visit: (c: object) => void): void {
  if (value === null || typeof value !== "object") return;
  visit(value);
  if (Array.isArray(value)) for (const v of value) forEachCollection(v, visit);
  else for (const k in value) forEachCollection((value as Record<string, unknown>)[k], visit);
}

function lazyLocator(content: string): Locator & { parsed(): { doc: Document; lineCounter: LineCounter } } {
  let parsed: { doc: Document; lineCounter: LineCounter } | undefined;
  let inner: Locator | undefined;
  const get = () => {
    if (!parsed) {
      const lineCounter = new LineCounter();
      parsed = { doc: parseDocument(content, { lineCounter, prettyErrors: false, uniqueKeys: true }), lineCounter };
    }
    return parsed;
  };
  const locator = () => (inner ??= createLocator(get().doc, get().lineCounter, content));
  return {
    parsed: get,
    locate: (path) => locator().locate(path),
    locateInString: (path, index) => locator().locateInString(path, index),
  };
}

/**
 * yaml reports an unclosed quote where the text ends; the line that opened it is the one to fix.
 * Backslash-escaped double quotes and doubled single quotes inside the scalar are skipped.
 */
function errorOffset(code: string, message: string, offset: number, content: string): number {
  if (code !== "MISSING_CHAR") return offset;
  const quote = message.includes('"') ? '"' : message.includes("'") ? "'" : undefined;
  if (!quote) return offset;
  for (let i = content.lastIndexOf(quote, offset - 1); i >= 0; i = content.lastIndexOf(quote, i - 1)) {
    if (quote === '"' && content[i - 1] === "\\") continue;
    if (quote === "'" && (content[i - 1] === "'" || content[i + 1] === "'")) {
      i--; // skip the pair
      continue;
    }
    return i;
  }
  return offset;
}

function firstLine(message: string): string {
  return message.split("\n")[0].replace(/ at line \d+, column \d+:?$/, "");
}

function toPosition(lc: LineCounter, offset: number): Position {
  const { line, col } = lc.linePos(offset);
  return { line, column: col };
}

function createLocator(doc: Document, lc: LineCounter, content: string): Locator {
  const at = (node: Node | Pair["key"] | null | undefined): Position | undefined => {
    const range = (node as Node | null | undefined)?.range;
    return range ? toPosition(lc, range[0]) : undefined;
  };

  // Walks the path as far as it exists; returns the deepest node reached and the pair holding it.
  const walk = (path: FieldPath) => {
    let node: unknown = doc.contents;
    let pair: Pair | undefined;
    let depth = 0;
    for (const seg of path) {
      if (isMap(node)) {
        const found = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(seg));
        if (!found) break;
        pair = found as Pair;
        node = found.value;
      } else if (isSeq(node) && typeof seg === "number" && seg < node.items.length) {
        pair = undefined;
        node = node.items[seg];
      } else break;
      depth++;
    }
    return { node: node as Node | null, pair, complete: depth === path.length };
  };

  return {
    locate(path) {
      const { node, pair } = walk(path);
      // A collection value starts on the next line; the key's line reads better.
      if (pair && (!node || !isScalar(node))) return at(pair.key) ?? at(node);
      return at(node) ?? at(pair?.key);
    },
    locateInString(path, index) {
      const { node, complete } = walk(path);
      if (!complete || !isScalar(node)) return this.locate(path);
      const start = at(node);
      if (!start) return undefined;
      const before = String(node.value).slice(0, index);
      if (node.type === Scalar.BLOCK_LITERAL) {
        // Content of a `|` scalar begins on the line after the indicator, line for line.
        const lines = before.split("\n");
        const line = start.line + lines.length;
        const lineStart = lc.lineStarts[line - 1] ?? 0;
        const indent = /^[ \t]*/.exec(content.slice(lineStart, lineStart + 200))?.[0].length ?? 0;
        return { line, column: indent + lines[lines.length - 1].length + 1 };
      }
      if (before.includes("\n") || node.type === Scalar.BLOCK_FOLDED) return start;
      const quote = node.type === Scalar.QUOTE_DOUBLE || node.type === Scalar.QUOTE_SINGLE ? 1 : 0;
      return { line: start.line, column: start.column + quote + index };
    },
  };
}

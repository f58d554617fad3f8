import type { FieldPath } from "./yaml-source";
import type { PipelineNode } from "./types";

export const CONTEXT_VARIABLES = ["CurrentKitchen", "schema", "environment", "run.id", "pipeline"] as const;
export type ContextVariable = (typeof CONTEXT_VARIABLES)[number];

export type VariableRef =
  | { kind: "context"; name: ContextVariable }
  | { kind: "params"; name: string }
  | { kind: "vault"; name: string }
  | { kind: "outputs"; node: string; key: string };

export type TemplatePart =
  | { kind: "text"; text: string }
  /** `raw` is the whole `{{ ... }}`; `index` its offset in the template; `error` set when it is not a known variable. */
  | { kind: "var"; raw: string; expr: string; index: number; ref?: VariableRef; error?: string };

// `\{{` is an escaped literal `{{`; `{{ expr }}` a variable; a lone `{{` is an unclosed variable.
const TOKEN = /\\\{\{|\{\{([^{}]*)\}\}|\{\{/g;
const NAME = "[A-Za-z_][A-Za-z0-9_]*";
const PARAMS = new RegExp(`^params\\.(${NAME})$`);
const VAULT = new RegExp(`^vault\\.(${NAME})$`);
const OUTPUTS = new RegExp(`^outputs\\.([a-z][a-z0-9_]{0,62})\\.(${NAME})$`);
const HINT =
  "known variables: {{CurrentKitchen}}, {{schema}}, {{environment}}, {{run.id}}, {{pipeline}}, {{params.NAME}}, {{vault.NAME}}, {{outputs.NODE.KEY}}";

const cache = new Map<string, TemplatePart[]>();
const CACHE_LIMIT = 5_000;

/** Splits a template into text and variables. Pure and cached: the same strings are scanned by validate, compile and render. */
export function scanTemplate(template: string): TemplatePart[] {
  if (!template.includes("{{")) return [{ kind: "text", text: template }];
  const hit = cache.get(template);
  if (hit) return hit;
  const parts: TemplatePart[] = [];
  let text = "";
  let last = 0;
  TOKEN.lastIndex = 0;
  for (let m = TOKEN.exec(template); m; m = TOKEN.exec(template)) {
    text += template.slice(last, m.index);
    last = TOKEN.lastIndex;
    if (m[0] === "\\{{") {
      text += "{{";
      continue;
    }
    if (text) parts.push({ kind: "text", text });
    text = "";
    if (m[1] === undefined) {
      parts.push({ kind: "var", raw: "{{", expr: "", index: m.index, error: `"{{" is not closed by "}}" (write \\{{ for a literal "{{")` });
      continue;
    }
    const expr = m[1].trim();
    const ref = classify(expr);
    parts.push({ kind: "var", raw: m[0], expr, index: m.index, ref, error: ref ? undefined : `unknown variable {{${expr}}}; ${HINT}` });
  }
  text += template.slice(last);
  if (text) parts.push({ kind: "text", text });
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(template, parts);
  return parts;
}

function classify(expr: string): VariableRef | undefined {
  if ((CONTEXT_VARIABLES as readonly string[]).includes(expr)) return { kind: "context", name: expr as ContextVariable };
  let m = PARAMS.exec(expr);
  if (m) return { kind: "params", name: m[1] };
  m = VAULT.exec(expr);
  if (m) return { kind: "vault", name: m[1] };
  m = OUTPUTS.exec(expr);
  if (m) return { kind: "outputs", node: m[1], key: m[2] };
  return undefined;
}

/** The canonical `{{...}}` spelling of a variable, used as its name in the compiled view. */
export function variableName(ref: VariableRef): string {
  switch (ref.kind) {
    case "context":
      return ref.name;
    case "params":
    case "vault":
      return `${ref.kind}.${ref.name}`;
    case "outputs":
      return `outputs.${ref.node}.${ref.key}`;
  }
}

export interface TemplatedString {
  /** Path relative to the node, e.g. `["env", "PGPASSWORD"]`. */
  path: FieldPath;
  value: string;
  /** Tests run after their node, so they may read the node's own outputs. */
  allowOwnOutputs: boolean;
}

/**
 * The node fields that are templates. Ids, paths, durations and sizes are not: they are checked
 * before the run, and a value only known at run time would defeat that.
 */
export function templatedStrings(node: PipelineNode): TemplatedString[] {
  const out: TemplatedString[] = [];
  const add = (path: FieldPath, value: unknown, allowOwnOutputs = false) => {
    if (typeof value === "string") out.push({ path, value, allowOwnOutputs });
  };
  if (node.type === "sql") add(["sql"], node.sql);
  else {
    add(["image"], node.image);
    node.command?.forEach((v, i) => add(["command", i], v));
    node.args.forEach((v, i) => add(["args", i], v));
    for (const [k, v] of Object.entries(node.env)) add(["env", k], v);
  }
  node.tests.forEach((test, i) => {
    for (const [k, v] of Object.entries(test)) {
      if (k !== "name" && k !== "level") collectStrings(["tests", i, k], v, (p, s) => add(p, s, true));
    }
  });
  return out;
}

const templatesByNode = new WeakMap<PipelineNode, readonly TemplatedString[]>();

/**
 * The node's templated strings that hold a variable (or a stray `{{`), kept per node object: validation,
 * planning and compiling each ask for them on every run click, and a node does not change once parsed.
 */
export function nodeTemplates(node: PipelineNode): readonly TemplatedString[] {
  let found = templatesByNode.get(node);
  if (!found) {
    found = Object.freeze(templatedStrings(node).filter((t) => t.value.includes("{{")));
    templatesByNode.set(node, found);
  }
  return found;
}

function collectStrings(path: FieldPath, value: unknown, add: (path: FieldPath, value: string) => void): void {
  if (typeof value === "string") add(path, value);
  else if (Array.isArray(value)) value.forEach((v, i) => collectStrings([...path, i], v, add));
  else if (value && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) collectStrings([...path, k], v, add);
  }
}

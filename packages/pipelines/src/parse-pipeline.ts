import type { z } from "zod";
import { ErrorSink, sortErrors } from "./error-sink";
import { normalisePipeline } from "./normalise";
import { rememberOrigin } from "./origin";
import { ZPipelineFile } from "./schema";
import type { ParseResult, PipelineFileInput } from "./types";
import { validatePipeline } from "./validate-pipeline";
import { loadYaml, type FieldPath } from "./yaml-source";

export const MAX_PIPELINE_BYTES = 2_000_000;
export const MAX_NODES = 5_000;

/**
 * Parses and validates one pipeline.yaml. `pipeline` is set only when there are no errors, so a
 * caller can never run a pipeline that failed a check. Never throws for bad input.
 */
export function parsePipeline(file: PipelineFileInput): ParseResult {
  if (file.content.length > MAX_PIPELINE_BYTES) {
    return { errors: [{ file: file.path, message: `file is larger than ${MAX_PIPELINE_BYTES / 1_000_000} MB` }] };
  }
  const loaded = loadYaml(file.path, file.content);
  if (loaded.errors.length > 0) return { errors: loaded.errors };
  if (loaded.value === null || loaded.value === undefined) {
    return { errors: [{ file: file.path, line: 1, message: "file is empty: a pipeline needs at least name and nodes" }] };
  }
  if (Array.isArray(loaded.value?.["nodes" as never]) && (loaded.value as { nodes: unknown[] }).nodes.length > MAX_NODES) {
    return { errors: [{ file: file.path, field: "nodes", message: `a pipeline has at most ${MAX_NODES} nodes` }] };
  }
  const sink = new ErrorSink(file.path, loaded.locator);
  // zod drops a `__proto__` key without a word, and as a plain object key it would set a prototype.
  for (const path of protoKeys(loaded.value)) sink.at(path, 'the key "__proto__" is not allowed');
  if (sink.errors.length > 0) return { errors: sortErrors(sink.errors) };
  const parsed = ZPipelineFile.safeParse(loaded.value, { error: describeIssue });
  if (!parsed.success) {
    for (const issue of parsed.error.issues) reportIssue(issue, sink);
    return { errors: sortErrors(sink.errors) };
  }
  const pipeline = normalisePipeline(parsed.data, file.path);
  rememberOrigin(pipeline, { locator: loaded.locator, siblingFiles: file.siblingFiles, sources: file.sources });
  const errors = validatePipeline(pipeline);
  return errors.length > 0 ? { errors } : { pipeline, errors };
}

/** Paths of every `__proto__` key. One shared path stack: this walks every value of a big file. */
function protoKeys(value: unknown, path: PropertyKey[] = [], found: PropertyKey[][] = []): PropertyKey[][] {
  if (!value || typeof value !== "object") return found;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const v = value[i];
      if (!v || typeof v !== "object") continue;
      path.push(i);
      protoKeys(v, path, found);
      path.pop();
    }
    return found;
  }
  for (const key of Object.keys(value)) {
    if (key === "__proto__") {
      found.push([...path, key]);
      continue;
    }
    const v = (value as Record<string, unknown>)[key];
    if (!v || typeof v !== "object") continue;
    path.push(key);
    protoKeys(v, path, found);
    path.pop();
  }
  return found;
}

function reportIssue(issue: z.core.$ZodIssue, sink: ErrorSink): void {
  const path = issue.path as FieldPath;
  if (issue.code === "unrecognized_keys") {
    for (const key of issue.keys) sink.at([...path, key], `unknown field "${key}"`);
    return;
  }
  if (issue.code === "invalid_key") {
    const inner = issue.issues[0]?.message ?? issue.message;
    sink.at(path, `invalid name "${String(path[path.length - 1])}": ${inner}`);
    return;
  }
  if (path.length === 0) {
    sink.at(path, `the file must be a mapping with at least name and nodes (${issue.message})`);
    return;
  }
  // Generic messages ("must be ...", "is required") read better with the field in front.
  sink.at(path, /^(must|is)\b/.test(issue.message) ? `${subject(path)} ${issue.message}` : issue.message);
}

/** The words an error is about: `depends_on[0]` for `nodes[2].depends_on[0]`, `image` for `nodes[1].image`. */
function subject(path: FieldPath): string {
  const last = path[path.length - 1];
  if (typeof last !== "number") return String(last);
  const parent = path[path.length - 2];
  return parent === undefined ? `[${last}]` : `${String(parent)}[${last}]`;
}

// Schema-level messages win over this map; it covers zod's generic type and size messages.
function describeIssue(issue: z.core.$ZodRawIssue): string | undefined {
  if (issue.code === "invalid_type") {
    if (issue.input === undefined) return "is required";
    return `must be ${article(issue.expected)} (got ${kindOf(issue.input)})`;
  }
  if (issue.code === "too_small" && issue.origin === "array") return `must list at least ${issue.minimum} item(s)`;
  if (issue.code === "too_small" && issue.origin === "string") return "must not be empty";
  if (issue.code === "too_small" || issue.code === "too_big") {
    return `must be ${issue.code === "too_small" ? "at least" : "at most"} ${String(issue.code === "too_small" ? issue.minimum : issue.maximum)}`;
  }
  if (issue.code === "invalid_value") return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`;
  return undefined;
}

function article(expected: string): string {
  const words: Record<string, string> = { string: "a string", number: "a number", boolean: "true or false", array: "a list", object: "a mapping", record: "a mapping", int: "a whole number" };
  return words[expected] ?? expected;
}

function kindOf(value: unknown): string {
  if (value === null) return "nothing";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  if (typeof value === "string") return `text ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  return `${typeof value} ${String(value)}`;
}

import { ErrorSink, sortErrors } from "./error-sink";
import { reachable, type Graph } from "./graph";
import { originOf } from "./origin";
import type { Pipeline, PipelineError } from "./types";
import { validateTests } from "./data-tests/validate-tests";
import { validateFiles } from "./validate-files";
import { validateGraph } from "./validate-graph";
import { validateVariables, type OutputReads } from "./validate-variables";
import type { Locator } from "./yaml-source";

export interface ValidationContext {
  /** Defaults to `pipeline.path`. */
  file?: string;
  /** Secret names of the Kitchen's environment; when absent `{{vault.X}}` is not checked. */
  vaultNames?: readonly string[];
  /** Paths relative to the pipeline folder; default: what `parsePipeline` was given. Absent: files are not checked. */
  siblingFiles?: readonly string[];
  sources?: Readonly<Record<string, string>>;
  /** Default: the positions kept by `parsePipeline` for this very object. */
  locator?: Locator;
}

/**
 * The checks that need the whole pipeline: ids, dependencies, cycles, files, variables, variations.
 * `parsePipeline` runs it already; call it again when more is known (the environment's vault names).
 * Only the vault check depends on the call, so the rest is kept per pipeline object and source
 * files (a Pipeline is a value: nothing changes one after parsing): compiling a run after parsing
 * it, or checking every pipeline against a vault on the pipelines page, does not validate twice.
 */
export function validatePipeline(pipeline: Pipeline, ctx: ValidationContext = {}): PipelineError[] {
  const origin = originOf(pipeline);
  const input: ValidationInput = {
    file: ctx.file ?? pipeline.path,
    locator: ctx.locator ?? origin.locator,
    siblingFiles: ctx.siblingFiles ?? origin.siblingFiles,
    sources: ctx.sources ?? origin.sources,
  };
  let done = validated.get(pipeline);
  if (!done || !sameInput(done.input, input)) {
    done = { input, sink: checkPipeline(pipeline, input) };
    validated.set(pipeline, done);
  }
  return sortErrors(done.sink.withVault(ctx.vaultNames ? new Set(ctx.vaultNames) : undefined));
}

interface ValidationInput {
  file: string;
  locator?: Locator;
  siblingFiles?: readonly string[];
  sources?: Readonly<Record<string, string>>;
}

const validated = new WeakMap<Pipeline, { input: ValidationInput; sink: ErrorSink }>();

function sameInput(a: ValidationInput, b: ValidationInput): boolean {
  return a.file === b.file && a.locator === b.locator && a.siblingFiles === b.siblingFiles && sameSources(a.sources, b.sources);
}

// A run rebuilds the sources map from the same files: equal content counts as the same.
function sameSources(a: ValidationInput["sources"], b: ValidationInput["sources"]): boolean {
  if (a === b) return true;
  if (!a || !b) return false;
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  for (const k of keys) if (!Object.hasOwn(b, k) || a[k] !== b[k]) return false;
  return true;
}

function checkPipeline(pipeline: Pipeline, input: ValidationInput): ErrorSink {
  const sink = new ErrorSink(input.file, input.locator);
  const expectedName = /(?:^|\/)pipelines\/([^/]+)\/pipeline\.yaml$/.exec(pipeline.path)?.[1];
  if (expectedName !== undefined && expectedName !== pipeline.name) {
    sink.at(["name"], `name "${pipeline.name}" must match its folder "${expectedName}"`);
  }
  const graph = validateGraph(pipeline, sink);
  validateTests(pipeline, sink);
  if (input.siblingFiles) validateFiles(pipeline, input.siblingFiles, sink);
  const reads = validateVariables(pipeline, graph, { sources: input.sources }, sink);
  validateVariations(pipeline, graph, reads, sink);
  validateWrites(pipeline, sink);
  return sink;
}

function validateVariations(pipeline: Pipeline, graph: Graph, reads: OutputReads, sink: ErrorSink): void {
  for (const [name, variation] of Object.entries(pipeline.variations)) {
    for (const param of Object.keys(variation.parameters)) {
      if (!Object.hasOwn(pipeline.parameters, param)) {
        sink.at(["variations", name, "parameters", param], `variation "${name}" sets parameter "${param}", which is not declared under parameters`);
      }
    }
    if (!variation.nodes) continue;
    const selected = new Set<number>();
    variation.nodes.forEach((id, j) => {
      const i = graph.index.get(id);
      if (i === undefined) sink.at(["variations", name, "nodes", j], `variation "${name}" lists unknown node "${id}"`);
      else selected.add(i);
    });
    if (variation.include_upstream) for (const i of [...selected]) for (const a of reachable(graph.parents, i)) selected.add(a);
    // An output read from a node the variation leaves out could never be filled in.
    for (const i of selected) {
      for (const producer of reads.get(i) ?? []) {
        const p = graph.index.get(producer);
        if (p === undefined || p === i || selected.has(p)) continue;
        sink.at(
          ["variations", name, "nodes"],
          `variation "${name}": node "${graph.ids[i]}" reads outputs of "${producer}", which the variation leaves out (add it or set include_upstream: true)`,
        );
      }
    }
  }
}

/** One key per table: the data diff of a merge request matches rows by it. */
function validateWrites(pipeline: Pipeline, sink: ErrorSink): void {
  const keys = new Map<string, { node: string; key: string }>();
  pipeline.nodes.forEach((node, i) =>
    node.writes.forEach((w, j) => {
      if (!w.key) return;
      const key = w.key.join(", ");
      const seen = keys.get(w.table);
      if (!seen) keys.set(w.table, { node: node.id, key });
      else if (seen.key !== key) sink.at(["nodes", i, "writes", j, "key"], `table "${w.table}" has key (${key}) here but (${seen.key}) in node "${seen.node}": declare one key per table`);
    }),
  );
}

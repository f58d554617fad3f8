import { AppError } from "@galley/core";
import { buildGraph, reachable, topologicalOrder, type DagLike, type Graph } from "./graph";
import { outputProducers } from "./output-reads";
import { effectiveParameters, getVariationOrThrow, type EffectiveParameters } from "./parameters";
import type { ParamValue, Pipeline } from "./types";

export type RunSelection =
  | { kind: "all" }
  | { kind: "node"; node: string }
  | { kind: "downstream"; node: string }
  | { kind: "variation"; name: string };

/** Nodes that succeeded in the run being resumed. */
export interface ResumeFrom {
  succeeded: readonly string[];
}

export interface PlannedNode {
  id: string;
  type: "sql" | "container";
  /** Upstream nodes that are part of this run (reused ones included). */
  deps: string[];
  /** Deps that will actually run; the node is ready when this reaches 0. */
  remainingDeps: number;
  /** Succeeded in the resumed run: its result and outputs are taken from there, it does not run. */
  reused: boolean;
  maxAttempts: number;
  /** Delay before the first retry; see `retryDelayMs`. */
  backoffMs: number;
  timeoutMs: number;
  /** Nodes whose outputs this node reads: in this run, or reused from the resumed one. */
  needsOutputsOf: string[];
}

export interface RunPlan {
  /** In topological order. */
  nodes: PlannedNode[];
  order: string[];
  /** Nodes that can start at once. */
  roots: string[];
  variation?: string;
  parameters: EffectiveParameters;
}

export interface PlanOptions {
  overrides?: Readonly<Record<string, ParamValue>>;
  runParams?: Readonly<Record<string, ParamValue>>;
}

/**
 * Which nodes a run executes and in what order. A resumed node is reused only if every selected
 * upstream of it is reused too: a node re-running upstream makes its result stale.
 */
export function planRun(pipeline: Pipeline, selection: RunSelection & { resume?: ResumeFrom }, options: PlanOptions = {}): RunPlan {
  const graph = buildGraph(pipeline);
  const selected = selectNodes(pipeline, graph, selection);
  const order = topologicalOrder(graph, (i) => selected.has(i));
  if (order.length !== selected.size) throw new AppError("invalid_input", "the pipeline has a cycle; validate it before planning a run");

  const succeeded = new Set(selection.resume?.succeeded ?? []);
  const reused = new Set<number>();
  for (const i of order) {
    if (succeeded.has(graph.ids[i]) && graph.parents[i].every((p) => !selected.has(p) || reused.has(p))) reused.add(i);
  }

  const nodes = order.map((i): PlannedNode => {
    const node = pipeline.nodes[i];
    const deps = graph.parents[i].filter((p) => selected.has(p));
    const isReused = reused.has(i);
    const needsOutputsOf = outputProducers(pipeline, node);
    if (!isReused) {
      for (const producer of needsOutputsOf) {
        const p = graph.index.get(producer);
        if (p !== undefined && !selected.has(p) && !succeeded.has(producer)) {
          throw new AppError("invalid_input", `node "${node.id}" reads outputs of "${producer}", which this run neither runs nor reuses; run it downstream of "${producer}" or resume a run where it succeeded`, {
            field: "selection",
          });
        }
      }
    }
    return {
      id: node.id,
      type: node.type,
      deps: deps.map((p) => graph.ids[p]),
      remainingDeps: isReused ? 0 : deps.filter((p) => !reused.has(p)).length,
      reused: isReused,
      maxAttempts: node.retries.attempts + 1,
      backoffMs: node.retries.backoff_ms,
      timeoutMs: node.timeout_ms,
      needsOutputsOf,
    };
  });

  const variation = selection.kind === "variation" ? selection.name : undefined;
  return {
    nodes,
    order: nodes.map((n) => n.id),
    roots: nodes.filter((n) => !n.reused && n.remainingDeps === 0).map((n) => n.id),
    ...(variation !== undefined ? { variation } : {}),
    parameters: effectiveParameters(pipeline, options.overrides, options.runParams, variation),
  };
}

function selectNodes(pipeline: Pipeline, graph: Graph, selection: RunSelection): Set<number> {
  switch (selection.kind) {
    case "all":
      return new Set(graph.ids.map((_, i) => i));
    case "node":
      return new Set([indexOrThrow(graph, selection.node)]);
    case "downstream": {
      const start = indexOrThrow(graph, selection.node);
      return new Set([start, ...reachable(graph.children, start)]);
    }
    case "variation": {
      const variation = getVariationOrThrow(pipeline, selection.name);
      if (!variation.nodes) return new Set(graph.ids.map((_, i) => i));
      const set = new Set(variation.nodes.map((id) => indexOrThrow(graph, id)));
      if (variation.include_upstream) for (const i of [...set]) for (const a of reachable(graph.parents, i)) set.add(a);
      return set;
    }
    default:
      throw new AppError("invalid_input", `unknown selection kind ${JSON.stringify((selection as { kind: unknown }).kind)}`, { field: "selection.kind" });
  }
}

function indexOrThrow(graph: Graph, id: string): number {
  const i = graph.index.get(id);
  if (i === undefined) throw new AppError("not_found", `no node "${id}" in this pipeline`, { field: "selection.node" });
  return i;
}

/** Every node downstream of `nodeId` (not itself), in topological order: what to skip when it fails. */
export function downstreamOf(dag: DagLike, nodeId: string): string[] {
  const graph = buildGraph(dag);
  const descendants = reachable(graph.children, indexOrThrow(graph, nodeId));
  const order = topologicalOrder(graph, (i) => descendants.has(i));
  // On an invalid pipeline nodes in a cycle have no order; they are still downstream.
  if (order.length < descendants.size) order.push(...[...descendants].filter((i) => !order.includes(i)).sort((a, b) => a - b));
  return order.map((i) => graph.ids[i]);
}

export const MAX_RETRY_DELAY_MS = 3_600_000;

/** Exponential backoff: the delay before retry number `retry` (1 = first retry) is backoff × 2^(retry-1), at most 1h. */
export function retryDelayMs(backoffMs: number, retry: number): number {
  return Math.min(MAX_RETRY_DELAY_MS, backoffMs * 2 ** Math.max(0, retry - 1));
}

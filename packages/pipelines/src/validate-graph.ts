import type { ErrorSink } from "./error-sink";
import { buildGraph, findCycles, type Graph } from "./graph";
import type { Pipeline } from "./types";

/** Unique ids, known dependencies, unique test names and no cycles. Returns the graph for later checks. */
export function validateGraph(pipeline: Pipeline, sink: ErrorSink): Graph {
  const firstIndex = new Map<string, number>();
  pipeline.nodes.forEach((node, i) => {
    const first = firstIndex.get(node.id);
    if (first === undefined) firstIndex.set(node.id, i);
    else sink.at(["nodes", i, "id"], `duplicate node id "${node.id}" (also nodes[${first}])`);
  });
  pipeline.nodes.forEach((node, i) => {
    node.depends_on.forEach((dep, j) => {
      if (dep === node.id) sink.at(["nodes", i, "depends_on", j], `cycle: ${dep} -> ${dep} (a node cannot depend on itself)`);
      else if (!firstIndex.has(dep)) sink.at(["nodes", i, "depends_on", j], `depends on unknown node "${dep}"${suggest(dep, firstIndex)}`);
    });
    const testNames = new Set<string>();
    node.tests.forEach((test, j) => {
      if (testNames.has(test.name)) sink.at(["nodes", i, "tests", j, "name"], `duplicate test name "${test.name}" in node "${node.id}"`);
      testNames.add(test.name);
    });
  });
  const graph = buildGraph(pipeline);
  for (const cycle of findCycles(graph)) {
    if (cycle.length < 2) continue; // self-dependencies are reported above with their own message
    // Point at the edge that closes the loop: the first node's dependency on the last one.
    const first = graph.index.get(cycle[0])!;
    const j = pipeline.nodes[first].depends_on.indexOf(cycle[cycle.length - 1]);
    sink.at(["nodes", first, "depends_on", j], `cycle: ${[...cycle, cycle[0]].join(" -> ")}`);
  }
  return graph;
}

/** " (did you mean "x"?)" when an id is one edit away from a known one: typos are the usual cause. */
function suggest(name: string, known: Map<string, number>): string {
  for (const id of known.keys()) if (editDistanceAtMostOne(name, id)) return ` (did you mean "${id}"?)`;
  return "";
}

function editDistanceAtMostOne(a: string, b: string): boolean {
  if (Math.abs(a.length - b.length) > 1) return false;
  let i = 0;
  let j = 0;
  let edits = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      i++;
      j++;
      continue;
    }
    if (++edits > 1) return false;
    if (a.length > b.length) i++;
    else if (a.length < b.length) j++;
    else {
      i++;
      j++;
    }
  }
  return edits + (a.length - i) + (b.length - j) <= 1;
}

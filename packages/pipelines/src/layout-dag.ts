import { buildGraph, topologicalOrder, type DagLike, type Graph } from "./graph";

export interface LayoutOptions {
  nodeWidth?: number;
  nodeHeight?: number;
  /** Horizontal space between layers. */
  layerGap?: number;
  /** Vertical space between nodes of a layer. */
  nodeGap?: number;
  margin?: number;
}

export interface DagLayout {
  /** x, y: top-left corner of the node's box. Layers run left to right; `order` is the rank within the layer. */
  nodes: { id: string; x: number; y: number; layer: number; order: number }[];
  edges: { from: string; to: string }[];
  width: number;
  height: number;
  nodeWidth: number;
  nodeHeight: number;
}

const SWEEPS = 4;

/**
 * Sugiyama-lite: layer = longest path from a root; order within a layer by the barycenter of
 * neighbours, sweeping down and up, keeping the ordering with the fewest crossings between adjacent
 * layers. No dummy nodes for long edges: good enough for pipelines, and linear-ish in their size.
 * Tolerates cycles (their nodes go to a last layer) so a broken pipeline can still be drawn.
 */
export function layoutDag(dag: DagLike, options: LayoutOptions = {}): DagLayout {
  const o = { nodeWidth: 180, nodeHeight: 48, layerGap: 80, nodeGap: 24, margin: 16, ...options };
  const graph = buildGraph(dag);
  const layerOf = assignLayers(graph);
  const layers: number[][] = [];
  graph.ids.forEach((_, i) => (layers[layerOf[i]] ??= []).push(i));
  for (let l = 0; l < layers.length; l++) layers[l] ??= [];
  const ordered = orderLayers(graph, layers);

  const tallest = Math.max(0, ...ordered.map((l) => l.length));
  const rowStep = o.nodeHeight + o.nodeGap;
  const nodes = ordered.flatMap((layer, l) => {
    // Centre each layer against the tallest one.
    const offset = ((tallest - layer.length) * rowStep) / 2;
    return layer.map((i, k) => ({
      id: graph.ids[i],
      x: o.margin + l * (o.nodeWidth + o.layerGap),
      y: o.margin + offset + k * rowStep,
      layer: l,
      order: k,
    }));
  });
  const edges = graph.children.flatMap((cs, p) => cs.map((c) => ({ from: graph.ids[p], to: graph.ids[c] })));
  return {
    nodes,
    edges,
    width: ordered.length === 0 ? 0 : 2 * o.margin + ordered.length * o.nodeWidth + (ordered.length - 1) * o.layerGap,
    height: tallest === 0 ? 0 : 2 * o.margin + tallest * o.nodeHeight + (tallest - 1) * o.nodeGap,
    nodeWidth: o.nodeWidth,
    nodeHeight: o.nodeHeight,
  };
}

function assignLayers(graph: Graph): number[] {
  const layer = new Array<number>(graph.ids.length).fill(0);
  const order = topologicalOrder(graph);
  for (const i of order) for (const c of graph.children[i]) layer[c] = Math.max(layer[c], layer[i] + 1);
  if (order.length < graph.ids.length) {
    const placed = new Set(order);
    const last = order.length ? Math.max(...order.map((i) => layer[i])) + 1 : 0;
    graph.ids.forEach((_, i) => {
      if (!placed.has(i)) layer[i] = last;
    });
  }
  return layer;
}

function orderLayers(graph: Graph, initial: number[][]): number[][] {
  let current = initial.map((l) => [...l]);
  let best = current.map((l) => [...l]);
  let bestCrossings = countCrossings(graph, best);
  for (let sweep = 0; sweep < SWEEPS && bestCrossings > 0; sweep++) {
    const down = sweep % 2 === 0;
    current = reorder(graph, current, down);
    const crossings = countCrossings(graph, current);
    if (crossings < bestCrossings) {
      best = current.map((l) => [...l]);
      bestCrossings = crossings;
    }
  }
  return best;
}

/** One sweep: each node moves to the mean rank of its neighbours in the layers already placed. */
function reorder(graph: Graph, layers: number[][], down: boolean): number[][] {
  const rank = new Int32Array(graph.ids.length);
  layers.forEach((l) => l.forEach((i, k) => (rank[i] = k)));
  const out = layers.map((l) => [...l]);
  const sequence = down ? out.map((_, l) => l) : out.map((_, l) => out.length - 1 - l);
  for (const l of sequence.slice(1)) {
    const neighbours = down ? graph.parents : graph.children;
    const keyed = out[l].map((i, k) => {
      const ns = neighbours[i];
      // Nodes without neighbours on that side keep their place.
      let sum = 0;
      for (const n of ns) sum += rank[n];
      const bary = ns.length ? sum / ns.length : k;
      return { i, bary, k };
    });
    keyed.sort((a, b) => a.bary - b.bary || a.k - b.k);
    out[l] = keyed.map((e) => e.i);
    out[l].forEach((i, k) => (rank[i] = k));
  }
  return out;
}

/**
 * Crossings among edges between adjacent layers (long edges are not counted). Two edges cross when
 * their ends are in opposite orders: sorted by upper rank (then lower), that is an inversion of the
 * lower ranks, counted with a Fenwick tree in O(E log V) rather than comparing every pair.
 */
export function countCrossings(graph: Graph, layers: number[][]): number {
  const n = graph.ids.length;
  const layerOf = new Int32Array(n).fill(-1);
  const rank = new Int32Array(n);
  layers.forEach((l, li) => l.forEach((i, k) => ((layerOf[i] = li), (rank[i] = k))));
  let total = 0;
  for (let l = 0; l + 1 < layers.length; l++) {
    const lower = layers[l + 1].length;
    // Upper nodes in rank order; each one's lower ends sorted, so equal upper ranks never count.
    const ends: number[] = [];
    const tree = new Int32Array(lower + 1);
    let seen = 0;
    for (const p of layers[l]) {
      ends.length = 0;
      for (const c of graph.children[p]) if (layerOf[c] === l + 1) ends.push(rank[c]);
      ends.sort((a, b) => a - b);
      // Edges already added (smaller upper rank) whose lower rank is greater than this one's.
      for (const c of ends) {
        let notGreater = 0;
        for (let x = c + 1; x > 0; x -= x & -x) notGreater += tree[x];
        total += seen - notGreater;
      }
      for (const c of ends) {
        for (let x = c + 1; x <= lower; x += x & -x) tree[x]++;
        seen++;
      }
    }
  }
  return total;
}

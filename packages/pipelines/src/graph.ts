/** The minimum a DAG algorithm needs, so plans and layouts work on any node list. */
export interface DagLike {
  nodes: ReadonlyArray<{ id: string; depends_on: readonly string[] }>;
}

/** Index-based adjacency; dependencies naming unknown nodes are left out (validation reports them). */
export interface Graph {
  ids: string[];
  index: Map<string, number>;
  parents: number[][];
  children: number[][];
}

export function buildGraph(dag: DagLike): Graph {
  const ids = dag.nodes.map((n) => n.id);
  const index = new Map<string, number>();
  ids.forEach((id, i) => {
    if (!index.has(id)) index.set(id, i);
  });
  const parents: number[][] = ids.map(() => []);
  const children: number[][] = ids.map(() => []);
  dag.nodes.forEach((node, i) => {
    const seen = new Set<number>();
    for (const dep of node.depends_on) {
      const p = index.get(dep);
      if (p === undefined || seen.has(p)) continue;
      seen.add(p);
      parents[i].push(p);
      children[p].push(i);
    }
  });
  return { ids, index, parents, children };
}

/**
 * Kahn's algorithm, stable: among ready nodes the one earliest in the file goes first.
 * Nodes on or behind a cycle are missing from `order`.
 */
export function topologicalOrder(graph: Graph, include?: (i: number) => boolean): number[] {
  const n = graph.ids.length;
  const inSet = (i: number) => !include || include(i);
  const remaining = new Array<number>(n).fill(0);
  for (let i = 0; i < n; i++) {
    if (inSet(i)) remaining[i] = graph.parents[i].filter(inSet).length;
  }
  const ready = new MinHeap();
  for (let i = 0; i < n; i++) if (inSet(i) && remaining[i] === 0) ready.push(i);
  const order: number[] = [];
  while (ready.size > 0) {
    const i = ready.pop();
    order.push(i);
    for (const c of graph.children[i]) {
      if (inSet(c) && --remaining[c] === 0) ready.push(c);
    }
  }
  return order;
}

/** Smallest index first, so ties resolve to file order. */
class MinHeap {
  private items: number[] = [];
  get size(): number {
    return this.items.length;
  }
  push(v: number): void {
    const a = this.items;
    a.push(v);
    for (let i = a.length - 1; i > 0; ) {
      const p = (i - 1) >> 1;
      if (a[p] <= a[i]) break;
      [a[p], a[i]] = [a[i], a[p]];
      i = p;
    }
  }
  pop(): number {
    const a = this.items;
    const top = a[0];
    const last = a.pop()!;
    if (a.length > 0) {
      a[0] = last;
      for (let i = 0; ; ) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && a[l] < a[m]) m = l;
        if (r < a.length && a[r] < a[m]) m = r;
        if (m === i) break;
        [a[m], a[i]] = [a[i], a[m]];
        i = m;
      }
    }
    return top;
  }
}

/** Every cycle reachable by a depth-first search, each as ids in data-flow order (upstream first), at most `limit`. */
export function findCycles(graph: Graph, limit = 10): string[][] {
  const n = graph.ids.length;
  const state = new Uint8Array(n); // 0 unvisited, 1 on the current path, 2 done
  const cycles: string[][] = [];
  const seen = new Set<string>();
  for (let root = 0; root < n && cycles.length < limit; root++) {
    if (state[root] !== 0) continue;
    // Iterative DFS along parent edges: a 1,000-deep chain must not overflow the stack.
    const path: number[] = [root];
    const next: number[] = [0];
    state[root] = 1;
    while (path.length > 0) {
      const top = path[path.length - 1];
      const parents = graph.parents[top];
      const k = next[next.length - 1]++;
      if (k >= parents.length) {
        state[top] = 2;
        path.pop();
        next.pop();
        continue;
      }
      const p = parents[k];
      if (state[p] === 1) {
        // p is upstream of top and top is (transitively) upstream of p: data flows p -> top -> ... -> p.
        const loop = path.slice(path.indexOf(p)).reverse();
        const key = [...loop].sort((a, b) => a - b).join(",");
        if (!seen.has(key) && cycles.length < limit) {
          seen.add(key);
          cycles.push(rotateToSmallest(loop).map((i) => graph.ids[i]));
        }
      } else if (state[p] === 0) {
        state[p] = 1;
        path.push(p);
        next.push(0);
      }
    }
  }
  return cycles;
}

function rotateToSmallest(loop: number[]): number[] {
  const start = loop.indexOf(Math.min(...loop));
  return [...loop.slice(start), ...loop.slice(0, start)];
}

/** Indexes reachable from `start` through `edges` (children = descendants, parents = ancestors), excluding start. */
export function reachable(edges: number[][], start: number): Set<number> {
  const out = new Set<number>();
  const stack = [...edges[start]];
  while (stack.length > 0) {
    const i = stack.pop()!;
    if (out.has(i)) continue;
    out.add(i);
    for (const j of edges[i]) if (!out.has(j)) stack.push(j);
  }
  return out;
}

/**
 * "Is `a` an ancestor of `i`?" for many pairs: one bitset of ancestors per node, built in
 * topological order (parents' sets OR-ed), so a 1,000-node pipeline costs ~100k word operations
 * instead of one graph walk per question. Nodes on a cycle fall back to a walk.
 */
export function ancestorOracle(graph: Graph): (i: number, a: number) => boolean {
  const n = graph.ids.length;
  const words = (n + 31) >>> 5;
  const bits = new Uint32Array(n * words);
  const done = new Uint8Array(n);
  for (const i of topologicalOrder(graph)) {
    const row = i * words;
    for (const p of graph.parents[i]) {
      const prow = p * words;
      for (let w = 0; w < words; w++) bits[row + w] |= bits[prow + w];
      bits[row + (p >>> 5)] |= 1 << (p & 31);
    }
    done[i] = 1;
  }
  const fallback = new Map<number, Set<number>>();
  return (i, a) => {
    if (done[i]) return (bits[i * words + (a >>> 5)] & (1 << (a & 31))) !== 0;
    let set = fallback.get(i);
    if (!set) fallback.set(i, (set = reachable(graph.parents, i)));
    return set.has(a);
  };
}

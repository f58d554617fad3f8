import { describe, expect, it } from "vitest";
import { buildGraph } from "./graph";
import { countCrossings, layoutDag } from "./layout-dag";

const dag = (edges: Record<string, string[]>) => ({ nodes: Object.entries(edges).map(([id, depends_on]) => ({ id, depends_on })) });
const byId = (layout: ReturnType<typeof layoutDag>) => Object.fromEntries(layout.nodes.map((n) => [n.id, n]));

describe("layoutDag", () => {
  it("puts each node on the layer of its longest path from a root", () => {
    const layout = layoutDag(dag({ a: [], b: ["a"], c: ["a", "b"], d: [], e: ["d", "c"] }));
    const n = byId(layout);
    expect([n.a.layer, n.b.layer, n.c.layer, n.d.layer, n.e.layer]).toEqual([0, 1, 2, 0, 3]);
    expect(layout.edges).toEqual([
      { from: "a", to: "b" },
      { from: "a", to: "c" },
      { from: "b", to: "c" },
      { from: "c", to: "e" },
      { from: "d", to: "e" },
    ]);
  });

  it("places layers left to right and sizes the drawing", () => {
    const layout = layoutDag(dag({ a: [], b: ["a"], c: ["a"] }), { nodeWidth: 100, nodeHeight: 40, layerGap: 50, nodeGap: 10, margin: 5 });
    const n = byId(layout);
    expect(n.a).toEqual({ id: "a", x: 5, y: 30, layer: 0, order: 0 }); // centred against the two nodes of layer 1
    expect([n.b.x, n.b.y, n.c.x, n.c.y]).toEqual([155, 5, 155, 55]);
    expect([layout.width, layout.height]).toEqual([5 + 100 + 50 + 100 + 5, 5 + 40 + 10 + 40 + 5]);
  });

  it("orders nodes by barycenter so edges do not cross", () => {
    // File order would draw p1→c1 and p2→c2 crossing (c2 listed first); barycenters untangle them.
    const input = dag({ p1: [], p2: [], c2: ["p2"], c1: ["p1"], g2: ["c2"], g1: ["c1"] });
    const layout = layoutDag(input);
    const n = byId(layout);
    expect(n.c1.y).toBeLessThan(n.c2.y);
    expect(n.g1.y).toBeLessThan(n.g2.y);
    const graph = buildGraph(input);
    const naive = [[0, 1], [2, 3], [4, 5]];
    expect(countCrossings(graph, naive)).toBe(1);
    const drawn = [0, 1, 2].map((l) => layout.nodes.filter((x) => x.layer === l).sort((a, b) => a.order - b.order).map((x) => graph.index.get(x.id)!));
    expect(countCrossings(graph, drawn)).toBe(0);
  });

  it("counts crossings as a comparison of every pair of edges would", () => {
    let seed = 7;
    const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    for (let trial = 0; trial < 30; trial++) {
      const edges: Record<string, string[]> = {};
      const layers: string[][] = [];
      for (let l = 0; l < 4; l++) {
        layers.push([]);
        for (let k = 0; k < 1 + rnd(8); k++) {
          const id = `l${l}_${k}`;
          layers[l].push(id);
          // Repeated parents and parents two layers up (long edges, not counted) on purpose.
          edges[id] = l === 0 ? [] : Array.from({ length: rnd(4) }, () => { const up = layers[Math.max(0, l - 1 - rnd(2))]; return up[rnd(up.length)]; });
        }
      }
      const graph = buildGraph(dag(edges));
      const order = layers.map((ids) => ids.map((id) => graph.index.get(id)!).sort(() => rnd(3) - 1));
      let expected = 0;
      for (let l = 0; l + 1 < order.length; l++) {
        const pairs: [number, number][] = [];
        order[l].forEach((p, rp) => graph.children[p].forEach((c) => { const rc = order[l + 1].indexOf(c); if (rc >= 0) pairs.push([rp, rc]); }));
        for (let a = 0; a < pairs.length; a++) for (let b = a + 1; b < pairs.length; b++) if ((pairs[a][0] - pairs[b][0]) * (pairs[a][1] - pairs[b][1]) < 0) expected++;
      }
      expect(countCrossings(graph, order)).toBe(expected);
    }
  });

  it("still draws a pipeline with a cycle, its nodes on a last layer", () => {
    const n = byId(layoutDag(dag({ a: [], b: ["a", "c"], c: ["b"] })));
    expect([n.a.layer, n.b.layer, n.c.layer]).toEqual([0, 1, 1]);
  });

  it("lays out an empty pipeline", () => {
    expect(layoutDag({ nodes: [] })).toMatchObject({ nodes: [], edges: [], width: 0, height: 0 });
  });

  // Speed is bench dag-plan's business; this checks the large case is laid out whole and layered.
  it("lays out 1,000 nodes, each on a layer right of its dependencies", () => {
    const edges: Record<string, string[]> = {};
    for (let i = 0; i < 1000; i++) edges[`n${i}`] = i < 50 ? [] : [`n${i - 50}`, `n${(i * 7) % i}`];
    const layout = layoutDag(dag(edges));
    expect(layout.nodes).toHaveLength(1000);
    const at = new Map(layout.nodes.map((n) => [n.id, n]));
    for (const [id, deps] of Object.entries(edges)) {
      for (const d of deps) expect(at.get(id)!.layer).toBeGreaterThan(at.get(d)!.layer);
    }
    expect(new Set(layout.nodes.map((n) => `${n.x},${n.y}`)).size).toBe(1000); // no two drawn on one spot
  });
});

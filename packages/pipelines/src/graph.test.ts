import { describe, expect, it } from "vitest";
import { ancestorOracle, buildGraph, findCycles, reachable, topologicalOrder } from "./graph";
import { globToRegExp, matchFiles } from "./glob";

const dag = (edges: Record<string, string[]>) => buildGraph({ nodes: Object.entries(edges).map(([id, depends_on]) => ({ id, depends_on })) });

describe("findCycles", () => {
  it("names each cycle in data-flow order, starting from the node first in the file", () => {
    expect(findCycles(dag({ a: ["c"], b: ["a"], c: ["b"], x: ["y"], y: ["x"], z: [] }))).toEqual([
      ["a", "b", "c"],
      ["x", "y"],
    ]);
  });

  it("finds none in a DAG, and survives a 5,000-deep chain", () => {
    expect(findCycles(dag({ a: [], b: ["a"], c: ["a", "b"] }))).toEqual([]);
    const chain: Record<string, string[]> = { n0: [] };
    for (let i = 1; i < 5000; i++) chain[`n${i}`] = [`n${i - 1}`];
    expect(findCycles(dag(chain))).toEqual([]);
    chain.n0 = ["n4999"];
    expect(findCycles(dag(chain))[0]).toHaveLength(5000);
  });
});

describe("topologicalOrder", () => {
  it("keeps file order among ready nodes", () => {
    const g = dag({ z: [], y: ["z"], x: [], w: ["x", "y"] });
    expect(topologicalOrder(g).map((i) => g.ids[i])).toEqual(["z", "y", "x", "w"]);
  });
});

describe("globs for files:", () => {
  it("matches *, ** and ? within the pipeline folder", () => {
    const files = ["a.sql", "data/x.csv", "data/deep/y.csv", "lib/util.py", "notes.md"];
    expect(matchFiles(["*.sql"], files)).toEqual(["a.sql"]);
    expect(matchFiles(["data/*.csv"], files)).toEqual(["data/x.csv"]);
    expect(matchFiles(["**/*.csv"], files)).toEqual(["data/x.csv", "data/deep/y.csv"]);
    expect(matchFiles(["lib", "notes.m?"], files)).toEqual(["lib/util.py", "notes.md"]);
    expect(globToRegExp("a+b(1).sql").test("a+b(1).sql")).toBe(true);
  });
});

describe("ancestorOracle", () => {
  it("answers ancestor questions, also for nodes on a cycle", () => {
    const g = dag({ a: [], b: ["a"], c: ["b"], d: [], x: ["y", "c"], y: ["x"] });
    const is = ancestorOracle(g);
    const i = (id: string) => g.index.get(id)!;
    expect([is(i("c"), i("a")), is(i("c"), i("b")), is(i("a"), i("c")), is(i("c"), i("d")), is(i("c"), i("c"))]).toEqual([true, true, false, false, false]);
    expect([is(i("x"), i("a")), is(i("x"), i("y")), is(i("y"), i("x")), is(i("x"), i("d"))]).toEqual([true, true, true, false]);
  });

  it("agrees with a graph walk on a large random DAG", () => {
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const edges: Record<string, string[]> = {};
    for (let k = 0; k < 300; k++) edges[`n${k}`] = k === 0 ? [] : [`n${Math.floor(rnd() * k)}`, `n${Math.floor(rnd() * k)}`];
    const g = dag(edges);
    const is = ancestorOracle(g);
    for (let k = 0; k < 300; k += 7) {
      const walk = reachable(g.parents, k);
      for (let a = 0; a < 300; a++) expect(is(k, a)).toBe(walk.has(a));
    }
  });
});

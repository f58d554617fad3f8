import { describe, expect, it } from "vitest";
import { buildGraph, findCycles, topologicalOrder } from "./graph";
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
